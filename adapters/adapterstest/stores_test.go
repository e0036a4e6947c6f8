package adapterstest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/uptrace/bun"

	"github.com/zincware/zndraw-auth-go/conformance"
	"github.com/zincware/zndraw-auth-go/core"
	bunstore "github.com/zincware/zndraw-auth-go/storage/bun"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// pgDSNEnv names the PostgreSQL URL the PostgreSQL runs use; they are
// skipped when it is unset.
const pgDSNEnv = "ZNDRAW_AUTH_TEST_POSTGRES_DSN"

// store is one store kind: open returns a fresh, empty, migrated store
// that lives until t ends (or skips t); modes are the server modes the
// conformance suite runs in on it.
type store struct {
	name  string
	open  func(t *testing.T) core.Store
	modes []conformance.Mode
}

// Dev mode (every registered user a superuser) takes no store code path
// of its own, so it runs on the memory store only: the full matrix costs
// minutes under -race.
var (
	bothModes = []conformance.Mode{conformance.ModeProduction, conformance.ModeDev}
	prodMode  = []conformance.Mode{conformance.ModeProduction}
)

var stores = []store{
	{"memory", func(*testing.T) core.Store { return memstore.New() }, bothModes},
	{"sqlite", openSQLite, prodMode},
	{"postgres", openPostgres, prodMode},
}

func openSQLite(t *testing.T) core.Store {
	return openBun(t, "sqlite://:memory:")
}

// openPostgres creates a schema zat_<random> for t (dropped with
// everything in it when t ends) and opens the store with search_path set
// to it, so runs never see each other's tables.
func openPostgres(t *testing.T) core.Store {
	dsn := os.Getenv(pgDSNEnv)
	if dsn == "" {
		t.Skipf("PostgreSQL skipped: set %s (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)", pgDSNEnv)
	}
	admin, err := bunstore.Open(t.Context(), dsn)
	if err != nil {
		t.Fatalf("connect to PostgreSQL: %v", err)
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	schema := "zat_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(t.Context(), "CREATE SCHEMA ?", bun.Ident(schema)); err != nil {
		_ = admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA ? CASCADE", bun.Ident(schema)); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		_ = admin.Close()
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("parse %s: %v", pgDSNEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return openBun(t, u.String())
}

// openBun opens and migrates rawURL; the database closes when t ends.
func openBun(t *testing.T, rawURL string) core.Store {
	db, err := bunstore.Open(t.Context(), rawURL)
	if err != nil {
		t.Fatalf("open %s: %v", rawURL, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := bunstore.Migrate(t.Context(), db); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return bunstore.New(db)
}
