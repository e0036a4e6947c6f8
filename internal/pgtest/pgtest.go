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
	"strings"
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
// tests use the same database in parallel. application_name is set to the
// schema's name too, so that a test can find its own connections (see
// TerminateBackends). Without Env it skips t.
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
	q.Set("application_name", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// TerminateBackends terminates the server processes of the connections
// opened with dsn, a URL returned by DSN, and returns how many it
// terminated: those of the change-feed subscriptions only (listeners), or
// all of them, pools included. Other tests' connections (other
// application_names) are never touched.
func TerminateBackends(t testing.TB, dsn string, listeners bool) int {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("parse %s: %v", dsn, err)
	}
	app := u.Query().Get("application_name")
	if !strings.HasPrefix(app, "zat_") {
		t.Fatalf("pgtest.TerminateBackends: %q is not a URL of pgtest.DSN", dsn)
	}
	cond := `(application_name = ? OR application_name = ?)`
	args := []any{app, app + bunstore.FeedApplicationSuffix}
	if listeners {
		cond, args = `application_name = ?`, args[1:]
	}
	var n int
	if err := admin.QueryRowContext(context.Background(),
		`SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid() AND `+cond+`) AS killed`, args...).Scan(&n); err != nil {
		t.Fatalf("pg_terminate_backend: %v", err)
	}
	return n
}
