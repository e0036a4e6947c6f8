package httpapi_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/zincware/zndraw-auth-go/client"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/httpapi"
	"github.com/zincware/zndraw-auth-go/internal/kittest"
)

const pagePath = "/auth/cli-login/approve"

// browser is a cookie-keeping HTTP client that does not follow redirects.
type browser struct {
	t  *testing.T
	k  *kit
	hc *http.Client
}

func newBrowser(t *testing.T, k *kit) *browser {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	hc := *k.srv.Client()
	hc.Jar = jar
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &browser{t: t, k: k, hc: &hc}
}

func (b *browser) do(method, target string, form url.Values, header map[string]string) (*http.Response, string) {
	b.t.Helper()
	if strings.HasPrefix(target, "/") {
		target = b.k.url + target
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(b.t.Context(), method, target, body)
	require.NoError(b.t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for n, v := range header {
		req.Header.Set(n, v)
	}
	resp, err := b.hc.Do(req)
	require.NoError(b.t, err)
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(resp.Body)
	require.NoError(b.t, err)
	return resp, string(data)
}

func (b *browser) get(target string) (*http.Response, string) {
	return b.do(http.MethodGet, target, nil, nil)
}

func (b *browser) post(form url.Values, header map[string]string) (*http.Response, string) {
	return b.do(http.MethodPost, pagePath, form, header)
}

// signIn opens the page for code and signs in as email; it returns the
// confirmation page.
func (b *browser) signIn(code, email string) string {
	b.t.Helper()
	_, page := b.get(pagePath + "?code=" + code)
	resp, _ := b.post(url.Values{"action": {"login"}, "csrf_token": {csrfOf(b.t, page)}, "code": {code},
		"email": {email}, "password": {testPassword}}, nil)
	require.Equal(b.t, http.StatusSeeOther, resp.StatusCode)
	loc := resp.Header.Get("Location")
	if code != "" {
		require.Equal(b.t, pagePath+"?code="+code, loc)
	}
	resp, page = b.get(loc)
	require.Equal(b.t, http.StatusOK, resp.StatusCode, page)
	return page
}

// decide posts approve or deny for code with the page's CSRF token.
func (b *browser) decide(action, code, page string) (*http.Response, string) {
	return b.post(url.Values{"action": {action}, "csrf_token": {csrfOf(b.t, page)}, "code": {code}}, nil)
}

func pageKit(t *testing.T) *kit {
	return newKit(t, httpapi.Config{ApprovalPage: true}, true)
}

func challengeStatus(t *testing.T, k *kit, code string) core.ChallengeStatus {
	c, err := k.svc.Store().GetChallenge(t.Context(), code)
	require.NoError(t, err)
	return c.Status
}

func TestApprovalPageApprove(t *testing.T) {
	k := pageKit(t)
	cli := k.client(client.WithUserAgent("my-tool/1.2 (linux)"))
	ch, err := cli.StartCLILogin(t.Context())
	require.NoError(t, err)
	require.Equal(t, k.url+pagePath+"?code="+ch.Code, ch.ApproveURL, "approve_url is the page, code prefilled")

	b := newBrowser(t, k)
	resp, page := b.get(ch.ApproveURL)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	for name, want := range map[string]string{
		"Content-Type":           "text/html; charset=utf-8",
		"Cache-Control":          "no-store",
		"Referrer-Policy":        "no-referrer",
		"X-Frame-Options":        "DENY",
		"X-Content-Type-Options": "nosniff",
	} {
		require.Equal(t, want, resp.Header.Get(name), name)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	require.Contains(t, csp, "frame-ancestors 'none'")
	require.Contains(t, csp, "default-src 'none'")
	require.NotContains(t, csp, "script-src")
	require.Regexp(t, `^fastapiusersauth_csrf=[\w-]{43}; HttpOnly; Path=/auth/cli-login/approve; SameSite=strict; Secure$`, resp.Header.Get("Set-Cookie"))
	require.Contains(t, page, "You are signing in a command-line tool")
	require.Contains(t, page, `name="password"`)
	require.Contains(t, page, ch.Code)
	require.NotContains(t, page, "<script")

	page = b.signIn(ch.Code, testEmail)
	for _, want := range []string{
		"You are signing in a command-line tool", testEmail, ch.Code,
		"127.0.0.1", "my-tool/1.2 (linux)", "not verified",
		"2026-03-14 15:09:26 UTC", "5 min 00 s",
		`<button type="submit" id="deny">Deny</button>`, `<button type="submit" id="approve">Approve</button>`,
	} {
		require.Contains(t, page, want)
	}
	require.NotContains(t, page, ch.Secret)
	require.Equal(t, core.ChallengePending, challengeStatus(t, k, ch.Code))

	k.clock.Advance(65 * time.Second)
	_, page = b.get(pagePath + "?code=" + ch.Code)
	require.Contains(t, page, "3 min 55 s", "the time left follows the clock")

	resp, page = b.decide("approve", ch.Code, page)
	require.Equal(t, http.StatusOK, resp.StatusCode, page)
	require.Contains(t, page, "The command-line tool is now signed in as "+testEmail)

	st, err := cli.PollCLILogin(t.Context(), ch)
	require.NoError(t, err)
	require.Equal(t, "approved", st.Status)
	me, err := cli.Me(t.Context(), st.Token)
	require.NoError(t, err)
	require.Equal(t, testEmail, me.Email)

	_, page = b.get(pagePath + "?code=" + ch.Code)
	require.Contains(t, page, "already approved")
}

func TestApprovalPageDeny(t *testing.T) {
	k := pageKit(t)
	cli := k.client()
	ch, err := cli.StartCLILogin(t.Context())
	require.NoError(t, err)
	b := newBrowser(t, k)
	page := b.signIn(ch.Code, testEmail)
	resp, page := b.decide("deny", ch.Code, page)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, page, "The command-line tool was not signed in")
	_, err = cli.PollCLILogin(t.Context(), ch)
	require.ErrorIs(t, err, client.ErrChallengeNotFound)
	resp, page = b.get(pagePath + "?code=" + ch.Code)
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	require.Contains(t, page, "was denied")
}

// TestApprovalPageGETNeverApproves: no GET, whatever its query, changes a
// challenge.
func TestApprovalPageGETNeverApproves(t *testing.T) {
	k := pageKit(t)
	cli := k.client()
	ch, err := cli.StartCLILogin(t.Context())
	require.NoError(t, err)
	b := newBrowser(t, k)
	page := b.signIn(ch.Code, testEmail)
	csrf := csrfOf(t, page)
	for _, q := range []string{
		"?code=" + ch.Code,
		"?code=" + ch.Code + "&action=approve&csrf_token=" + csrf,
		"?code=" + ch.Code + "&action=deny&csrf_token=" + csrf,
		"?action=approve&code=" + ch.Code + "&csrf_token=" + csrf + "&email=" + testEmail,
	} {
		resp, _ := b.get(pagePath + q)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Equal(t, core.ChallengePending, challengeStatus(t, k, ch.Code), q)
	}
	k.clock.Advance(2 * time.Second)
	st, err := cli.PollCLILogin(t.Context(), ch)
	require.NoError(t, err)
	require.Equal(t, "pending", st.Status)
	require.Empty(t, st.Token)
}

func TestApprovalPageCSRF(t *testing.T) {
	cases := []struct {
		name string
		// attack returns the response of a forged request.
		attack func(t *testing.T, k *kit, b *browser, code, page string) (*http.Response, string)
		status int
		want   string
	}{
		{
			name: "approve without a token",
			attack: func(t *testing.T, k *kit, b *browser, code, page string) (*http.Response, string) {
				return b.post(url.Values{"action": {"approve"}, "code": {code}}, nil)
			},
			status: http.StatusForbidden, want: "nothing was changed",
		},
		{
			name: "approve with another session's token",
			attack: func(t *testing.T, k *kit, b *browser, code, page string) (*http.Response, string) {
				_, err := k.client().Register(t.Context(), "mallory@example.com", testPassword)
				require.NoError(t, err)
				other := newBrowser(t, k).signIn(code, "mallory@example.com")
				return b.decide("approve", code, other)
			},
			status: http.StatusForbidden, want: "nothing was changed",
		},
		{
			name: "approve cross-site with a valid token",
			attack: func(t *testing.T, k *kit, b *browser, code, page string) (*http.Response, string) {
				return b.post(url.Values{"action": {"approve"}, "csrf_token": {csrfOf(t, page)}, "code": {code}},
					map[string]string{"Sec-Fetch-Site": "cross-site"})
			},
			status: http.StatusForbidden, want: "Request refused",
		},
		{
			name: "approve without the session cookie",
			attack: func(t *testing.T, k *kit, b *browser, code, page string) (*http.Response, string) {
				return newBrowser(t, k).post(url.Values{"action": {"approve"}, "csrf_token": {csrfOf(t, page)}, "code": {code}}, nil)
			},
			status: http.StatusUnauthorized, want: `name="password"`,
		},
		{
			name: "sign-in without the double-submit cookie",
			attack: func(t *testing.T, k *kit, b *browser, code, page string) (*http.Response, string) {
				return newBrowser(t, k).post(url.Values{"action": {"login"}, "csrf_token": {strings.Repeat("A", 43)}, "code": {code},
					"email": {testEmail}, "password": {testPassword}}, nil)
			},
			status: http.StatusForbidden, want: "out of date",
		},
		{
			name: "sign-in with a mismatched token",
			attack: func(t *testing.T, k *kit, b *browser, code, page string) (*http.Response, string) {
				fresh := newBrowser(t, k)
				fresh.get(pagePath) // gets its own double-submit cookie
				return fresh.post(url.Values{"action": {"login"}, "csrf_token": {strings.Repeat("A", 43)}, "code": {code},
					"email": {testEmail}, "password": {testPassword}}, nil)
			},
			status: http.StatusForbidden, want: "out of date",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k := pageKit(t)
			ch, err := k.client().StartCLILogin(t.Context())
			require.NoError(t, err)
			b := newBrowser(t, k)
			page := b.signIn(ch.Code, testEmail)
			resp, body := tc.attack(t, k, b, ch.Code, page)
			require.Equal(t, tc.status, resp.StatusCode)
			require.Empty(t, resp.Header.Values("Location"), "no sign-in happened")
			require.Equal(t, core.ChallengePending, challengeStatus(t, k, ch.Code))
			require.Contains(t, body, tc.want)
		})
	}
}

func TestApprovalPageStates(t *testing.T) {
	k := pageKit(t)
	b := newBrowser(t, k)
	b.signIn("", testEmail)
	cases := []struct {
		name   string
		code   func(t *testing.T) string // the ?code= value
		status int
		want   string
		post   int // status of an approve POST for the same code (0: skip)
	}{
		{"no code: enter one", func(*testing.T) string { return "" }, 200, `name="code"`, 0},
		{"unknown code", func(*testing.T) string { return "ZZZZ9999" }, 404, "No login is waiting for this code", 404},
		{"not a code", func(*testing.T) string { return "<script>alert(1)</script>" }, 404, "No login is waiting for this code", 404},
		{"typed loosely", func(t *testing.T) string {
			ch, err := k.client().StartCLILogin(t.Context())
			require.NoError(t, err)
			return strings.ToLower(ch.Code[:4] + "-" + ch.Code[4:])
		}, 200, `id="approve"`, 200},
		{"expired", func(t *testing.T) string {
			ch, err := k.client().StartCLILogin(t.Context())
			require.NoError(t, err)
			k.clock.Advance(301 * time.Second)
			return ch.Code
		}, 410, "This code has expired", 410},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code := tc.code(t)
			resp, page := b.get(pagePath + "?code=" + url.QueryEscape(code))
			require.Equal(t, tc.status, resp.StatusCode)
			require.Contains(t, page, tc.want)
			require.NotContains(t, page, "<script>")
			if tc.post == 0 {
				return
			}
			_, signedIn := b.get(pagePath)
			resp, page = b.decide("approve", code, signedIn)
			require.Equal(t, tc.post, resp.StatusCode, page)
		})
	}
}

func TestApprovalPageSignIn(t *testing.T) {
	k := pageKit(t)
	ch, err := k.client().StartCLILogin(t.Context())
	require.NoError(t, err)
	b := newBrowser(t, k)
	_, page := b.get(pagePath + "?code=" + ch.Code)
	resp, page := b.post(url.Values{"action": {"login"}, "csrf_token": {csrfOf(t, page)}, "code": {ch.Code},
		"email": {testEmail}, "password": {"wrong password"}}, nil)
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	require.Contains(t, page, "Wrong email or password")
	require.Contains(t, page, `value="`+testEmail+`"`, "the email is kept")
	require.NotContains(t, page, "wrong password", "the password is not echoed")
	require.Empty(t, resp.Header.Values("Set-Cookie"), "the double-submit cookie is kept, no session")

	resp, page = b.post(url.Values{"action": {"login"}, "csrf_token": {csrfOf(t, page)}, "code": {ch.Code}, "email": {testEmail}}, nil)
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	require.Contains(t, page, "Enter your email and password")
}

func TestApprovalPageSignOut(t *testing.T) {
	k := pageKit(t)
	ch, err := k.client().StartCLILogin(t.Context())
	require.NoError(t, err)
	b := newBrowser(t, k)
	page := b.signIn(ch.Code, testEmail)
	resp, _ := b.decide("logout", ch.Code, page)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, pagePath+"?code="+ch.Code, resp.Header.Get("Location"))
	require.Equal(t, `fastapiusersauth=""; HttpOnly; Max-Age=0; Path=/auth/cli-login/approve; SameSite=lax; Secure`, resp.Header.Get("Set-Cookie"))
	_, page = b.get(resp.Header.Get("Location"))
	require.Contains(t, page, `name="password"`, "signed out")
}

func TestApprovalPageConfig(t *testing.T) {
	cases := []struct {
		name    string
		cfg     httpapi.Config
		wantURL string // approve_url with CODE for the code
	}{
		{"off: the reference's API route", httpapi.Config{}, "/auth/cli-login/CODE"},
		{"on", httpapi.Config{ApprovalPage: true}, pagePath + "?code=CODE"},
		{"custom path", httpapi.Config{ApprovalPage: true, ApprovalPagePath: "device/"}, "/device?code=CODE"},
		{"custom prefix", httpapi.Config{ApprovalPage: true, Prefixes: httpapi.Prefixes{CLILogin: "/cli"}}, "/cli/approve?code=CODE"},
		{"ApproveURL wins", httpapi.Config{ApprovalPage: true, ApproveURL: func(c string) string { return "https://x.example/?c=" + c }}, "https://x.example/?c=CODE"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k := newKit(t, tc.cfg, true)
			p := client.Prefixes{CLILogin: tc.cfg.Prefixes.CLILogin}
			ch, err := k.client(client.WithPrefixes(p)).StartCLILogin(t.Context())
			require.NoError(t, err)
			want := strings.ReplaceAll(tc.wantURL, "CODE", ch.Code)
			if strings.HasPrefix(want, "/") {
				want = k.url + want
			}
			require.Equal(t, want, ch.ApproveURL)
			if tc.cfg.ApprovalPage && tc.cfg.ApproveURL == nil {
				resp, page := newBrowser(t, k).get(ch.ApproveURL)
				require.Equal(t, http.StatusOK, resp.StatusCode)
				require.Contains(t, page, "You are signing in a command-line tool")
			}
		})
	}
}

// TestApprovalPageSharesTheCookie: with the cookie transport on, signing in
// on the page signs the browser in to the API too.
func TestApprovalPageSharesTheCookie(t *testing.T) {
	k := newKit(t, httpapi.Config{ApprovalPage: true, Cookie: &httpapi.CookieConfig{}}, true)
	b := newBrowser(t, k)
	b.signIn("", testEmail)
	resp, body := b.get("/users/me")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	require.Contains(t, body, testEmail)
}

// TestApprovalPageTooManyUnknownCodes: unknown codes entered on the page
// count against the user's budget of failed code lookups; past it the page
// answers 429 with Retry-After and says why.
func TestApprovalPageTooManyUnknownCodes(t *testing.T) {
	settings := core.DefaultSettings()
	settings.RateLimit = core.RateLimitSettings{Enabled: true, CLICodeFailuresPerUserPerHour: 2}
	srv := kittest.NewServer(t, kittest.Config{Settings: &settings, API: httpapi.Config{ApprovalPage: true}, NotFound: true, TLS: true})
	k := &kit{svc: srv.Service, clock: srv.Clock, srv: srv.Server, url: srv.URL}
	_, err := k.client().Register(t.Context(), testEmail, testPassword)
	require.NoError(t, err)
	b := newBrowser(t, k)
	b.signIn("", testEmail)
	for _, code := range []string{"AAAAAAAA", "BBBBBBBB"} {
		resp, _ := b.get(pagePath + "?code=" + code)
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
	}
	resp, page := b.get(pagePath + "?code=CCCCCCCC")
	require.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	require.NotEmpty(t, resp.Header.Get("Retry-After"))
	require.Contains(t, page, "Too many attempts")
}
