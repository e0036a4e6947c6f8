// Package browsertest holds the end-to-end test of the CLI login in a real
// browser: headless Chromium (github.com/chromedp/chromedp) signs in on the
// approval page and approves or denies while a client.Client waits, as
// zndraw-auth-login does. It has no code of its own; the test skips when no
// Chromium is installed (Debian: apt-get install chromium).
//
// UPDATE_SCREENSHOT=1 go test ./internal/browsertest rewrites
// docs/approval-page.png.
package browsertest
