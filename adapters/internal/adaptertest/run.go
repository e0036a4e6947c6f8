package adaptertest

import (
	"io"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/zincware/zndraw-auth-go/httpapi"
)

// The headers the host middleware of an App sets on every request before
// the kit (or a host handler) writes: the kit's answers must replace the
// Content-Type and Cache-Control, never send them next to its own, and keep
// the host's cookie next to the kit's.
const (
	PresetContentType  = "text/plain; charset=utf-8"
	PresetCacheControl = "public, max-age=60"
	PresetCookie       = "stale=1"
	// HostValue is what the host middleware puts into the request's
	// context under HostKey.
	HostValue = "from the host"
)

// App is the server an adapter's test builds with its framework, natively,
// for Run. The server must have:
//
//   - a host middleware in front of every route, the kit's included, that
//     sets the headers Content-Type: PresetContentType, Cache-Control:
//     PresetCacheControl and Set-Cookie: PresetCookie, and puts HostValue
//     into the request's context under HostKey{};
//   - the kit, built with Config, mounted under the group (or prefix)
//     Prefix ("" for the root);
//   - GET Prefix+"/healthz" answering 200 "ok" (a host route next to the
//     kit);
//   - GET /user, /super and /optional behind RequireUser, RequireSuperuser
//     and OptionalUser, whose handler calls Seen with the email the
//     adapter's own accessor reads and the one core.UserFromContext reads
//     from the request's context ("" for none), then answers 418;
//   - GET /write/{i} answering WriteCases()[i].Resp with the adapter's
//     Write;
//   - the adapter's NotFoundHandler for every other path.
type App struct {
	Config httpapi.Config
	Prefix string
	Seen   func(native, fromContext string)
}

// Server starts app and returns its base URL; the server stops when t
// ends.
type Server func(t *testing.T, app App) string

// Run runs the behaviour every adapter shares against serve, over real
// HTTP: the middleware's answers and what handlers see, mounting under a
// group with other prefixes, the client address and the host's context
// reaching the core, the body limit, and one header semantics for every
// response.
func Run(t *testing.T, serve Server) {
	t.Run("middleware", func(t *testing.T) { testMiddleware(t, serve) })
	t.Run("mount", func(t *testing.T) { testMount(t, serve) })
	t.Run("client address and context", func(t *testing.T) { testClientAndContext(t, serve) })
	t.Run("body limit", func(t *testing.T) { testBodyLimit(t, serve) })
	t.Run("write", func(t *testing.T) { testWrite(t, serve) })
	t.Run("headers replace the host's", func(t *testing.T) { testHeaderDrift(t, serve) })
	t.Run("approval page names the host", func(t *testing.T) { testApprovalPageHost(t, serve) })
}

// Result is an answer, read in full.
type Result struct {
	Status int
	Header http.Header
	Body   string
	Close  bool // the server closes the connection after this answer
}

// Do sends one request to base+target with an optional bearer token,
// Content-Type and body; edit adjusts the request before it is sent.
func Do(t testing.TB, base, method, target, token, ctype, body string, edit ...func(*http.Request)) Result {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, base+target, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for _, e := range edit {
		e(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return Result{resp.StatusCode, resp.Header, string(b), resp.Close}
}

func testMiddleware(t *testing.T, serve Server) {
	f := NewFixture(t)
	var (
		mu                  sync.Mutex
		called              bool
		native, fromContext string
	)
	base := serve(t, App{Config: httpapi.Config{Service: f.Service}, Seen: func(n, c string) {
		mu.Lock()
		defer mu.Unlock()
		called, native, fromContext = true, n, c
	}})
	for _, tc := range MiddlewareCases(f) {
		mu.Lock()
		called, native, fromContext = false, "", ""
		mu.Unlock()
		r := Do(t, base, "GET", tc.Path, tc.Token, "", "")
		mu.Lock()
		ran, n, c := called, native, fromContext
		mu.Unlock()
		if r.Status != tc.Status {
			t.Errorf("GET %s (%q): status %d, want %d", tc.Path, tc.Token, r.Status, tc.Status)
			continue
		}
		if tc.Status != http.StatusTeapot {
			if ran {
				t.Errorf("GET %s: the handler ran after a refusal", tc.Path)
			}
			if r.Body != tc.Body || r.Header.Get("Content-Type") != "application/json" {
				t.Errorf("GET %s: %q %s, want application/json %s", tc.Path, r.Header.Get("Content-Type"), r.Body, tc.Body)
			}
			continue
		}
		if n != tc.Email || c != tc.Email {
			t.Errorf("GET %s: the adapter's accessor saw %q, core.UserFromContext %q, want %q", tc.Path, n, c, tc.Email)
		}
	}
}

func testMount(t *testing.T, serve Server) {
	f := NewFixture(t)
	base := serve(t, App{Prefix: "/api", Config: httpapi.Config{Service: f.Service, Prefixes: httpapi.Prefixes{Users: "/accounts", JWT: "/session"}}})
	for _, tc := range MountCases(f) {
		if r := Do(t, base, tc.Method, tc.Path, tc.Token, "", ""); r.Status != tc.Status {
			t.Errorf("%s %s: %d %s, want %d", tc.Method, tc.Path, r.Status, r.Body, tc.Status)
		}
	}
}

func testClientAndContext(t *testing.T, serve Server) {
	loopback := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	for _, tc := range []struct {
		name    string
		proxies []netip.Prefix
		xff     []string // X-Forwarded-For, one field line each
		want    string
	}{
		// The frameworks' own client-IP helpers would believe
		// X-Forwarded-For here; the kit must not.
		{"untrusted peer", nil, []string{"203.0.113.9"}, "127.0.0.1"},
		{"trusted proxy", loopback, []string{"203.0.113.9"}, "203.0.113.9"},
		// A proxy that appends a line of its own (HAProxy's option
		// forwardfor) after the line the client sent: every line counts,
		// in order, so the client's forged line is not the answer.
		{"trusted proxy appending a line", loopback, []string{"203.0.113.66", "198.51.100.7"}, "198.51.100.7"},
		{"trusted proxies appending lines", loopback, []string{"203.0.113.66, 203.0.113.67", "198.51.100.7", "127.0.0.2"}, "198.51.100.7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := NewFixture(t)
			base := serve(t, App{Config: httpapi.Config{Service: f.Service, TrustedProxies: tc.proxies}})
			r := Do(t, base, "POST", "/auth/register", "", "application/json", `{"email":"new@example.com","password":"new-password"}`,
				func(req *http.Request) {
					for _, line := range tc.xff {
						req.Header.Add("X-Forwarded-For", line)
					}
					req.Header.Set("User-Agent", "ua/1")
				})
			if r.Status != http.StatusCreated {
				t.Fatalf("register: %d %s", r.Status, r.Body)
			}
			meta, host := f.Hooks.Last(t)
			if meta.ClientIP != tc.want || meta.UserAgent != "ua/1" || host != HostValue {
				t.Errorf("hook saw %+v and context value %v, want client %s, ua/1, %q", meta, host, tc.want, HostValue)
			}
		})
	}
}

func testBodyLimit(t *testing.T, serve Server) {
	f := NewFixture(t)
	base := serve(t, App{Config: httpapi.Config{Service: f.Service, MaxBodyBytes: 64}})
	for _, tc := range []struct{ size, status int }{{63, 422}, {64, 422}, {65, 413}, {100_000, 413}} {
		r := Do(t, base, "POST", "/auth/register", "", "text/plain", strings.Repeat("x", tc.size))
		if r.Status != tc.status {
			t.Errorf("%d-byte body: %d %s, want %d", tc.size, r.Status, r.Body, tc.status)
		}
	}
	// A body within the limit reaches the route intact.
	if r := Do(t, base, "POST", "/auth/register", "", "application/json", `{"email":"b@example.com","password":"b-password"}`); r.Status != http.StatusCreated {
		t.Errorf("register: %d %s", r.Status, r.Body)
	}
}

func testWrite(t *testing.T, serve Server) {
	f := NewFixture(t)
	base := serve(t, App{Config: httpapi.Config{Service: f.Service}})
	for i, tc := range WriteCases() {
		t.Run(tc.Name, func(t *testing.T) {
			r := Do(t, base, "GET", "/write/"+strconv.Itoa(i), "", "", "")
			if r.Status != tc.Resp.Status || r.Body != tc.Body {
				t.Errorf("%d %q, want %d %q", r.Status, r.Body, tc.Resp.Status, tc.Body)
			}
			if tc.CType != "" && !equal(r.Header.Values("Content-Type"), tc.CType) {
				t.Errorf("Content-Type %q, want exactly %q", r.Header.Values("Content-Type"), tc.CType)
			}
			if want := append([]string{PresetCookie}, tc.Cookies...); tc.Cookies != nil && strings.Join(r.Header.Values("Set-Cookie"), " ") != strings.Join(want, " ") {
				t.Errorf("Set-Cookie %q, want %q (the host's kept, the kit's added)", r.Header.Values("Set-Cookie"), want)
			}
		})
	}
}

// testHeaderDrift checks the kit's own routes and its middleware's
// refusals: every header the kit sends replaces the host's preset one.
func testHeaderDrift(t *testing.T, serve Server) {
	f := NewFixture(t)
	base := serve(t, App{Config: httpapi.Config{Service: f.Service}})
	for _, target := range []string{"/users/me", "/user"} {
		r := Do(t, base, "GET", target, "", "", "")
		if r.Status != http.StatusUnauthorized {
			t.Errorf("GET %s: %d, want 401", target, r.Status)
		}
		if !equal(r.Header.Values("Content-Type"), "application/json") || !equal(r.Header.Values("Cache-Control"), "no-store") {
			t.Errorf("GET %s: Content-Type %q, Cache-Control %q, want exactly application/json and no-store",
				target, r.Header.Values("Content-Type"), r.Header.Values("Cache-Control"))
		}
	}
}

// equal reports whether values is exactly the one value want.
func equal(values []string, want string) bool { return len(values) == 1 && values[0] == want }
