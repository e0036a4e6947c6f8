package browsertest

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/zincware/zndraw-auth-go/client"
	"github.com/zincware/zndraw-auth-go/conformance"
	"github.com/zincware/zndraw-auth-go/httpapi"
	"github.com/zincware/zndraw-auth-go/internal/kittest"
)

const (
	email    = "alice@example.com"
	pass     = "correct horse battery"
	cliAgent = "zndraw-auth-login (zndraw-auth-go)"
)

// findChromium returns a Chromium binary, or "".
func findChromium() string {
	if p := os.Getenv("ZNDRAW_AUTH_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// waitResult is what the CLI's WaitCLILogin ended with.
type waitResult struct {
	token string
	err   error
}

// startCLI starts a CLI login and waits for it in the background, polling
// every 100 ms of real time (each poll moves the server clock by the
// interval, so the 300 s challenge lives 30 s of real time).
func startCLI(t *testing.T, ctx context.Context, base string, clock *conformance.ManualClock) (*client.Client, *client.CLIChallenge, <-chan waitResult) {
	t.Helper()
	cli := client.New(base, client.WithUserAgent(cliAgent), client.WithSleep(func(ctx context.Context, d time.Duration) error {
		select {
		case <-time.After(100 * time.Millisecond):
			clock.Advance(d)
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}))
	ch, err := cli.StartCLILogin(ctx)
	require.NoError(t, err)
	done := make(chan waitResult, 1)
	go func() {
		tok, err := cli.WaitCLILogin(ctx, ch, nil)
		done <- waitResult{tok, err}
	}()
	return cli, ch, done
}

func result(t *testing.T, ctx context.Context, done <-chan waitResult) waitResult {
	t.Helper()
	select {
	case r := <-done:
		return r
	case <-ctx.Done():
		t.Fatal("the CLI is still waiting")
		return waitResult{}
	}
}

// TestCLILoginInChromium: the CLI starts a login, a real browser opens the
// approve_url, signs in, checks the code and approves; the CLI receives a
// token that works. Then a second login is denied in the same browser and
// the CLI is told so.
func TestCLILoginInChromium(t *testing.T) {
	bin := findChromium()
	if bin == "" {
		t.Skip("no Chromium found (apt-get install chromium, or set ZNDRAW_AUTH_CHROMIUM)")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()

	// The default configuration: page on, its session cookie Secure (the
	// browser accepts it from http://127.0.0.1, a secure context), and the
	// service named as a deployment would name it.
	srv := kittest.NewServer(t, kittest.Config{API: httpapi.Config{ApprovalPage: true, ServiceName: "ZnDraw"}})
	clock := srv.Clock
	_, err := client.New(srv.URL).Register(ctx, email, pass)
	require.NoError(t, err)

	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(720, 860),
	)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()

	// Approve.
	cli, ch, done := startCLI(t, ctx, srv.URL, clock)
	require.Equal(t, srv.URL+"/auth/cli-login/approve?code="+ch.Code, ch.ApproveURL)
	err = chromedp.Do(browser,
		chromedp.Navigate(ch.ApproveURL),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), pass),
		chromedp.Submit(chromedp.ID("password")),
	)
	require.NoError(t, err)
	err = chromedp.Do(browser, chromedp.WaitVisible(chromedp.ID("approve")))
	if err != nil {
		html, _ := chromedp.Run(browser, chromedp.OuterHTML(chromedp.CSS("body")))
		t.Fatalf("no Approve button after signing in: %v\n%s", err, html)
	}
	shownCode, err := chromedp.Run(browser, chromedp.Text(chromedp.CSS(".code")))
	require.NoError(t, err)
	require.Equal(t, ch.Code, strings.TrimSpace(shownCode))
	details, err := chromedp.Run(browser, chromedp.Text(chromedp.CSS("main")))
	require.NoError(t, err)
	for _, want := range []string{"You are signing in a command-line tool to ZnDraw", email, "127.0.0.1", cliAgent, "Deny", "Approve"} {
		require.Contains(t, details, want)
	}
	// Quality 100 makes a PNG.
	if os.Getenv("UPDATE_SCREENSHOT") == "1" {
		shot, err := chromedp.Run(browser, chromedp.FullScreenshot(100))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join("..", "..", "docs", "approval-page.png"), shot, 0o644))
	}
	require.NoError(t, chromedp.Do(browser,
		chromedp.Click(chromedp.ID("approve")),
		chromedp.WaitVisible(chromedp.CSS(".notice.ok")),
	))
	outcome, err := chromedp.Run(browser, chromedp.Text(chromedp.CSS(".notice.ok")))
	require.NoError(t, err)
	require.Contains(t, outcome, "now signed in as "+email)
	r := result(t, ctx, done)
	require.NoError(t, r.err)
	me, err := cli.Me(ctx, r.token)
	require.NoError(t, err)
	require.Equal(t, email, me.Email)

	// Deny, in the same (signed-in) browser.
	_, ch2, done2 := startCLI(t, ctx, srv.URL, clock)
	require.NoError(t, chromedp.Do(browser,
		chromedp.Navigate(ch2.ApproveURL),
		chromedp.WaitVisible(chromedp.ID("deny")),
		chromedp.Click(chromedp.ID("deny")),
		chromedp.WaitVisible(chromedp.CSS(".notice.ok")),
	))
	outcome, err = chromedp.Run(browser, chromedp.Text(chromedp.CSS(".notice.ok")))
	require.NoError(t, err)
	require.Contains(t, outcome, "not signed in")
	r = result(t, ctx, done2)
	require.True(t, errors.Is(r.err, client.ErrChallengeNotFound), "got %v", r.err)
	require.Empty(t, r.token)
}
