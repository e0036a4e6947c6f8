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
	"github.com/zincware/zndraw-auth-go/adapters/internal/adaptertest"
	"github.com/zincware/zndraw-auth-go/httpapi"
	"github.com/zincware/zndraw-auth-go/internal/fibertest"
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
	f := adaptertest.NewFixture(t)
	kit := newKit(t, httpapi.Config{Service: f.Service})
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
	base := fibertest.Serve(t, app)
	for _, tc := range adaptertest.MiddlewareCases(f) {
		mu.Lock()
		seen.called = false
		mu.Unlock()
		r := do(t, base, "GET", tc.Path, tc.Token, "", "")
		mu.Lock()
		called, email, ctxEmail := seen.called, seen.email, seen.ctxEml
		mu.Unlock()
		if r.status != tc.Status {
			t.Errorf("GET %s (%q): status %d, want %d", tc.Path, tc.Token, r.status, tc.Status)
			continue
		}
		if tc.Status != 418 {
			if called {
				t.Errorf("GET %s: the handler ran after a refusal", tc.Path)
			}
			if r.body != tc.Body || r.header.Get("Content-Type") != "application/json" {
				t.Errorf("GET %s: %q %s, want application/json %s", tc.Path, r.header.Get("Content-Type"), r.body, tc.Body)
			}
			continue
		}
		if email != tc.Email || ctxEmail != tc.Email {
			t.Errorf("GET %s: UserFromContext %q, UserFromUserContext %q, want %q", tc.Path, email, ctxEmail, tc.Email)
		}
	}
}

func TestMountUnderGroupAndPrefixes(t *testing.T) {
	f := adaptertest.NewFixture(t)
	kit := newKit(t, httpapi.Config{Service: f.Service, Prefixes: httpapi.Prefixes{Users: "/accounts", JWT: "/session"}})
	app := fiber.New(kit.AppConfig(quiet(fiber.Config{})))
	app.Get("/api/healthz", func(c *fiber.Ctx) error { return c.SendString("ok") })
	kit.Mount(app.Group("/api"))
	app.Use(fiberauth.NotFoundHandler())
	base := fibertest.Serve(t, app)
	for _, tc := range append(adaptertest.MountCases(f),
		adaptertest.MountCase{Method: "GET", Path: "/API/accounts/me", Token: f.UserToken, Status: 404},
	) {
		if r := do(t, base, tc.Method, tc.Path, tc.Token, "", ""); r.status != tc.Status {
			t.Errorf("%s %s: %d %s, want %d", tc.Method, tc.Path, r.status, r.body, tc.Status)
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
			f := adaptertest.NewFixture(t)
			kit := newKit(t, httpapi.Config{Service: f.Service, TrustedProxies: tc.proxies})
			// fiber's own proxy handling must not matter.
			app := fiber.New(kit.AppConfig(quiet(fiber.Config{ProxyHeader: fiber.HeaderXForwardedFor})))
			app.Use(func(c *fiber.Ctx) error {
				c.SetUserContext(context.WithValue(c.UserContext(), adaptertest.HostKey{}, "from the host"))
				return c.Next()
			})
			kit.Mount(app)
			base := fibertest.Serve(t, app)
			r := do(t, base, "POST", "/auth/register", "", "application/json", `{"email":"new@example.com","password":"new-password"}`,
				func(req *http.Request) {
					req.Header.Set("X-Forwarded-For", "203.0.113.9")
					req.Header.Set("User-Agent", "ua/1")
				})
			if r.status != http.StatusCreated {
				t.Fatalf("register: %d %s", r.status, r.body)
			}
			meta, host := f.Hooks.Last(t)
			if meta.ClientIP != tc.want || meta.UserAgent != "ua/1" || host != "from the host" {
				t.Errorf("hook saw %+v and context value %v, want client %s, ua/1, the host's value", meta, host, tc.want)
			}
		})
	}
}

func TestBodyLimit(t *testing.T) {
	for _, stream := range []bool{false, true} {
		t.Run(map[bool]string{false: "buffered", true: "streamed"}[stream], func(t *testing.T) {
			f := adaptertest.NewFixture(t)
			kit := newKit(t, httpapi.Config{Service: f.Service, MaxBodyBytes: 64})
			app := fiber.New(kit.AppConfig(quiet(fiber.Config{StreamRequestBody: stream})))
			kit.Mount(app)
			base := fibertest.Serve(t, app)
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
			f := adaptertest.NewFixture(t)
			kit := newKit(t, httpapi.Config{Service: f.Service})
			cfg := kit.AppConfig(quiet(fiber.Config{}))
			cfg.UnescapePath = unescape
			app := fiber.New(cfg)
			kit.Mount(app)
			base := fibertest.Serve(t, app)
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
				r := do(t, base, "POST", "/admin/users/"+tc.raw+"/token", f.AdminToken, "", "")
				if r.status != 422 || !strings.Contains(r.body, `"input":`+want) {
					t.Errorf("user_id %s: %d %s, want a 422 with input %s", tc.raw, r.status, r.body, want)
				}
			}
		})
	}
}

func TestWrite(t *testing.T) {
	for _, tc := range adaptertest.WriteCases() {
		t.Run(tc.Name, func(t *testing.T) {
			app := fiber.New(quiet(fiber.Config{}))
			app.Get("/", func(c *fiber.Ctx) error {
				if tc.CType != "" {
					c.Set("Content-Type", "text/html") // replaced by the response's own
				}
				return fiberauth.Write(c, tc.Resp)
			})
			r := do(t, fibertest.Serve(t, app), "GET", "/", "", "", "")
			if r.status != tc.Resp.Status || r.header.Get("Content-Type") != tc.CType || r.body != tc.Body {
				t.Errorf("%d %q %q, want %d %q %q", r.status, r.header.Get("Content-Type"), r.body, tc.Resp.Status, tc.CType, tc.Body)
			}
			if _, ok := r.header["Content-Type"]; tc.CType == "" && ok {
				t.Errorf("a Content-Type was added: %q", r.header["Content-Type"])
			}
			if tc.Cookies != nil && strings.Join(r.header.Values("Set-Cookie"), " ") != strings.Join(tc.Cookies, " ") {
				t.Errorf("Set-Cookie %q, want %q", r.header.Values("Set-Cookie"), tc.Cookies)
			}
		})
	}
}

func TestAppConfig(t *testing.T) {
	f := adaptertest.NewFixture(t)
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
			got := newKit(t, httpapi.Config{Service: f.Service, MaxBodyBytes: tc.maxBody}).AppConfig(tc.in)
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
