// Package pgtest gives tests a PostgreSQL database of their own: a fresh
// schema on the server named by ZNDRAW_AUTH_TEST_POSTGRES_DSN, dropped with
// everything in it when the test ends. Tests that call DSN are skipped when
// that variable is unset.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	bunstore "github.com/zincware/zndraw-auth-go/storage/bun"
)

// Env names the environment variable holding the PostgreSQL URL the
// PostgreSQL tests run against, e.g.
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const Env = "ZNDRAW_AUTH_TEST_POSTGRES_DSN"

// Enabled reports whether Env is set, that is whether DSN runs rather than
// skips.
func Enabled() bool { return os.Getenv(Env) != "" }

// admin is the one connection pool of the test binary that creates and
// drops the schemas.
var (
	adminOnce sync.Once
	admin     *bun.DB
	adminErr  error
)

// DSN creates a fresh schema zat_<random> for t, drops it (with everything
// in it) when t ends, and returns the URL of Env with search_path set to
// it, so tests never see each other's tables, also when other packages'
// tests use the same database in parallel. Without Env it skips t.
func DSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(Env)
	if dsn == "" {
		t.Skipf("PostgreSQL tests skipped: set %s (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)", Env)
	}
	adminOnce.Do(func() { admin, adminErr = bunstore.Open(context.Background(), dsn) })
	if adminErr != nil {
		t.Fatalf("connect to PostgreSQL: %v", adminErr)
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	schema := "zat_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(t.Context(), "CREATE SCHEMA ?", bun.Ident(schema)); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA ? CASCADE", bun.Ident(schema)); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("parse %s: %v", Env, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
