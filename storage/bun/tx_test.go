package bunstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/zincware/zndraw-auth-go/core"
	bunstore "github.com/zincware/zndraw-auth-go/storage/bun"
)

// TestStoreInTransaction: a Store made with New(tx) writes inside the
// caller's transaction: rolled back, nothing stays; committed, everything
// does (including DeleteUser's two statements on SQLite, a savepoint then).
func TestStoreInTransaction(t *testing.T) {
	errRollback := errors.New("roll back")
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			db := migrated(t, b.url(t))
			ctx := t.Context()
			outside := bunstore.New(db)
			approver := core.User{ID: uuid.New(), Email: "approver@example.com", HashedPassword: "h", IsActive: true}
			if _, err := outside.CreateUser(ctx, approver); err != nil {
				t.Fatal(err)
			}
			now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			if _, err := outside.CreateChallenge(ctx, core.Challenge{Code: "TXCODE01", CreatedAt: now, ExpiresAt: now.Add(time.Minute)}); err != nil {
				t.Fatal(err)
			}
			newcomer := core.User{ID: uuid.New(), Email: "newcomer@example.com", HashedPassword: "h"}

			work := func(ctx context.Context, tx bun.Tx) error {
				st := bunstore.New(tx)
				if _, err := st.CreateUser(ctx, newcomer); err != nil {
					return err
				}
				if _, err := st.ApproveChallenge(ctx, "TXCODE01", approver.ID, now); err != nil {
					return err
				}
				if err := st.DeleteUser(ctx, approver.ID); err != nil {
					return err
				}
				if _, err := st.GetUser(ctx, newcomer.ID); err != nil {
					return err
				}
				return nil
			}

			err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
				if err := work(ctx, tx); err != nil {
					return err
				}
				return errRollback
			})
			if !errors.Is(err, errRollback) {
				t.Fatalf("RunInTx = %v", err)
			}
			if _, err := outside.GetUser(ctx, newcomer.ID); !errors.Is(err, core.ErrNotFound) {
				t.Errorf("GetUser(newcomer) after rollback = %v, want ErrNotFound", err)
			}
			if _, err := outside.GetUser(ctx, approver.ID); err != nil {
				t.Errorf("GetUser(approver) after rollback = %v, want the user", err)
			}
			if c, err := outside.GetChallenge(ctx, "TXCODE01"); err != nil || c.Status != core.ChallengePending {
				t.Errorf("challenge after rollback = %+v, %v; want pending", c, err)
			}

			if err := db.RunInTx(ctx, nil, work); err != nil {
				t.Fatalf("RunInTx (commit): %v", err)
			}
			if _, err := outside.GetUser(ctx, newcomer.ID); err != nil {
				t.Errorf("GetUser(newcomer) after commit = %v", err)
			}
			if _, err := outside.GetUser(ctx, approver.ID); !errors.Is(err, core.ErrNotFound) {
				t.Errorf("GetUser(approver) after commit = %v, want ErrNotFound", err)
			}
			if c, err := outside.GetChallenge(ctx, "TXCODE01"); err != nil || c.Status != core.ChallengeApproved || c.UserID != nil {
				t.Errorf("challenge after commit = %+v, %v; want approved with no approver", c, err)
			}
		})
	}
}

// TestForeignKeyViolationIsNotAlreadyExists: a challenge naming an approver
// that does not exist violates the foreign key; that is an internal error,
// not ErrAlreadyExists.
func TestForeignKeyViolationIsNotAlreadyExists(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			st := bunstore.New(migrated(t, b.url(t)))
			ghost := uuid.New()
			now := time.Now()
			_, err := st.CreateChallenge(t.Context(), core.Challenge{Code: "FKCODE01", UserID: &ghost, CreatedAt: now, ExpiresAt: now})
			if err == nil {
				t.Fatal("CreateChallenge with an unknown approver succeeded; the foreign key is not enforced")
			}
			for _, s := range []error{core.ErrAlreadyExists, core.ErrNotFound, core.ErrConflict, core.ErrUnavailable} {
				if errors.Is(err, s) {
					t.Errorf("CreateChallenge with an unknown approver = %v, must not be %v", err, s)
				}
			}
		})
	}
}
