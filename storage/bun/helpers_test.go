package bunstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/zincware/zndraw-auth-go/core"
	bunstore "github.com/zincware/zndraw-auth-go/storage/bun"
)

// pgDSNEnv names the environment variable holding the PostgreSQL URL the
// PostgreSQL tests run against; they are skipped when it is unset.
const pgDSNEnv = "ZNDRAW_AUTH_TEST_POSTGRES_DSN"

// pgDSN returns the test PostgreSQL URL, or skips t.
func pgDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv(pgDSNEnv)
	if dsn == "" {
		t.Skipf("PostgreSQL tests skipped: set %s (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)", pgDSNEnv)
	}
	return dsn
}

var (
	pgAdminOnce sync.Once
	pgAdmin     *bun.DB
	pgAdminErr  error
)

// pgSchemaURL creates a fresh schema zat_<random> for t, drops it (with
// everything in it) when t ends, and returns the test URL with search_path
// set to it, so tests never see each other's tables, also when other
// packages' tests use the same database in parallel.
func pgSchemaURL(t *testing.T) string {
	t.Helper()
	dsn := pgDSN(t)
	pgAdminOnce.Do(func() { pgAdmin, pgAdminErr = bunstore.Open(context.Background(), dsn) })
	if pgAdminErr != nil {
		t.Fatalf("connect to PostgreSQL: %v", pgAdminErr)
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	schema := "zat_" + hex.EncodeToString(b)
	if _, err := pgAdmin.ExecContext(t.Context(), "CREATE SCHEMA ?", bun.Ident(schema)); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := pgAdmin.ExecContext(context.Background(), "DROP SCHEMA ? CASCADE", bun.Ident(schema)); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("parse %s: %v", pgDSNEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// openDB opens rawURL and closes it when t ends.
func openDB(t *testing.T, rawURL string) *bun.DB {
	t.Helper()
	db, err := bunstore.Open(t.Context(), rawURL)
	if err != nil {
		t.Fatalf("Open(%q): %v", rawURL, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// migrated opens rawURL and migrates it.
func migrated(t *testing.T, rawURL string) *bun.DB {
	t.Helper()
	db := openDB(t, rawURL)
	if err := bunstore.Migrate(t.Context(), db); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return db
}

// sqliteFileURL returns the URL of a new SQLite file in t's temporary
// directory.
func sqliteFileURL(t *testing.T) string {
	t.Helper()
	return "sqlite:///" + filepath.Join(t.TempDir(), "auth.db")
}

// backend is one database the tests run against.
type backend struct {
	name string
	// url returns the URL of a fresh, empty database for t (or skips t).
	url func(t *testing.T) string
}

// backends are every database the package supports.
var backends = []backend{
	{"SQLiteMemory", func(*testing.T) string { return "sqlite://:memory:" }},
	{"SQLiteFile", sqliteFileURL},
	{"PostgreSQL", pgSchemaURL},
}

// storeFactory returns a function, for storagetest.Run, that returns an
// empty Store on b for each test. It migrates one database, which lives as
// long as t, and empties its tables for every store: creating and
// migrating a database per store would cost most of the suite's time.
func (b backend) storeFactory(t *testing.T) func(t *testing.T) core.Store {
	t.Helper()
	db := migrated(t, b.url(t))
	return func(t *testing.T) core.Store {
		t.Helper()
		for _, table := range []string{"cliloginchallenge", `"user"`, "zndraw_auth_revoked_token", "zndraw_auth_rate_counter"} {
			if _, err := db.ExecContext(t.Context(), "DELETE FROM "+table); err != nil {
				t.Fatalf("empty %s: %v", table, err)
			}
		}
		return bunstore.New(db)
	}
}
