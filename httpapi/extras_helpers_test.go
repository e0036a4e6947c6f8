package httpapi_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/zincware/zndraw-auth-go/client"
	"github.com/zincware/zndraw-auth-go/conformance"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/httpapi"
	"github.com/zincware/zndraw-auth-go/internal/kittest"
)

// The account every test signs in with.
const (
	testEmail    = "alice@example.com"
	testPassword = "correct horse battery"
)

// kit is an in-process server: the net/http adapter on the memory store.
type kit struct {
	svc   *core.Service
	clock *conformance.ManualClock
	srv   *httptest.Server
	url   string
}

// newKit serves cfg (Service filled in) over plain HTTP, or TLS with tls,
// with alice registered. Rate limits are off.
func newKit(t *testing.T, cfg httpapi.Config, tls bool) *kit {
	t.Helper()
	settings := core.DefaultSettings()
	settings.RateLimit.Enabled = false
	srv := kittest.NewServer(t, kittest.Config{Settings: &settings, API: cfg, NotFound: true, TLS: tls})
	kt := &kit{svc: srv.Service, clock: srv.Clock, srv: srv.Server, url: srv.URL}
	p := cfg.Prefixes
	_, err := kt.client(client.WithPrefixes(client.Prefixes{Register: p.Register})).Register(t.Context(), testEmail, testPassword)
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
