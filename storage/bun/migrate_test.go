package bunstore_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/zincware/zndraw-auth-go/core"
	bunstore "github.com/zincware/zndraw-auth-go/storage/bun"
)

// migrationCount is the number of migrations a fully migrated database has
// recorded.
func migrationCount(t *testing.T) int {
	t.Helper()
	return count(t, migrated(t, "sqlite://:memory:"), `SELECT count(*) FROM zndraw_auth_schema_migrations`)
}

// TestMigrateConcurrently starts two "instances" (separate pools) that
// migrate the same database at once, empty and holding zndraw-auth data:
// both succeed, every migration is recorded once, data survives
// and both instances serve.
func TestMigrateConcurrently(t *testing.T) {
	want := migrationCount(t)
	type start struct {
		name string
		url  func(t *testing.T) string
		// users is how many users the database starts with.
		users int
	}
	starts := []start{
		{"SQLiteFile/Empty", sqliteFileURL, 0},
		{"SQLiteFile/Reference", func(t *testing.T) string { return referenceSQLiteURL(t) }, 3},
		{"PostgreSQL/Empty", pgSchemaURL, 0},
		{"PostgreSQL/Reference", func(t *testing.T) string { return referencePostgresURL(t) }, 3},
	}
	for _, s := range starts {
		t.Run(s.name, func(t *testing.T) {
			u := s.url(t)
			a, b := openDB(t, u), openDB(t, u)
			var errA, errB error
			var ready, done sync.WaitGroup
			gate := make(chan struct{})
			ready.Add(2)
			done.Go(func() { ready.Done(); <-gate; errA = bunstore.Migrate(context.Background(), a) })
			done.Go(func() { ready.Done(); <-gate; errB = bunstore.Migrate(context.Background(), b) })
			ready.Wait()
			close(gate)
			done.Wait()
			if errA != nil || errB != nil {
				t.Fatalf("concurrent Migrate: %v / %v", errA, errB)
			}
			if n := count(t, a, `SELECT count(*) FROM zndraw_auth_schema_migrations`); n != want {
				t.Errorf("%d migrations recorded, want %d", n, want)
			}
			if n := count(t, a, `SELECT count(*) FROM "user"`); n != s.users {
				t.Errorf("%d users after migrating, want %d", n, s.users)
			}
			// Both instances serve.
			u1 := core.User{ID: uuid.New(), Email: "a@example.com", HashedPassword: "h", IsActive: true}
			if _, err := bunstore.New(a).CreateUser(t.Context(), u1); err != nil {
				t.Fatalf("CreateUser via instance A: %v", err)
			}
			if got, err := bunstore.New(b).GetUserByEmail(t.Context(), "A@example.com"); err != nil || got != u1 {
				t.Errorf("GetUserByEmail via instance B = %+v, %v; want %+v", got, err, u1)
			}
		})
	}
}

// TestMigrateIdempotent runs Migrate repeatedly on every backend.
func TestMigrateIdempotent(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			db := migrated(t, b.url(t))
			first := schemaOf(t, db)
			for range 2 {
				if err := bunstore.Migrate(t.Context(), db); err != nil {
					t.Fatalf("Migrate again: %v", err)
				}
			}
			if d := diffLines(schemaOf(t, db), first); d != "" {
				t.Errorf("Migrate again changed the schema:\n%s", d)
			}
		})
	}
}

// TestMigrateLogsWhatItApplied: Migrate says in one line which database it
// migrated and which migrations it applied, and in one line that a
// database was already up to date.
func TestMigrateLogsWhatItApplied(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			db := openDB(t, b.url(t))
			var logs bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&logs, nil))
			if err := bunstore.Migrate(t.Context(), db, bunstore.WithMigrateLogger(logger)); err != nil {
				t.Fatal(err)
			}
			if err := bunstore.Migrate(t.Context(), db, bunstore.WithMigrateLogger(logger)); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
			if len(lines) != 2 {
				t.Fatalf("want two lines, got:\n%s", logs.String())
			}
			for _, want := range []string{"schema migrated", "database=", "applied=", "1 (zndraw-auth reference schema)", "user.token_version"} {
				if !strings.Contains(lines[0], want) {
					t.Errorf("first Migrate: %q lacks %q", lines[0], want)
				}
			}
			for _, want := range []string{"schema up to date", "database=", "version="} {
				if !strings.Contains(lines[1], want) {
					t.Errorf("second Migrate: %q lacks %q", lines[1], want)
				}
			}
			if strings.Contains(logs.String(), "password") {
				t.Errorf("the log names a password: %s", logs.String())
			}
		})
	}
}
