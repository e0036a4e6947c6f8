package bunstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/zincware/zndraw-auth-go/core"
	bunstore "github.com/zincware/zndraw-auth-go/storage/bun"
)

// TestUnavailable: a database that cannot answer gives ErrUnavailable (the
// HTTP layer's 503), never ErrNotFound or a generic error, for reads and
// writes on every backend.
func TestUnavailable(t *testing.T) {
	calls := []struct {
		name string
		call func(context.Context, *bunstore.Store) error
	}{
		{"GetUser", func(ctx context.Context, st *bunstore.Store) error { _, err := st.GetUser(ctx, uuid.New()); return err }},
		{"CreateUser", func(ctx context.Context, st *bunstore.Store) error {
			_, err := st.CreateUser(ctx, core.User{ID: uuid.New(), Email: "a@example.com", HashedPassword: "h"})
			return err
		}},
		{"IsTokenRevoked", func(ctx context.Context, st *bunstore.Store) error {
			_, err := st.IsTokenRevoked(ctx, "jti")
			return err
		}},
		{"RedeemChallenge", func(ctx context.Context, st *bunstore.Store) error {
			_, err := st.RedeemChallenge(ctx, "CODE", "sha256:00", time.Now())
			return err
		}},
		{"DeleteUser", func(ctx context.Context, st *bunstore.Store) error { return st.DeleteUser(ctx, uuid.New()) }},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Run("ClosedDB", func(t *testing.T) {
				db := migrated(t, b.url(t))
				st := bunstore.New(db)
				_ = db.Close()
				for _, c := range calls {
					if err := c.call(t.Context(), st); !errors.Is(err, core.ErrUnavailable) {
						t.Errorf("%s on a closed database = %v, want ErrUnavailable", c.name, err)
					}
				}
			})
			t.Run("CanceledContext", func(t *testing.T) {
				st := bunstore.New(migrated(t, b.url(t)))
				ctx, cancel := context.WithCancel(t.Context())
				cancel()
				for _, c := range calls {
					if err := c.call(ctx, st); !errors.Is(err, core.ErrUnavailable) {
						t.Errorf("%s with a canceled context = %v, want ErrUnavailable", c.name, err)
					}
				}
			})
		})
	}
}

// TestWithTimeout: a call that cannot get a connection in time fails with
// ErrUnavailable after the store's timeout instead of hanging.
func TestWithTimeout(t *testing.T) {
	db := migrated(t, "sqlite://:memory:")
	// The in-memory pool has one connection; hold it.
	conn, err := db.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	st := bunstore.New(db, bunstore.WithTimeout(30*time.Millisecond))
	start := time.Now()
	_, err = st.GetUser(t.Context(), uuid.New())
	if !errors.Is(err, core.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("GetUser while the pool is exhausted = %v, want ErrUnavailable wrapping DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("GetUser took %v despite a 30ms timeout", d)
	}
}

// TestOpenUnreachablePostgres: a server that refuses connections is
// ErrUnavailable at Open. It needs no PostgreSQL.
func TestOpenUnreachablePostgres(t *testing.T) {
	_, err := bunstore.Open(t.Context(), "postgres://postgres:pw@127.0.0.1:1/test?sslmode=disable&connect_timeout=2")
	if !errors.Is(err, core.ErrUnavailable) {
		t.Errorf("Open(unreachable) = %v, want ErrUnavailable", err)
	}
	if err != nil && strings.Contains(err.Error(), ":pw@") {
		t.Errorf("Open error leaks the password: %v", err)
	}
}

// TestOpenErrors: malformed or unsupported URLs are refused with an error
// before anything is opened.
func TestOpenErrors(t *testing.T) {
	for _, u := range []string{
		"",
		"auth.db",
		"mysql://root@localhost/auth",
		"sqlite://./auth.db",
		"sqlite:///auth.db?mode=ro",
		"postgres://%zz",
	} {
		if db, err := bunstore.Open(t.Context(), u); err == nil {
			_ = db.Close()
			t.Errorf("Open(%q) succeeded, want an error", u)
		}
	}
}
