package memstore_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/zincware/zndraw-auth-go/core"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

func ExampleNew() {
	ctx := context.Background()
	st := memstore.New()

	_, err := st.CreateUser(ctx, core.User{
		ID:             uuid.MustParse("6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8"),
		Email:          "King.Arthur@Camelot.bt",
		HashedPassword: "$argon2id$v=19$m=65536,t=3,p=4$...",
		IsActive:       true,
	})
	if err != nil {
		panic(err)
	}

	// Lookups fold case (core.EmailKey); the stored email keeps its case.
	u, err := st.GetUserByEmail(ctx, "king.arthur@camelot.bt")
	fmt.Println(u.ID, u.Email, err)

	// So does uniqueness.
	_, err = st.CreateUser(ctx, core.User{ID: uuid.New(), Email: "KING.ARTHUR@CAMELOT.BT"})
	fmt.Println(errors.Is(err, core.ErrAlreadyExists))
	// Output:
	// 6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8 King.Arthur@Camelot.bt <nil>
	// true
}

// A store that keeps at most 1000 CLI login challenges (the default is
// DefaultMaxChallenges).
func ExampleWithMaxChallenges() {
	st := memstore.New(memstore.WithMaxChallenges(1000))
	_, err := st.GetChallenge(context.Background(), "ABCD2345")
	fmt.Println(errors.Is(err, core.ErrNotFound))
	// Output: true
}
