package bunstore_test

import (
	"os"
	"strings"
	"testing"

	"github.com/zincware/zndraw-auth-go/internal/pgtest"
)

// TestOpenSQLitePool checks the pool and per-connection settings Open
// chooses for SQLite.
func TestOpenSQLitePool(t *testing.T) {
	t.Run("Memory", func(t *testing.T) {
		for _, u := range []string{"sqlite://", "sqlite://:memory:", "sqlite+aiosqlite:///:memory:"} {
			db := openDB(t, u)
			if n := db.Stats().MaxOpenConnections; n != 1 {
				t.Errorf("Open(%q): MaxOpenConnections = %d, want 1 (each :memory: connection is a new database)", u, n)
			}
			var fk, busy int
			if err := db.QueryRowContext(t.Context(), "PRAGMA foreign_keys").Scan(&fk); err != nil {
				t.Fatal(err)
			}
			if err := db.QueryRowContext(t.Context(), "PRAGMA busy_timeout").Scan(&busy); err != nil {
				t.Fatal(err)
			}
			if fk != 1 || busy != 5000 {
				t.Errorf("Open(%q): foreign_keys=%d busy_timeout=%d, want 1 and 5000", u, fk, busy)
			}
		}
	})
	t.Run("File", func(t *testing.T) {
		db := openDB(t, sqliteFileURL(t))
		n := db.Stats().MaxOpenConnections
		if n < 2 {
			t.Errorf("MaxOpenConnections = %d, want a few for concurrent WAL readers", n)
		}
		// Hold every connection of the pool at once, so each is checked.
		for i := range n {
			conn, err := db.Conn(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			var mode string
			var fk, busy, sync int
			if err := conn.QueryRowContext(t.Context(), "PRAGMA journal_mode").Scan(&mode); err != nil {
				t.Fatal(err)
			}
			for _, p := range []struct {
				name string
				v    *int
			}{{"foreign_keys", &fk}, {"busy_timeout", &busy}, {"synchronous", &sync}} {
				if err := conn.QueryRowContext(t.Context(), "PRAGMA "+p.name).Scan(p.v); err != nil {
					t.Fatal(err)
				}
			}
			if mode != "wal" || fk != 1 || busy != 5000 || sync != 1 {
				t.Errorf("connection %d: journal_mode=%s foreign_keys=%d busy_timeout=%d synchronous=%d; want wal, 1, 5000, 1 (NORMAL)",
					i, mode, fk, busy, sync)
			}
		}
	})
}

// TestOpenPostgresPool checks the pool Open chooses for PostgreSQL.
func TestOpenPostgresPool(t *testing.T) {
	db := openDB(t, pgSchemaURL(t))
	if n := db.Stats().MaxOpenConnections; n < 4 {
		t.Errorf("MaxOpenConnections = %d, want 4×GOMAXPROCS", n)
	}
	// The postgresql+asyncpg spelling of SQLAlchemy URLs is accepted.
	_, rest, _ := strings.Cut(os.Getenv(pgtest.Env), "://")
	openDB(t, "postgresql+asyncpg://"+rest)
}
