package matrix

import (
	"testing"

	"github.com/zincware/zndraw-auth-go/conformance"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/internal/pgtest"
	bunstore "github.com/zincware/zndraw-auth-go/storage/bun"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

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

// openPostgres opens the store on a fresh PostgreSQL schema (see
// pgtest.DSN), so runs never see each other's tables, or skips t.
func openPostgres(t *testing.T) core.Store {
	return openBun(t, pgtest.DSN(t))
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
