package main

import (
	"path/filepath"
	"testing"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/storage/storagetest"
)

// tables are every table the store writes, children first.
var tables = []string{"account_login_challenge", "accounts", "zndraw_auth_revoked_token", "zndraw_auth_rate_counter", "zndraw_auth_familiar_source"}

// TestConformance runs the kit's storagetest suite against the store, on
// an in-memory SQLite database and on a SQLite file (several connections,
// so the concurrency cases race for real; skipped with -short). One
// database per run is migrated once and emptied for every subtest.
func TestConformance(t *testing.T) {
	backends := []struct {
		name string
		url  func(t *testing.T) string
	}{
		{"SQLiteMemory", func(*testing.T) string { return "sqlite://:memory:" }},
		{"SQLiteFile", func(t *testing.T) string { return "sqlite:///" + filepath.Join(t.TempDir(), "accounts.db") }},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			if testing.Short() && b.name != "SQLiteMemory" {
				t.Skip("-short: the in-memory run covers the contract")
			}
			db, st, err := Open(t.Context(), b.url(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = db.Close() })
			storagetest.Run(t, func(t *testing.T) core.Store {
				for _, table := range tables {
					if _, err := db.ExecContext(t.Context(), "DELETE FROM "+table); err != nil {
						t.Fatalf("empty %s: %v", table, err)
					}
				}
				return st
			})
		})
	}
}
