package httpapi_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/client"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
	"github.com/zincware/zndraw-auth-go/httpapi"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// The account every test signs in with.
const (
	testEmail    = "alice@example.com"
	testPassword = "correct horse battery"
)

// manualClock is a core.Clock that moves only when told to.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// kit is an in-process server: the net/http adapter on the memory store.
type kit struct {
	svc   *core.Service
	clock *manualClock
	srv   *httptest.Server
	url   string
}

// newKit serves cfg (Service filled in) over plain HTTP, or TLS with tls,
// with alice registered. Rate limits are off.
func newKit(t *testing.T, cfg httpapi.Config, tls bool) *kit {
	t.Helper()
	settings := core.DefaultSettings()
	settings.RateLimit.Enabled = false
	clock := &manualClock{now: time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)}
	svc, err := core.New(memstore.New(), settings, core.WithHasher(password.New(password.TestParams)),
		core.WithClock(clock), core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	require.NoError(t, err)
	cfg.Service = svc
	k, err := nethttpauth.New(cfg)
	require.NoError(t, err)
	mux := http.NewServeMux()
	k.Mount(mux)
	mux.Handle("/", nethttpauth.NotFoundHandler())
	var srv *httptest.Server
	if tls {
		srv = httptest.NewTLSServer(mux)
	} else {
		srv = httptest.NewServer(mux)
	}
	t.Cleanup(srv.Close)
	kt := &kit{svc: svc, clock: clock, srv: srv, url: srv.URL}
	p := cfg.Prefixes
	_, err = kt.client(client.WithPrefixes(client.Prefixes{Register: p.Register})).Register(t.Context(), testEmail, testPassword)
	require.NoError(t, err)
	return kt
}

// client is a kit client that trusts the test server.
func (k *kit) client(opts ...client.Option) *client.Client {
	return client.New(k.url, append([]client.Option{client.WithHTTPClient(k.srv.Client())}, opts...)...)
}

// send makes one request without following redirects; body is form-encoded
// when it is url.Values.
func (k *kit) send(t *testing.T, method, path string, form url.Values, header map[string]string) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(t.Context(), method, k.url+path, body)
	require.NoError(t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for name, v := range header {
		req.Header.Set(name, v)
	}
	hc := *k.srv.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]*)"`)

// csrfOf returns the first CSRF token of a page.
func csrfOf(t *testing.T, html string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(html)
	require.NotNil(t, m, "no csrf_token in the page:\n%s", html)
	return m[1]
}
