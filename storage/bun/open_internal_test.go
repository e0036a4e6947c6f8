package bunstore

import (
	"strings"
	"testing"
)

func TestSQLiteDSN(t *testing.T) {
	tests := []struct {
		rest       string // the URL after "sqlite://"
		wantPrefix string // "" means an error is expected
		wantMemory bool
	}{
		{"", "file::memory:?", true},
		{":memory:", "file::memory:?", true},
		{"/:memory:", "file::memory:?", true},
		{"/", "file::memory:?", true},
		{"/auth.db", "file:auth.db?", false},
		{"/./data/auth.db", "file:data/auth.db?", false},
		{"//var/lib/auth.db", "file:/var/lib/auth.db?", false},
		{"///var/lib/auth.db", "file:/var/lib/auth.db?", false},
		{"/dir%20with%20space/a.db", "file:dir with space/a.db?", false},
		{"/odd%3Fname%23x%25.db", "file:odd%3fname%23x%25.db?", false},
		{"./x.db", "", false},
		{"host/x.db", "", false},
		{"/x.db?mode=ro", "", false},
		{"/x.db#frag", "", false},
		{"/bad%zz.db", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.rest, func(t *testing.T) {
			dsn, memory, err := sqliteDSN(tt.rest)
			if tt.wantPrefix == "" {
				if err == nil {
					t.Fatalf("sqliteDSN(%q) = %q, want an error", tt.rest, dsn)
				}
				return
			}
			if err != nil {
				t.Fatalf("sqliteDSN(%q): %v", tt.rest, err)
			}
			if !strings.HasPrefix(dsn, tt.wantPrefix) || memory != tt.wantMemory {
				t.Errorf("sqliteDSN(%q) = %q, %v; want prefix %q, memory %v", tt.rest, dsn, memory, tt.wantPrefix, tt.wantMemory)
			}
			for _, p := range []string{"_pragma=busy_timeout(5000)", "_pragma=foreign_keys(1)", "_txlock=immediate"} {
				if !strings.Contains(dsn, p) {
					t.Errorf("sqliteDSN(%q) = %q lacks %s", tt.rest, dsn, p)
				}
			}
			if wal := strings.Contains(dsn, "journal_mode(WAL)"); wal == tt.wantMemory {
				t.Errorf("sqliteDSN(%q) = %q: WAL set = %v, want %v", tt.rest, dsn, wal, !tt.wantMemory)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	got := redact("postgres://app:s3cret@db:5432/auth")
	if strings.Contains(got, "s3cret") || !strings.Contains(got, "app:") {
		t.Errorf("redact = %q", got)
	}
}
