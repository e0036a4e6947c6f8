package bunstore_test

import (
	"path/filepath"
	"testing"

	"github.com/uptrace/bun"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/internal/pgtest"
	bunstore "github.com/zincware/zndraw-auth-go/storage/bun"
)

// pgSchemaURL returns the URL of a fresh PostgreSQL schema for t (see
// pgtest.DSN), or skips t.
func pgSchemaURL(t *testing.T) string { return pgtest.DSN(t) }

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
		for _, table := range []string{"cliloginchallenge", `"user"`, "zndraw_auth_revoked_token", "zndraw_auth_rate_counter", "zndraw_auth_familiar_source"} {
			if _, err := db.ExecContext(t.Context(), "DELETE FROM "+table); err != nil {
				t.Fatalf("empty %s: %v", table, err)
			}
		}
		return bunstore.New(db)
	}
}
