package kittest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/zincware/zndraw-auth-go/client"
	"github.com/zincware/zndraw-auth-go/internal/version"
)

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// CheckProduct walks what the README promises of the server its first
// command starts, over real HTTP against base: the OpenAPI document, a
// registration, a login and /users/me, and a CLI login approved on the
// approval page in a cookie-keeping "browser", whose token then works.
func CheckProduct(t *testing.T, base string) {
	t.Helper()
	ctx := t.Context()

	resp, err := http.Get(base + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
		Info    struct{ Version string }
		Paths   map[string]any
	}
	err = json.NewDecoder(resp.Body).Decode(&doc)
	_ = resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || doc.OpenAPI != "3.1.0" || doc.Info.Version != version.Get() || doc.Paths["/auth/register"] == nil {
		t.Fatalf("GET /openapi.json: %d %v %+v", resp.StatusCode, err, doc)
	}

	const email, pw = "newcomer@example.com", "correct horse battery staple"
	c := client.New(base, client.WithUserAgent("kittest newcomer"))
	if _, err := c.Register(ctx, email, pw); err != nil {
		t.Fatalf("register: %v", err)
	}
	tok, err := c.Login(ctx, email, pw)
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	if me, err := c.Me(ctx, tok); err != nil || me.Email != email {
		t.Fatalf("GET /users/me: %+v %v", me, err)
	}

	ch, err := c.StartCLILogin(ctx)
	if err != nil {
		t.Fatalf("CLI login: %v", err)
	}
	u, err := url.Parse(ch.ApproveURL)
	if err != nil || u.Path != "/auth/cli-login/approve" || u.Query().Get("code") != ch.Code {
		t.Fatalf("approve_url %q is not the approval page for %s", ch.ApproveURL, ch.Code)
	}
	b := newPageBrowser(t)
	page := b.do(http.MethodGet, ch.ApproveURL, nil)
	host := strings.TrimPrefix(strings.TrimPrefix(base, "http://"), "https://")
	for _, want := range []string{ch.Code, "a command-line tool to <strong>" + host + "</strong>", "Sign in"} {
		if !strings.Contains(page, want) {
			t.Fatalf("the approval page lacks %q:\n%s", want, page)
		}
	}
	page = b.do(http.MethodPost, ch.ApproveURL, url.Values{"action": {"login"}, "csrf_token": {csrfOf(t, page)},
		"code": {ch.Code}, "email": {email}, "password": {pw}})
	if !strings.Contains(page, "Approve a command-line login?") {
		t.Fatalf("after signing in, no confirmation:\n%s", page)
	}
	page = b.do(http.MethodPost, ch.ApproveURL, url.Values{"action": {"approve"}, "csrf_token": {csrfOf(t, page)}, "code": {ch.Code}})
	if !strings.Contains(page, "Command-line login approved") {
		t.Fatalf("approving failed:\n%s", page)
	}
	cliToken, err := c.WaitCLILogin(ctx, ch, nil)
	if err != nil {
		t.Fatalf("waiting for the CLI login: %v", err)
	}
	if me, err := c.Me(ctx, cliToken); err != nil || me.Email != email {
		t.Fatalf("the CLI token: %+v %v", me, err)
	}
}

// pageBrowser keeps cookies and follows redirects, like a browser.
type pageBrowser struct {
	t  *testing.T
	hc *http.Client
}

func newPageBrowser(t *testing.T) *pageBrowser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &pageBrowser{t: t, hc: &http.Client{Jar: jar}}
}

// do sends a request (a form when form is not nil) and returns the page.
func (b *pageBrowser) do(method, target string, form url.Values) string {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(b.t.Context(), method, target, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.hc.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	page, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return string(page)
}

func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no csrf_token in the page:\n%s", page)
	}
	return m[1]
}
