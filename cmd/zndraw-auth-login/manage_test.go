package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/zincware/zndraw-auth-go/client"
	"github.com/zincware/zndraw-auth-go/conformance"
	"github.com/zincware/zndraw-auth-go/internal/version"
)

// cli runs the command with a config directory of its own and captures
// what it prints.
type cli struct {
	t      *testing.T
	cfg    string
	stdout bytes.Buffer
	stderr bytes.Buffer
}

// run runs args; with a server s, the wait between polls moves s's clock,
// and the login is approved in the "browser" by s's signed-in user.
func (c *cli) run(args []string, s *server) int {
	c.stdout.Reset()
	c.stderr.Reset()
	var mu sync.Mutex
	var code string
	sleeps := 0
	a := &app{
		stdout: &c.stdout, stderr: &c.stderr,
		isTTY:     func(io.Writer) bool { return false },
		configDir: func() (string, error) { return c.cfg, nil },
		getenv:    func(string) string { return "" },
		openURL: func(u string) error {
			mu.Lock()
			defer mu.Unlock()
			code = codeOf(c.t, u)
			return nil
		},
		clientOpts: []client.Option{client.WithSleep(func(ctx context.Context, d time.Duration) error {
			if s == nil {
				return nil
			}
			s.clock.Advance(d)
			sleeps++
			if sleeps == 2 {
				mu.Lock()
				defer mu.Unlock()
				require.NoError(c.t, client.New(s.url).ApproveCLILogin(ctx, s.browserToken, code))
			}
			return nil
		})},
	}
	return a.run(c.t.Context(), args)
}

// server is a kit with a signed-in browser user.
type server struct {
	url, browserToken string
	clock             *conformance.ManualClock
}

// TestOneTokenPerServer: logins to two servers live side by side; status
// shows both and checks them with their servers; token prints one; logout
// revokes the token on its server and deletes its file, and a second
// logout finds nothing.
func TestOneTokenPerServer(t *testing.T) {
	var servers [2]server
	for i := range servers {
		base, clock, tok := testServer(t)
		servers[i] = server{base, tok, clock}
	}
	c := &cli{t: t, cfg: t.TempDir()}
	for i := range servers {
		require.Equal(t, 0, c.run([]string{"-server", servers[i].url, "-open", "-timeout", "30s"}, &servers[i]), c.stderr.String())
	}
	dir := filepath.Join(c.cfg, "zndraw-auth", "tokens")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 2, "one file per server")

	require.Equal(t, 0, c.run([]string{"status"}, nil), c.stderr.String())
	for _, s := range servers {
		require.Contains(t, c.stdout.String(), s.url+": logged in as alice@example.com (token valid;")
	}

	require.Equal(t, 2, c.run([]string{"token"}, nil), "which server?")
	require.Contains(t, c.stderr.String(), "choose one with -server")
	require.Equal(t, 0, c.run([]string{"token", "-server", servers[1].url + "/"}, nil), c.stderr.String())
	second := strings.TrimSpace(c.stdout.String())
	_, err = client.New(servers[1].url).Me(t.Context(), second)
	require.NoError(t, err, "the printed token is the second server's")

	l, err := loadLogin(filepath.Join(dir, fileName(servers[0].url)))
	require.NoError(t, err)
	first := l.AccessToken
	require.Equal(t, 0, c.run([]string{"logout", "-server", servers[0].url}, nil), c.stderr.String())
	require.Contains(t, c.stdout.String(), "the token is revoked")
	_, err = client.New(servers[0].url).Me(t.Context(), first)
	require.ErrorIs(t, err, client.ErrUnauthorized, "revoked on the server")
	require.Equal(t, 1, c.run([]string{"status", "-server", servers[0].url}, nil))
	require.Contains(t, c.stdout.String(), "Not logged in to "+servers[0].url)
	_, err = client.New(servers[1].url).Me(t.Context(), second)
	require.NoError(t, err, "the other server's login is untouched")

	// The token expires on the server: status says so; logout still
	// deletes the file.
	servers[1].clock.Advance(2 * time.Hour)
	require.Equal(t, 1, c.run([]string{"status"}, nil))
	require.Contains(t, c.stdout.String(), "no longer valid")
	require.Equal(t, 0, c.run([]string{"logout"}, nil), c.stderr.String())
	require.Contains(t, c.stdout.String(), "had already expired or been revoked")
	require.Equal(t, 1, c.run([]string{"logout"}, nil))
	require.Contains(t, c.stderr.String(), "not logged in to any server")
	require.Equal(t, 1, c.run([]string{"status"}, nil))
	entries, err = os.ReadDir(dir)
	require.NoError(t, err)
	require.Empty(t, entries)
}

// TestTokenFileRecordsTheServer: a -token-file holding another server's
// login is never overwritten or sent to another server.
func TestTokenFileRecordsTheServer(t *testing.T) {
	base, clock, tok := testServer(t)
	s := server{base, tok, clock}
	c := &cli{t: t, cfg: t.TempDir()}
	file := filepath.Join(t.TempDir(), "mine.json")
	require.NoError(t, saveLogin(file, savedLogin{Server: "https://other.example", AccessToken: "other-token"}))
	require.Equal(t, 1, c.run([]string{"-server", base, "-token-file", file}, &s))
	require.Contains(t, c.stderr.String(), "holds the login for https://other.example")
	require.Equal(t, 0, c.run([]string{"token", "-token-file", file}, nil))
	require.Equal(t, "other-token\n", c.stdout.String(), "untouched")

	fresh := filepath.Join(t.TempDir(), "fresh.json")
	require.Equal(t, 0, c.run([]string{"login", "-server", base, "-token-file", fresh, "-open", "-timeout", "30s"}, &s), c.stderr.String())
	require.Equal(t, 0, c.run([]string{"status", "-token-file", fresh}, nil), c.stderr.String())
	require.Contains(t, c.stdout.String(), base+": logged in as alice@example.com")
	require.Equal(t, 0, c.run([]string{"logout", "-token-file", fresh}, nil), c.stderr.String())
	_, err := os.Stat(fresh)
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestVersionAndHelp(t *testing.T) {
	c := &cli{t: t, cfg: t.TempDir()}
	for _, args := range [][]string{{"-version"}, {"version"}, {"login", "-version"}} {
		require.Equal(t, 0, c.run(args, nil), args)
		require.Equal(t, version.Line("zndraw-auth-login")+"\n", c.stdout.String(), args)
	}
	require.Equal(t, 0, c.run([]string{"help"}, nil))
	for _, sub := range []string{"status", "token", "logout"} {
		require.Contains(t, c.stdout.String(), "zndraw-auth-login "+sub)
	}
	require.Equal(t, 2, c.run([]string{"status", "-nope"}, nil))
}
