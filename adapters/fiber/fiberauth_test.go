package fiberauth_test

import (
	"context"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/gofiber/fiber/v2"

	fiberauth "github.com/zincware/zndraw-auth-go/adapters/fiber"
	"github.com/zincware/zndraw-auth-go/httpapi"
)

func newKit(t *testing.T, cfg httpapi.Config) *fiberauth.Kit {
	t.Helper()
	kit, err := fiberauth.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return kit
}

func quiet(cfg fiber.Config) fiber.Config {
	cfg.DisableStartupMessage = true
	return cfg
}

func TestMiddleware(t *testing.T) {
	f := newFixture(t)
	kit := newKit(t, httpapi.Config{Service: f.svc})
	app := fiber.New(kit.AppConfig(quiet(fiber.Config{})))
	var mu sync.Mutex
	var seen struct {
		called        bool
		email, ctxEml string
	}
	handler := func(c *fiber.Ctx) error {
		mu.Lock()
		defer mu.Unlock()
		seen.called = true
		seen.email, seen.ctxEml = "", ""
		if u, ok := fiberauth.UserFromContext(c); ok {
			seen.email = u.Email
		}
		if u, ok := fiberauth.UserFromUserContext(c.UserContext()); ok {
			seen.ctxEml = u.Email
		}
		p, ok := fiberauth.PrincipalFromContext(c)
		up, uok := fiberauth.PrincipalFromUserContext(c.UserContext())
		if ok != uok || p != up {
			t.Errorf("PrincipalFromContext %v %v, PrincipalFromUserContext %v %v", p, ok, up, uok)
		}
		return c.SendStatus(http.StatusTeapot)
	}
	app.Get("/user", kit.RequireUser(), handler)
	app.Get("/super", kit.RequireSuperuser(), handler)
	app.Get("/optional", kit.OptionalUser(), handler)
	base := serve(t, app)
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
		mu.Lock()
		seen.called = false
		mu.Unlock()
		r := do(t, base, "GET", tc.path, tc.token, "", "")
		mu.Lock()
		called, email, ctxEmail := seen.called, seen.email, seen.ctxEml
		mu.Unlock()
		if r.status != tc.status {
			t.Errorf("GET %s (%q): status %d, want %d", tc.path, tc.token, r.status, tc.status)
			continue
		}
		if tc.status != 418 {
			if called {
				t.Errorf("GET %s: the handler ran after a refusal", tc.path)
			}
			if r.body != tc.body || r.header.Get("Content-Type") != "application/json" {
				t.Errorf("GET %s: %q %s, want application/json %s", tc.path, r.header.Get("Content-Type"), r.body, tc.body)
			}
			continue
		}
		if email != tc.email || ctxEmail != tc.email {
			t.Errorf("GET %s: UserFromContext %q, UserFromUserContext %q, want %q", tc.path, email, ctxEmail, tc.email)
		}
	}
}

func TestMountUnderGroupAndPrefixes(t *testing.T) {
	f := newFixture(t)
	kit := newKit(t, httpapi.Config{Service: f.svc, Prefixes: httpapi.Prefixes{Users: "/accounts", JWT: "/session"}})
	app := fiber.New(kit.AppConfig(quiet(fiber.Config{})))
	app.Get("/api/healthz", func(c *fiber.Ctx) error { return c.SendString("ok") })
	kit.Mount(app.Group("/api"))
	app.Use(fiberauth.NotFoundHandler())
	base := serve(t, app)
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
		{"GET", "/API/accounts/me", f.userToken, 404},
	} {
		if r := do(t, base, tc.method, tc.path, tc.token, "", ""); r.status != tc.status {
			t.Errorf("%s %s: %d %s, want %d", tc.method, tc.path, r.status, r.body, tc.status)
		}
	}
}

func TestRequestContextAndClientIP(t *testing.T) {
	for _, tc := range []struct {
		name    string
		proxies []netip.Prefix
		want    string
	}{
		{"untrusted peer", nil, "127.0.0.1"},
		{"trusted proxy", []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, "203.0.113.9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			kit := newKit(t, httpapi.Config{Service: f.svc, TrustedProxies: tc.proxies})
			// fiber's own proxy handling must not matter.
			app := fiber.New(kit.AppConfig(quiet(fiber.Config{ProxyHeader: fiber.HeaderXForwardedFor})))
			app.Use(func(c *fiber.Ctx) error {
				c.SetUserContext(context.WithValue(c.UserContext(), hostKey{}, "from the host"))
				return c.Next()
			})
			kit.Mount(app)
			base := serve(t, app)
			r := do(t, base, "POST", "/auth/register", "", "application/json", `{"email":"new@example.com","password":"new-password"}`,
				func(req *http.Request) {
					req.Header.Set("X-Forwarded-For", "203.0.113.9")
					req.Header.Set("User-Agent", "ua/1")
				})
			if r.status != http.StatusCreated {
				t.Fatalf("register: %d %s", r.status, r.body)
			}
			meta, host := f.hooks.last(t)
			if meta.ClientIP != tc.want || meta.UserAgent != "ua/1" || host != "from the host" {
				t.Errorf("hook saw %+v and context value %v, want client %s, ua/1, the host's value", meta, host, tc.want)
			}
		})
	}
}

func TestBodyLimit(t *testing.T) {
	for _, stream := range []bool{false, true} {
		t.Run(map[bool]string{false: "buffered", true: "streamed"}[stream], func(t *testing.T) {
			f := newFixture(t)
			kit := newKit(t, httpapi.Config{Service: f.svc, MaxBodyBytes: 64})
			app := fiber.New(kit.AppConfig(quiet(fiber.Config{StreamRequestBody: stream})))
			kit.Mount(app)
			base := serve(t, app)
			for _, tc := range []struct {
				size   int
				status int
			}{
				{63, 422}, {64, 422}, {65, 413}, {100_000, 413},
			} {
				r := do(t, base, "POST", "/auth/register", "", "text/plain", strings.Repeat("x", tc.size))
				if r.status != tc.status {
					t.Errorf("%d-byte body: %d %s, want %d", tc.size, r.status, r.body, tc.status)
				}
				// An unread rest of a streamed body must not be parsed as
				// the next request.
				if stream && tc.status == 413 && !r.close {
					t.Errorf("%d-byte streamed body: the connection stays open", tc.size)
				}
			}
			// A body within the limit reaches the route intact.
			r := do(t, base, "POST", "/auth/register", "", "application/json", `{"email":"b@example.com","password":"b-password"}`)
			if r.status != http.StatusCreated {
				t.Errorf("register: %d %s", r.status, r.body)
			}
		})
	}
}

func TestPathParametersDecodedOnce(t *testing.T) {
	for _, unescape := range []bool{false, true} {
		t.Run(map[bool]string{false: "raw", true: "UnescapePath"}[unescape], func(t *testing.T) {
			f := newFixture(t)
			kit := newKit(t, httpapi.Config{Service: f.svc})
			cfg := kit.AppConfig(quiet(fiber.Config{}))
			cfg.UnescapePath = unescape
			app := fiber.New(cfg)
			kit.Mount(app)
			base := serve(t, app)
			for _, tc := range []struct{ raw, input, unescaped string }{
				{"abc", `"abc"`, ""},
				{"%41", `"A"`, ""},
				{"%2541", `"%41"`, ""},
				{"a+b", `"a+b"`, `"a b"`}, // fiber's UnescapePath uses query rules
				{"%E2%82%AC", `"€"`, ""},
			} {
				want := tc.input
				if unescape && tc.unescaped != "" {
					want = tc.unescaped
				}
				r := do(t, base, "POST", "/admin/users/"+tc.raw+"/token", f.adminToken, "", "")
				if r.status != 422 || !strings.Contains(r.body, `"input":`+want) {
					t.Errorf("user_id %s: %d %s, want a 422 with input %s", tc.raw, r.status, r.body, want)
				}
			}
		})
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
			app := fiber.New(quiet(fiber.Config{}))
			app.Get("/", func(c *fiber.Ctx) error {
				if tc.ctype != "" {
					c.Set("Content-Type", "text/html") // replaced by the response's own
				}
				return fiberauth.Write(c, tc.resp)
			})
			r := do(t, serve(t, app), "GET", "/", "", "", "")
			if r.status != tc.resp.Status || r.header.Get("Content-Type") != tc.ctype || r.body != tc.body {
				t.Errorf("%d %q %q, want %d %q %q", r.status, r.header.Get("Content-Type"), r.body, tc.resp.Status, tc.ctype, tc.body)
			}
			if _, ok := r.header["Content-Type"]; tc.ctype == "" && ok {
				t.Errorf("a Content-Type was added: %q", r.header["Content-Type"])
			}
			if tc.cookies != nil && strings.Join(r.header.Values("Set-Cookie"), " ") != strings.Join(tc.cookies, " ") {
				t.Errorf("Set-Cookie %q, want %q", r.header.Values("Set-Cookie"), tc.cookies)
			}
		})
	}
}

func TestAppConfig(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name      string
		maxBody   int64
		in        fiber.Config
		wantLimit int
	}{
		{"defaults", 0, fiber.Config{}, fiber.DefaultBodyLimit},
		{"small fiber limit raised", 0, fiber.Config{BodyLimit: 1000}, httpapi.DefaultMaxBodyBytes},
		{"larger fiber limit kept", 0, fiber.Config{BodyLimit: 8 << 20}, 8 << 20},
		{"kit limit above fiber's default", 16 << 20, fiber.Config{}, 16 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.in.AppName = "host"
			tc.in.UnescapePath = true
			tc.in.ReadBufferSize = 12345
			got := newKit(t, httpapi.Config{Service: f.svc, MaxBodyBytes: tc.maxBody}).AppConfig(tc.in)
			if !got.StrictRouting || !got.CaseSensitive || got.UnescapePath || !got.DisablePreParseMultipartForm || got.BodyLimit != tc.wantLimit {
				t.Errorf("StrictRouting %v CaseSensitive %v UnescapePath %v DisablePreParseMultipartForm %v BodyLimit %d, want true true false true %d",
					got.StrictRouting, got.CaseSensitive, got.UnescapePath, got.DisablePreParseMultipartForm, got.BodyLimit, tc.wantLimit)
			}
			if got.AppName != "host" || got.ReadBufferSize != 12345 {
				t.Errorf("other fields changed: AppName %q ReadBufferSize %d", got.AppName, got.ReadBufferSize)
			}
		})
	}
}
