package bunstore_test

import (
	"errors"
	"net"
	"os"
	"os/exec"
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

// TestOpenRefusesReadOnlySQLiteFile: a migrated SQLite file this process
// can read but not write is refused at Open with one line that names it,
// instead of a server that starts and answers 500 to every login.
func TestOpenRefusesReadOnlySQLiteFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "auth.db")
	db, err := bunstore.Open(t.Context(), "sqlite:///"+path)
	if err != nil {
		t.Fatal(err)
	}
	if err := bunstore.Migrate(t.Context(), db); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	makeReadOnly(t, path)

	db, err = bunstore.Open(t.Context(), "sqlite:///"+path)
	if err == nil {
		_ = db.Close()
		t.Fatalf("Open of the read-only file %s succeeded", path)
	}
	msg := err.Error()
	for _, w := range []string{path, "read-only", "fix the permissions"} {
		if !strings.Contains(msg, w) {
			t.Errorf("%q does not contain %q", msg, w)
		}
	}
	if strings.ContainsAny(msg, "\n\t") {
		t.Errorf("not one line: %q", msg)
	}
}

// makeReadOnly makes path unwritable for this process: mode 0444, and for
// root, which writes such files anyway, the immutable attribute (chattr +i,
// removed at cleanup). It skips the test where neither works.
func makeReadOnly(t *testing.T, path string) {
	t.Helper()
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return // not root: the mode is enough
	}
	_ = f.Close()
	chattr, err := exec.LookPath("chattr")
	if err != nil {
		t.Skip("running as root without chattr: cannot make a file read-only")
	}
	if out, err := exec.Command(chattr, "+i", path).CombinedOutput(); err != nil {
		t.Skipf("running as root and chattr +i failed (%v: %s): cannot make a file read-only", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() { _ = exec.Command(chattr, "-i", path).Run() })
}
