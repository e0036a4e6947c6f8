package memstore_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/zincware/zndraw-auth-go/core"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
	"github.com/zincware/zndraw-auth-go/storage/storagetest"
)

func TestConformance(t *testing.T) {
	storagetest.Run(t, func(*testing.T) core.Store { return memstore.New() },
		// The Store has no transactions: the write that does not commit
		// is a conditional update whose precondition fails.
		storagetest.WithRolledBackWrite(func(t *testing.T, st core.Store, id uuid.UUID) {
			wrong := "not the stored hash"
			_, err := st.UpdateUser(t.Context(), id, core.UserPatch{IsActive: new(false), ExpectHashedPassword: &wrong})
			if !errors.Is(err, core.ErrConflict) {
				t.Fatalf("conditional update: %v, want ErrConflict", err)
			}
		}),
		// A subscriber that falls behind by more than the buffer.
		storagetest.WithBrokenFeed(func(t *testing.T, st core.Store, _ core.ChangeSubscription) {
			for i := range memstore.SubscriptionBuffer + 1 {
				if err := st.RevokeToken(t.Context(), fmt.Sprintf("flood-%d", i), time.Now().Add(time.Hour)); err != nil {
					t.Fatal(err)
				}
			}
		}),
	)
}
