package main

import (
	"bytes"
	"context"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/zincware/zndraw-auth-go/client"
	"github.com/zincware/zndraw-auth-go/conformance"
	"github.com/zincware/zndraw-auth-go/internal/kittest"
)

// testServer starts the kit on the memory store and returns its URL, its
// clock (the injected sleep moves it), and a token of a signed-in browser
// user.
func testServer(t *testing.T) (string, *conformance.ManualClock, string) {
	t.Helper()
	srv := kittest.NewServer(t, kittest.Config{})
	return srv.URL, srv.Clock, srv.Token(t, "alice@example.com", "correct horse battery")
}

// codeOf extracts the code from an approve URL (the API route's last
// segment or the page's ?code=).
func codeOf(t *testing.T, raw string) string {
	u, err := url.Parse(raw)
	require.NoError(t, err)
	if c := u.Query().Get("code"); c != "" {
		return c
	}
	return path.Base(u.Path)
}

func TestRun(t *testing.T) {
	cases := []struct {
		name       string
		args       []string
		tty        bool
		browser    string // what the "browser" does: approve, deny, nothing
		wantCode   int
		wantStdout []string // substrings ("" entries skipped)
		wantStderr []string
		exactToken bool // stdout is exactly the token and a newline
		wantFile   bool
	}{
		{
			name: "saves the token", args: []string{"-open"}, browser: "approve", wantCode: 0,
			wantStdout: []string{"check that it shows the code", "/auth/cli-login/", "Waiting for approval", " as alice@example.com", "token is saved in"},
			wantFile:   true,
		},
		{
			name: "terminal progress", args: []string{"-open"}, tty: true, browser: "approve", wantCode: 0,
			wantStdout: []string{"\rWaiting for approval in the browser... 0:01 (code expires in 4:59)\033[K", "Logged in to http://127.0.0.1"},
			wantFile:   true,
		},
		{
			name: "print token", args: []string{"-open", "-print-token"}, browser: "approve", wantCode: 0,
			wantStderr: []string{"check that it shows the code", " as alice@example.com"},
			exactToken: true,
		},
		{
			name: "denied", args: []string{"-open"}, browser: "deny", wantCode: 1,
			wantStderr: []string{"denied in the browser"},
		},
		{
			name: "expired", args: []string{"-open"}, browser: "expire", wantCode: 1,
			wantStderr: []string{"expired"},
		},
		{name: "no server", args: []string{"-server", ""}, wantCode: 2, wantStderr: []string{"Usage:"}},
		{name: "bad server", args: []string{"-server", "ftp://x"}, wantCode: 2, wantStderr: []string{"must be an http"}},
		{name: "extra args", args: []string{"-server", "http://x", "more"}, wantCode: 2, wantStderr: []string{"Usage:"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			base, clock, browserToken := testServer(t)
			cfg := t.TempDir()
			var stdout, stderr bytes.Buffer
			var mu sync.Mutex
			var code string
			sleeps := 0
			a := &app{
				stdout: &stdout, stderr: &stderr,
				isTTY:     func(io.Writer) bool { return tc.tty },
				configDir: func() (string, error) { return cfg, nil },
				getenv:    func(k string) string { return map[string]string{"ZNDRAW_AUTH_SERVER": base}[k] },
				openURL: func(u string) error {
					mu.Lock()
					defer mu.Unlock()
					code = codeOf(t, u)
					return nil
				},
				clientOpts: []client.Option{client.WithSleep(func(ctx context.Context, d time.Duration) error {
					clock.Advance(d)
					sleeps++
					if sleeps != 2 {
						return nil
					}
					mu.Lock()
					defer mu.Unlock()
					c := client.New(base)
					switch tc.browser {
					case "approve":
						require.NoError(t, c.ApproveCLILogin(ctx, browserToken, code))
					case "deny":
						require.NoError(t, c.RejectCLILogin(ctx, browserToken, code))
					case "expire":
						clock.Advance(time.Hour)
					}
					return nil
				})},
			}
			got := a.run(t.Context(), tc.args)
			require.Equal(t, tc.wantCode, got, "stderr: %s", stderr.String())
			for _, s := range tc.wantStdout {
				require.Contains(t, stdout.String(), s)
			}
			for _, s := range tc.wantStderr {
				require.Contains(t, stderr.String(), s)
			}
			if tc.exactToken {
				tok := stdout.String()
				require.Regexp(t, `^[\w-]+\.[\w-]+\.[\w-]+\n$`, tok)
				_, err := client.New(base).Me(t.Context(), strings.TrimSpace(tok))
				require.NoError(t, err, "the printed token works")
			}
			dir := filepath.Join(cfg, "zndraw-auth", "tokens")
			file := filepath.Join(dir, fileName(base))
			_, err := os.Stat(file)
			if !tc.wantFile {
				require.ErrorIs(t, err, os.ErrNotExist)
				return
			}
			l, err := loadLogin(file)
			require.NoError(t, err)
			require.Equal(t, base, l.Server, "the file records the server")
			require.Equal(t, "alice@example.com", l.Email)
			_, err = client.New(base).Me(t.Context(), l.AccessToken)
			require.NoError(t, err, "the saved token works")
			if !tc.tty {
				require.NotContains(t, stdout.String(), "\r")
			}
		})
	}
}

func TestSaveLogin(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("POSIX file modes")
	}
	dir := t.TempDir()
	// Existing directories with loose permissions are tightened, an
	// existing token replaced.
	own := filepath.Join(dir, "zndraw-auth", "tokens")
	require.NoError(t, os.MkdirAll(own, 0o755))
	file := filepath.Join(own, "https_a.example.json")
	require.NoError(t, os.WriteFile(file, []byte("old\n"), 0o644))

	want := savedLogin{Server: "https://a.example", Email: "a@example.com", AccessToken: "new-token", SavedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	require.NoError(t, saveLogin(file, want))
	got, err := loadLogin(file)
	require.NoError(t, err)
	require.Equal(t, want, *got)
	fi, err := os.Stat(file)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	for _, d := range []string{own, filepath.Dir(own)} {
		di, err := os.Stat(d)
		require.NoError(t, err)
		require.Equal(t, os.FileMode(0o700), di.Mode().Perm(), d)
	}
	entries, err := os.ReadDir(own)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file is left behind")

	// A fresh nested directory is created 0700.
	nested := filepath.Join(dir, "a", "b", "token.json")
	require.NoError(t, saveLogin(nested, want))
	ni, err := os.Stat(filepath.Dir(nested))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o700), ni.Mode().Perm())

	require.Error(t, saveLogin(filepath.Join(dir, "x"), savedLogin{Server: "https://a.example"}))
	_, err = loadLogin(filepath.Join(dir, "zndraw-auth", "tokens"))
	require.Error(t, err, "a directory is no token file")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "plain"), []byte("eyJ...\n"), 0o600))
	_, err = loadLogin(filepath.Join(dir, "plain"))
	require.ErrorContains(t, err, "not a token file")
}

func TestServerNames(t *testing.T) {
	for _, tc := range []struct{ in, norm, file string }{
		{"http://127.0.0.1:8000", "http://127.0.0.1:8000", "http_127.0.0.1_8000.json"},
		{"HTTP://127.0.0.1:8000/", "http://127.0.0.1:8000", "http_127.0.0.1_8000.json"},
		{"https://ZnDraw.example.com:443", "https://zndraw.example.com", "https_zndraw.example.com.json"},
		{"http://example.com:80/auth/", "http://example.com/auth", "http_example.com_auth.json"},
		{"http://[::1]:8000", "http://[::1]:8000", "http____1__8000.json"},
	} {
		norm, err := normalizeServer(tc.in)
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.norm, norm, tc.in)
		require.Equal(t, tc.file, fileName(norm), tc.in)
	}
	for _, bad := range []string{"", "ftp://x", "http://", "127.0.0.1:8000"} {
		_, err := normalizeServer(bad)
		require.Error(t, err, bad)
	}
	p, err := tokenDir(func() (string, error) { return "/home/u/.config", nil })
	require.NoError(t, err)
	require.Equal(t, filepath.Join("/home/u/.config", "zndraw-auth", "tokens"), p)
	_, err = tokenDir(func() (string, error) { return "", os.ErrNotExist })
	require.Error(t, err)
}

func TestProgress(t *testing.T) {
	cases := []struct {
		name      string
		tty       bool
		expiresIn time.Duration
		ticks     int
		want      string
	}{
		{
			name: "terminal", tty: true, expiresIn: 2 * time.Second, ticks: 3,
			want: "\rWaiting for approval in the browser... 0:00 (code expires in 0:02)\033[K" +
				"\rWaiting for approval in the browser... 0:01 (code expires in 0:01)\033[K" +
				"\rWaiting for approval in the browser... 0:02 (code expires in 0:00)\033[K" +
				"\rWaiting for approval in the browser... 0:03 (code expires in 0:00)\033[K\n",
		},
		{
			name: "terminal, no expiry known", tty: true, ticks: 1,
			want: "\rWaiting for approval in the browser... 0:00\033[K\rWaiting for approval in the browser... 0:01\033[K\n",
		},
		{
			name: "plain", tty: false, expiresIn: time.Minute, ticks: 25,
			want: "Waiting for approval in the browser...\nStill waiting for approval (0:10)\nStill waiting for approval (0:20)\n",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			p := newProgress(&buf, tc.tty, tc.expiresIn)
			p.start()
			for i := 1; i <= tc.ticks; i++ {
				p.tick(time.Duration(i) * time.Second)
			}
			p.done()
			require.Equal(t, tc.want, buf.String())
		})
	}
}

func TestIsTerminal(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	require.NoError(t, err)
	defer func() { _ = f.Close() }()
	require.False(t, isTerminal(f), "a regular file")
	require.False(t, isTerminal(&bytes.Buffer{}), "not a file")
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		defer func() { _ = tty.Close() }()
		require.True(t, isTerminal(tty))
	}
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer func() { _ = r.Close(); _ = w.Close() }()
	require.False(t, isTerminal(w), "a pipe")
}

func TestBrowserURL(t *testing.T) {
	for _, ok := range []string{"http://127.0.0.1:8000/auth/cli-login/approve?code=ABCD1234", "https://zndraw.example.com/x"} {
		_, err := browserURL(ok)
		require.NoError(t, err, ok)
	}
	for _, bad := range []string{"file:///etc/passwd", "javascript:alert(1)", "/relative", "zndraw://x", "http://"} {
		_, err := browserURL(bad)
		require.Error(t, err, bad)
	}
}
