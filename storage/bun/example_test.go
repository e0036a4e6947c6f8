package bunstore_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/google/uuid"

	"github.com/zincware/zndraw-auth-go/core"
	bunstore "github.com/zincware/zndraw-auth-go/storage/bun"
)

// The smallest use: open, migrate, build the store. An in-memory SQLite
// database runs anywhere.
func Example() {
	ctx := context.Background()
	db, err := bunstore.Open(ctx, "sqlite://:memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if err := bunstore.Migrate(ctx, db); err != nil {
		log.Fatal(err)
	}
	st := bunstore.New(db)

	u, err := st.CreateUser(ctx, core.User{
		ID:             uuid.MustParse("6f1f7a52-3b8e-4c1a-9d2e-0a1b2c3d4e5f"),
		Email:          "Arthur@Camelot.bt",
		HashedPassword: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
		IsActive:       true,
	})
	if err != nil {
		log.Fatal(err)
	}
	// Emails are unique and looked up case-insensitively.
	got, _ := st.GetUserByEmail(ctx, "arthur@camelot.bt")
	fmt.Println(got.ID == u.ID, got.Email)
	_, err = st.CreateUser(ctx, core.User{ID: uuid.New(), Email: "ARTHUR@camelot.bt", HashedPassword: "x"})
	fmt.Println(err != nil && errors.Is(err, core.ErrAlreadyExists))
	// Output:
	// true Arthur@Camelot.bt
	// true
}

// Open takes the database URLs zndraw-auth took, so an existing deployment
// keeps its setting.
func ExampleOpen() {
	ctx := context.Background()
	// For example "sqlite:///./zndraw.db" (relative path),
	// "sqlite:////var/lib/zndraw/auth.db" (absolute path) or
	// "postgresql://zndraw:secret@db:5432/zndraw?sslmode=require".
	db, err := bunstore.Open(ctx, os.Getenv("ZNDRAW_DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	// db is a *bun.DB: the host application can use it for its own tables.
}

// Migrate runs once at startup; several instances may start at once.
func ExampleMigrate() {
	ctx := context.Background()
	db, err := bunstore.Open(ctx, "sqlite:///zndraw.db")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if err := bunstore.Migrate(ctx, db); err != nil {
		// For example bunstore.ErrCaseVariantEmails on an adopted database
		// that holds two accounts whose emails differ only in case.
		log.Fatal(err)
	}
}

// New on a transaction makes the store's writes part of the caller's.
func ExampleNew_transaction() {
	ctx := context.Background()
	db, err := bunstore.Open(ctx, "sqlite://:memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if err := bunstore.Migrate(ctx, db); err != nil {
		log.Fatal(err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	st := bunstore.New(tx)
	if _, err := st.CreateUser(ctx, core.User{ID: uuid.New(), Email: "lancelot@camelot.bt", HashedPassword: "h"}); err != nil {
		log.Fatal(err)
	}
	// ... the host's own writes on tx ...
	_ = tx.Rollback()

	_, err = bunstore.New(db).GetUserByEmail(ctx, "lancelot@camelot.bt")
	fmt.Println(errors.Is(err, core.ErrNotFound))
	// Output: true
}
