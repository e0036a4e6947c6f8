package bunstore_test

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/zincware/zndraw-auth-go/core"
	bunstore "github.com/zincware/zndraw-auth-go/storage/bun"
)

// TestOpenErrorsAreOneActionableLine: a database that cannot be opened is
// one line that names it, says what is wrong and what to do, and still
// wraps core.ErrUnavailable like every failure to reach the database.
func TestOpenErrorsAreOneActionableLine(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "plain-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	// A port nothing listens on: take one, then free it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	_ = ln.Close()

	for _, tc := range []struct {
		name, url   string
		want        []string
		unavailable bool
	}{
		{"SQLite in a missing directory", "sqlite:///" + filepath.Join(dir, "missing", "auth.db"),
			[]string{filepath.Join(dir, "missing"), "does not exist"}, true},
		{"SQLite under a regular file", "sqlite:///" + filepath.Join(file, "auth.db"),
			[]string{file, "is not a directory"}, true},
		{"SQLite path is a directory", "sqlite:///" + dir,
			[]string{dir, "is a directory"}, true},
		{"PostgreSQL on a closed port", "postgres://postgres@127.0.0.1:" + port + "/test?sslmode=prefer&connect_timeout=5",
			[]string{"127.0.0.1:" + port, "connection refused", "is PostgreSQL running"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, err := bunstore.Open(t.Context(), tc.url)
			if err == nil {
				_ = db.Close()
				t.Fatalf("Open(%q) succeeded", tc.url)
			}
			msg := err.Error()
			if strings.ContainsAny(msg, "\n\t") {
				t.Errorf("not one line: %q", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("%q does not contain %q", msg, w)
				}
			}
			if strings.Contains(msg, "out of memory") {
				t.Errorf("%q repeats SQLite's misleading text", msg)
			}
			if got := errors.Is(err, core.ErrUnavailable); got != tc.unavailable {
				t.Errorf("errors.Is(err, core.ErrUnavailable) = %v, want %v", got, tc.unavailable)
			}
		})
	}
}
