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
	f := newFixture(t)
	kit, err := ginauth.New(httpapi.Config{Service: f.svc})
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
	for _, tc := range []struct {
		path, token string
		status      int
		body        string // of a refusal
		email       string // seen by the handler; "" anonymous
	}{
		{"/user", "", 401, `{"detail":"Unauthorized"}`, ""},
		{"/user", "garbage", 401, `{"detail":"Unauthorized"}`, ""},
		{"/user", f.userToken, 418, "", userEmail},
		{"/user", f.adminToken, 418, "", adminEmail},
		{"/super", "", 401, `{"detail":"Unauthorized"}`, ""},
		{"/super", f.userToken, 403, `{"detail":"Forbidden"}`, ""},
		{"/super", f.adminToken, 418, "", adminEmail},
		{"/optional", "", 418, "", ""},
		{"/optional", "garbage", 418, "", ""},
		{"/optional", f.userToken, 418, "", userEmail},
	} {
		seen.called = false
		w := do(r, "GET", tc.path, tc.token, "", "")
		if w.Code != tc.status {
			t.Errorf("GET %s (%q): status %d, want %d", tc.path, tc.token, w.Code, tc.status)
			continue
		}
		if tc.status != 418 {
			if seen.called {
				t.Errorf("GET %s: the handler ran after a refusal", tc.path)
			}
			if w.Body.String() != tc.body || w.Header().Get("Content-Type") != "application/json" {
				t.Errorf("GET %s: %q %s, want application/json %s", tc.path, w.Header().Get("Content-Type"), w.Body, tc.body)
			}
			continue
		}
		if seen.email != tc.email || seen.ctxEml != tc.email {
			t.Errorf("GET %s: UserFromContext %q, UserFromRequestContext %q, want %q", tc.path, seen.email, seen.ctxEml, tc.email)
		}
	}
}

func TestMountUnderGroupAndPrefixes(t *testing.T) {
	f := newFixture(t)
	kit, err := ginauth.New(httpapi.Config{Service: f.svc, Prefixes: httpapi.Prefixes{Users: "/accounts", JWT: "/session"}})
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	r.RedirectTrailingSlash = false
	r.GET("/api/healthz", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
	kit.Mount(r.Group("/api"))
	r.NoRoute(ginauth.NotFoundHandler())
	for _, tc := range []struct {
		method, path, token string
		status              int
	}{
		{"GET", "/api/accounts/me", f.userToken, 200},
		{"GET", "/api/accounts/me", "", 401},
		{"PUT", "/api/accounts/me", "", 405},
		{"POST", "/api/session/logout", "", 401},
		{"GET", "/api/healthz", "", 200},
		{"GET", "/api/users/me", f.userToken, 404},
		{"GET", "/accounts/me", f.userToken, 404},
		{"POST", "/api/session/login/", "", 404},
	} {
		if w := do(r, tc.method, tc.path, tc.token, "", ""); w.Code != tc.status {
			t.Errorf("%s %s: %d %s, want %d", tc.method, tc.path, w.Code, w.Body, tc.status)
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
			f := newFixture(t)
			kit, err := ginauth.New(httpapi.Config{Service: f.svc, TrustedProxies: tc.proxies})
			if err != nil {
				t.Fatal(err)
			}
			r := gin.New()
			r.Use(func(c *gin.Context) {
				c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), hostKey{}, "from the host"))
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
			meta, host := f.hooks.last(t)
			if meta.ClientIP != tc.want || meta.UserAgent != "ua/1" || host != "from the host" {
				t.Errorf("hook saw %+v and context value %v, want client %s, ua/1, the host's value", meta, host, tc.want)
			}
		})
	}
}

func TestBodyLimit(t *testing.T) {
	f := newFixture(t)
	kit, err := ginauth.New(httpapi.Config{Service: f.svc, MaxBodyBytes: 64})
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
	for _, tc := range []struct {
		name    string
		resp    *httpapi.Response
		ctype   string
		cookies []string
		body    string
	}{
		{"json", httpapi.JSON(http.StatusOK, map[string]string{"a": "<b>"}), "application/json", nil, `{"a":"<b>"}`},
		{"204", &httpapi.Response{Status: http.StatusNoContent, Headers: []httpapi.Header{{Name: "Cache-Control", Value: "no-store"}}}, "", nil, ""},
		{"repeated", &httpapi.Response{Status: http.StatusOK, Headers: []httpapi.Header{
			{Name: "Content-Type", Value: "application/json"}, {Name: "Set-Cookie", Value: "a=1"}, {Name: "Set-Cookie", Value: "b=2"},
		}, Body: []byte(`{}`)}, "application/json", []string{"a=1", "b=2"}, `{}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := gin.New()
			r.GET("/", func(c *gin.Context) {
				c.Header("Set-Cookie", "stale=1") // replaced by the response's own
				ginauth.Write(c, tc.resp)
			})
			w := do(r, "GET", "/", "", "", "")
			if w.Code != tc.resp.Status || w.Header().Get("Content-Type") != tc.ctype || w.Body.String() != tc.body {
				t.Errorf("%d %q %q, want %d %q %q", w.Code, w.Header().Get("Content-Type"), w.Body, tc.resp.Status, tc.ctype, tc.body)
			}
			if _, ok := w.Header()["Content-Type"]; tc.ctype == "" && ok {
				t.Errorf("a Content-Type was added: %q", w.Header()["Content-Type"])
			}
			if tc.cookies != nil && strings.Join(w.Header().Values("Set-Cookie"), " ") != strings.Join(tc.cookies, " ") {
				t.Errorf("Set-Cookie %q, want %q", w.Header().Values("Set-Cookie"), tc.cookies)
			}
		})
	}
}
