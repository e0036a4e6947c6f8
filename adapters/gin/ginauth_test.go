package ginauth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	ginauth "github.com/zincware/zndraw-auth-go/adapters/gin"
	"github.com/zincware/zndraw-auth-go/adapters/internal/adaptertest"
	"github.com/zincware/zndraw-auth-go/httpapi"
)

// do serves one request on h and returns the recorded answer.
func do(h http.Handler, method, target, token, ctype, body string, edit ...func(*http.Request)) *httptest.ResponseRecorder {
	var rd *strings.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	var req *http.Request
	if rd != nil {
		req = httptest.NewRequest(method, target, rd)
	} else {
		req = httptest.NewRequest(method, target, nil)
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
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func TestMiddleware(t *testing.T) {
	f := adaptertest.NewFixture(t)
	kit, err := ginauth.New(httpapi.Config{Service: f.Service})
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	var seen struct {
		called        bool
		email, ctxEml string
	}
	handler := func(c *gin.Context) {
		seen.called = true
		seen.email, seen.ctxEml = "", ""
		if u, ok := ginauth.UserFromContext(c); ok {
			seen.email = u.Email
		}
		if u, ok := ginauth.UserFromRequestContext(c.Request.Context()); ok {
			seen.ctxEml = u.Email
		}
		p, ok := ginauth.PrincipalFromContext(c)
		rp, rok := ginauth.PrincipalFromRequestContext(c.Request.Context())
		if ok != rok || p != rp {
			t.Errorf("PrincipalFromContext %v %v, PrincipalFromRequestContext %v %v", p, ok, rp, rok)
		}
		c.Status(http.StatusTeapot)
	}
	r.GET("/user", kit.RequireUser(), handler)
	r.GET("/super", kit.RequireSuperuser(), handler)
	r.GET("/optional", kit.OptionalUser(), handler)
	for _, tc := range adaptertest.MiddlewareCases(f) {
		seen.called = false
		w := do(r, "GET", tc.Path, tc.Token, "", "")
		if w.Code != tc.Status {
			t.Errorf("GET %s (%q): status %d, want %d", tc.Path, tc.Token, w.Code, tc.Status)
			continue
		}
		if tc.Status != 418 {
			if seen.called {
				t.Errorf("GET %s: the handler ran after a refusal", tc.Path)
			}
			if w.Body.String() != tc.Body || w.Header().Get("Content-Type") != "application/json" {
				t.Errorf("GET %s: %q %s, want application/json %s", tc.Path, w.Header().Get("Content-Type"), w.Body, tc.Body)
			}
			continue
		}
		if seen.email != tc.Email || seen.ctxEml != tc.Email {
			t.Errorf("GET %s: UserFromContext %q, UserFromRequestContext %q, want %q", tc.Path, seen.email, seen.ctxEml, tc.Email)
		}
	}
}

func TestMountUnderGroupAndPrefixes(t *testing.T) {
	f := adaptertest.NewFixture(t)
	kit, err := ginauth.New(httpapi.Config{Service: f.Service, Prefixes: httpapi.Prefixes{Users: "/accounts", JWT: "/session"}})
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	r.RedirectTrailingSlash = false
	r.GET("/api/healthz", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
	kit.Mount(r.Group("/api"))
	r.NoRoute(ginauth.NotFoundHandler())
	for _, tc := range adaptertest.MountCases(f) {
		if w := do(r, tc.Method, tc.Path, tc.Token, "", ""); w.Code != tc.Status {
			t.Errorf("%s %s: %d %s, want %d", tc.Method, tc.Path, w.Code, w.Body, tc.Status)
		}
	}
}

func TestRequestContextAndClientIP(t *testing.T) {
	for _, tc := range []struct {
		name    string
		proxies []netip.Prefix
		want    string
	}{
		// gin's ClientIP would believe X-Forwarded-For here; the kit must not.
		{"untrusted peer", nil, "192.0.2.1"},
		{"trusted proxy", []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}, "203.0.113.9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := adaptertest.NewFixture(t)
			kit, err := ginauth.New(httpapi.Config{Service: f.Service, TrustedProxies: tc.proxies})
			if err != nil {
				t.Fatal(err)
			}
			r := gin.New()
			r.Use(func(c *gin.Context) {
				c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), adaptertest.HostKey{}, "from the host"))
			})
			kit.Mount(r)
			w := do(r, "POST", "/auth/register", "", "application/json", `{"email":"new@example.com","password":"new-password"}`,
				func(req *http.Request) {
					req.RemoteAddr = "192.0.2.1:4711"
					req.Header.Set("X-Forwarded-For", "203.0.113.9")
					req.Header.Set("User-Agent", "ua/1")
				})
			if w.Code != http.StatusCreated {
				t.Fatalf("register: %d %s", w.Code, w.Body)
			}
			meta, host := f.Hooks.Last(t)
			if meta.ClientIP != tc.want || meta.UserAgent != "ua/1" || host != "from the host" {
				t.Errorf("hook saw %+v and context value %v, want client %s, ua/1, the host's value", meta, host, tc.want)
			}
		})
	}
}

func TestBodyLimit(t *testing.T) {
	f := adaptertest.NewFixture(t)
	kit, err := ginauth.New(httpapi.Config{Service: f.Service, MaxBodyBytes: 64})
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	kit.Mount(r)
	for _, tc := range []struct {
		size   int
		status int
	}{
		{63, 422}, {64, 422}, {65, 413}, {10_000, 413},
	} {
		w := do(r, "POST", "/auth/register", "", "text/plain", strings.Repeat("x", tc.size))
		if w.Code != tc.status {
			t.Errorf("%d-byte body: %d %s, want %d", tc.size, w.Code, w.Body, tc.status)
		}
	}
}

func TestWrite(t *testing.T) {
	for _, tc := range adaptertest.WriteCases() {
		t.Run(tc.Name, func(t *testing.T) {
			r := gin.New()
			r.GET("/", func(c *gin.Context) {
				c.Header("Set-Cookie", "stale=1") // replaced by the response's own
				ginauth.Write(c, tc.Resp)
			})
			w := do(r, "GET", "/", "", "", "")
			if w.Code != tc.Resp.Status || w.Header().Get("Content-Type") != tc.CType || w.Body.String() != tc.Body {
				t.Errorf("%d %q %q, want %d %q %q", w.Code, w.Header().Get("Content-Type"), w.Body, tc.Resp.Status, tc.CType, tc.Body)
			}
			if _, ok := w.Header()["Content-Type"]; tc.CType == "" && ok {
				t.Errorf("a Content-Type was added: %q", w.Header()["Content-Type"])
			}
			if tc.Cookies != nil && strings.Join(w.Header().Values("Set-Cookie"), " ") != strings.Join(tc.Cookies, " ") {
				t.Errorf("Set-Cookie %q, want %q", w.Header().Values("Set-Cookie"), tc.Cookies)
			}
		})
	}
}
