package bunstore_test

import (
	"path/filepath"
	"testing"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/internal/pgtest"
	bunstore "github.com/zincware/zndraw-auth-go/storage/bun"
	"github.com/zincware/zndraw-auth-go/storage/storagetest"
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
// empty Store on b for each test, and the options that give the suite's
// change-feed section its rolled-back write and its broken connection. It
// migrates one database, which lives as long as t, and empties its tables
// for every store: creating and migrating a database per store would cost
// most of the suite's time.
func (b backend) storeFactory(t *testing.T) (func(t *testing.T) core.Store, []storagetest.Option) {
	t.Helper()
	db := migrated(t, b.url(t))
	newStore := func(t *testing.T) core.Store {
		t.Helper()
		for _, table := range []string{"cliloginchallenge", `"user"`, "zndraw_auth_revoked_token", "zndraw_auth_rate_counter", "zndraw_auth_familiar_source"} {
			if _, err := db.ExecContext(t.Context(), "DELETE FROM "+table); err != nil {
				t.Fatalf("empty %s: %v", table, err)
			}
		}
		return bunstore.New(db)
	}
	opts := []storagetest.Option{
		storagetest.WithRolledBackWrite(func(t *testing.T, _ core.Store, id uuid.UUID) {
			tx, err := db.BeginTx(t.Context(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := bunstore.New(tx).UpdateUser(t.Context(), id, core.UserPatch{IsActive: new(false), BumpTokenVersion: true}); err != nil {
				t.Fatal(err)
			}
			if err := tx.Rollback(); err != nil {
				t.Fatal(err)
			}
		}),
		storagetest.WithBrokenFeed(func(t *testing.T, _ core.Store, sub core.ChangeSubscription) {
			if pid := bunstore.FeedBackendPID(sub); pid != 0 {
				// Only the subscription's own backend.
				var ok bool
				if err := db.QueryRowContext(t.Context(), `SELECT pg_terminate_backend(?)`, pid).Scan(&ok); err != nil || !ok {
					t.Fatalf("pg_terminate_backend(%d) = %v, %v", pid, ok, err)
				}
				return
			}
			bunstore.CloseFeedFile(sub)
		}),
	}
	return newStore, opts
}
