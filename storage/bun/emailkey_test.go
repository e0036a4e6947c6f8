package bunstore_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/zincware/zndraw-auth-go/core"
	bunstore "github.com/zincware/zndraw-auth-go/storage/bun"
)

// insertAsReference inserts a user the way zndraw-auth does: its own
// columns only, so email_key stays NULL.
func insertAsReference(t *testing.T, db *bun.DB, id uuid.UUID, email string) {
	t.Helper()
	if _, err := db.ExecContext(t.Context(),
		`INSERT INTO "user" (id, email, hashed_password, is_active, is_superuser, is_verified) VALUES (?, ?, 'x', ?, ?, ?)`,
		id.String(), email, true, false, false); err != nil {
		t.Fatal(err)
	}
}

// TestEmailKeyWithReferenceWriters: users zndraw-auth inserts or renames in
// the shared table (it knows nothing of email_key) are found, keyed before
// the kit writes an email, and never leave a stale key behind.
func TestEmailKeyWithReferenceWriters(t *testing.T) {
	for _, b := range backends[1:] {
		t.Run(b.name, func(t *testing.T) {
			db := migrated(t, b.url(t))
			st := bunstore.New(db)
			ctx := t.Context()

			// An unkeyed row is found by zndraw-auth's rule...
			py := uuid.New()
			insertAsReference(t, db, py, "\u00c9mile@example.com")
			if u, err := st.GetUserByEmail(ctx, "\u00c9MILE@example.com"); err != nil || u.ID != py {
				t.Fatalf("GetUserByEmail of a row zndraw-auth inserted: %v %v", u.ID, err)
			}
			// ...and keyed before the kit writes an email: its Unicode
			// spellings are taken, whatever lower() folds.
			for _, email := range []string{"\u00e9mile@example.com", "E\u0301mile@example.com"} {
				_, err := st.CreateUser(ctx, core.User{ID: uuid.New(), Email: email, HashedPassword: "h"})
				if !errors.Is(err, core.ErrAlreadyExists) {
					t.Fatalf("CreateUser(%+q) next to zndraw-auth's %q: %v, want ErrAlreadyExists", email, "Émile", err)
				}
			}
			if u, err := st.GetUserByEmail(ctx, "e\u0301mile@example.com"); err != nil || u.ID != py {
				t.Fatalf("GetUserByEmail(NFD) after keying: %v %v", u.ID, err)
			}

			// zndraw-auth renames a keyed user: the key is cleared, the old
			// address freed, the new one found.
			kit, err := st.CreateUser(ctx, core.User{ID: uuid.New(), Email: "Kay@example.com", HashedPassword: "h"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(ctx, `UPDATE "user" SET email = ? WHERE id = ?`, "Gareth@example.com", kit.ID.String()); err != nil {
				t.Fatal(err)
			}
			if n := count(t, db, `SELECT count(*) FROM "user" WHERE email_key = 'kay@example.com'`); n != 0 {
				t.Fatalf("a stale key outlived zndraw-auth's rename")
			}
			if _, err := st.GetUserByEmail(ctx, "\u212Aay@example.com"); !errors.Is(err, core.ErrNotFound) {
				t.Fatalf("GetUserByEmail(old address) after the rename: %v", err)
			}
			if u, err := st.GetUserByEmail(ctx, "gareth@example.com"); err != nil || u.ID != kit.ID {
				t.Fatalf("GetUserByEmail(new address) after the rename: %v %v", u.ID, err)
			}
			if _, err := st.CreateUser(ctx, core.User{ID: uuid.New(), Email: "kay@example.com", HashedPassword: "h"}); err != nil {
				t.Fatalf("the old address is free again: %v", err)
			}
			if _, err := st.CreateUser(ctx, core.User{ID: uuid.New(), Email: "GARETH@example.com", HashedPassword: "h"}); !errors.Is(err, core.ErrAlreadyExists) {
				t.Fatalf("the renamed user was keyed again: %v", err)
			}

			// A lookalike zndraw-auth inserts next to a keyed user (its rule
			// cannot see it on SQLite) stays unkeyed; lookups prefer the
			// keyed user and the kit's writes go on.
			if b.name != "PostgreSQL" {
				look := uuid.New()
				insertAsReference(t, db, look, "\u00e9MILE@example.com")
				if _, err := st.CreateUser(ctx, core.User{ID: uuid.New(), Email: "new@example.com", HashedPassword: "h"}); err != nil {
					t.Fatalf("CreateUser next to an unkeyable lookalike: %v", err)
				}
				if u, err := st.GetUserByEmail(ctx, "\u00e9mile@example.com"); err != nil || u.ID != py {
					t.Fatalf("GetUserByEmail prefers the keyed user: %v %v", u.ID, err)
				}
				if u, err := st.GetUserByEmail(ctx, "\u00e9MILE@example.com"); err != nil || u.ID != py {
					t.Fatalf("GetUserByEmail(the lookalike's spelling): %v %v", u.ID, err)
				}
			}
		})
	}
}

// TestAdoptUnicodeLookalikes: a database that already holds two users
// whose addresses share a key (NFC and NFD spellings; on SQLite also case
// variants beyond ASCII, which its lower() could not refuse) fails
// migration 8 with ErrCaseVariantEmails naming them, and changes nothing;
// without them every user is keyed.
func TestAdoptUnicodeLookalikes(t *testing.T) {
	for _, ref := range referenceDBs {
		t.Run(ref.name, func(t *testing.T) {
			lookalikes := []string{
				`INSERT INTO "user" VALUES ('33333333-3333-4333-8333-333333333333', 'émile@example.com', 'x', true, false, false)`,
				`INSERT INTO "user" VALUES ('44444444-4444-4444-8444-444444444444', 'e` + "\u0301" + `mile@example.com', 'x', true, false, false)`,
			}
			want := []string{`"\u00e9mile@example.com" = "e\u0301mile@example.com"`}
			if ref.sqlite {
				for i := range lookalikes {
					lookalikes[i] = strings.NewReplacer("true", "1", "false", "0").Replace(lookalikes[i])
				}
				lookalikes = append(lookalikes,
					`INSERT INTO "user" VALUES ('55555555-5555-4555-8555-555555555555', 'Ørjan@example.com', 'x', 1, 0, 0)`,
					`INSERT INTO "user" VALUES ('66666666-6666-4666-8666-666666666666', 'ørjan@example.com', 'x', 1, 0, 0)`)
				want = append(want, `"\u00d8rjan@example.com" = "\u00f8rjan@example.com"`)
			}
			requireRefusedMigrate(t, openDB(t, ref.url(t, lookalikes...)), want...)

			// The fixture alone migrates, and every user gets its key.
			db := migrated(t, ref.url(t))
			if n := count(t, db, `SELECT count(*) FROM "user" WHERE email_key IS NULL`); n != 0 {
				t.Errorf("%d users without email_key after Migrate", n)
			}
			if n := count(t, db, `SELECT count(*) FROM "user" WHERE email_key = 'bob@example.com'`); n != 1 {
				t.Errorf("Bob@Example.com keyed %d times as bob@example.com, want 1", n)
			}
		})
	}
}
