package fiberauth_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	fiberauth "github.com/zincware/zndraw-auth-go/adapters/fiber"
	"github.com/zincware/zndraw-auth-go/adapters/internal/adaptertest"
	"github.com/zincware/zndraw-auth-go/core"
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

// TestAdapter runs the behaviour every adapter shares. fiber's own proxy
// handling (ProxyHeader) is on, and must not matter.
func TestAdapter(t *testing.T) {
	adaptertest.Run(t, func(t *testing.T, a adaptertest.App) string {
		kit := newKit(t, a.Config)
		app := fiber.New(kit.AppConfig(quiet(fiber.Config{ProxyHeader: fiber.HeaderXForwardedFor})))
		app.Use(func(c *fiber.Ctx) error {
			c.Set("Content-Type", adaptertest.PresetContentType)
			c.Set("Cache-Control", adaptertest.PresetCacheControl)
			c.Set("Set-Cookie", adaptertest.PresetCookie)
			c.SetUserContext(context.WithValue(c.UserContext(), adaptertest.HostKey{}, adaptertest.HostValue))
			return c.Next()
		})
		var group fiber.Router = app
		if a.Prefix != "" {
			group = app.Group(a.Prefix)
		}
		group.Get("/healthz", func(c *fiber.Ctx) error { return c.SendString("ok") })
		kit.Mount(group)
		teapot := func(c *fiber.Ctx) error {
			native, fromContext := "", ""
			if u, ok := fiberauth.UserFromContext(c); ok {
				native = u.Email
			}
			if u, ok := core.UserFromContext(c.UserContext()); ok {
				fromContext = u.Email
			}
			if a.Seen != nil {
				a.Seen(native, fromContext)
			}
			return c.SendStatus(http.StatusTeapot)
		}
		app.Get("/user", kit.RequireUser(), teapot)
		app.Get("/super", kit.RequireSuperuser(), teapot)
		app.Get("/optional", kit.OptionalUser(), teapot)
		app.Get("/write/:i", func(c *fiber.Ctx) error {
			i, _ := strconv.Atoi(c.Params("i"))
			return fiberauth.Write(c, adaptertest.WriteCases()[i].Resp)
		})
		app.Use(fiberauth.NotFoundHandler())
		return fibertest.Serve(t, app)
	})
}

// TestMountIsCaseSensitive: AppConfig makes fiber route case-sensitively,
// like the other adapters.
func TestMountIsCaseSensitive(t *testing.T) {
	f := adaptertest.NewFixture(t)
	kit := newKit(t, httpapi.Config{Service: f.Service, Prefixes: httpapi.Prefixes{Users: "/accounts"}})
	app := fiber.New(kit.AppConfig(quiet(fiber.Config{})))
	kit.Mount(app.Group("/api"))
	app.Use(fiberauth.NotFoundHandler())
	if r := adaptertest.Do(t, fibertest.Serve(t, app), "GET", "/API/accounts/me", f.UserToken, "", ""); r.Status != 404 {
		t.Errorf("GET /API/accounts/me: %d %s, want 404", r.Status, r.Body)
	}
}

// TestStreamedBodyLimit: with StreamRequestBody, a body over the limit is
// answered 413 and the connection closed, so its unread rest is never
// parsed as the next request.
func TestStreamedBodyLimit(t *testing.T) {
	f := adaptertest.NewFixture(t)
	kit := newKit(t, httpapi.Config{Service: f.Service, MaxBodyBytes: 64})
	app := fiber.New(kit.AppConfig(quiet(fiber.Config{StreamRequestBody: true})))
	kit.Mount(app)
	base := fibertest.Serve(t, app)
	for _, tc := range []struct{ size, status int }{{63, 422}, {64, 422}, {65, 413}, {100_000, 413}} {
		r := adaptertest.Do(t, base, "POST", "/auth/register", "", "text/plain", strings.Repeat("x", tc.size))
		if r.Status != tc.status {
			t.Errorf("%d-byte body: %d %s, want %d", tc.size, r.Status, r.Body, tc.status)
		}
		if tc.status == 413 && !r.Close {
			t.Errorf("%d-byte streamed body: the connection stays open", tc.size)
		}
	}
	if r := adaptertest.Do(t, base, "POST", "/auth/register", "", "application/json", `{"email":"b@example.com","password":"b-password"}`); r.Status != http.StatusCreated {
		t.Errorf("register: %d %s", r.Status, r.Body)
	}
}

// TestNoDefaultContentType: fasthttp's default Content-Type is off, so a
// response without one (204) has none, as in net/http.
func TestNoDefaultContentType(t *testing.T) {
	app := fiber.New(quiet(fiber.Config{}))
	app.Get("/", func(c *fiber.Ctx) error { return fiberauth.Write(c, &httpapi.Response{Status: http.StatusNoContent}) })
	r := adaptertest.Do(t, fibertest.Serve(t, app), "GET", "/", "", "", "")
	if _, ok := r.Header["Content-Type"]; r.Status != http.StatusNoContent || ok {
		t.Errorf("%d with Content-Type %q, want 204 without one", r.Status, r.Header["Content-Type"])
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
				r := adaptertest.Do(t, base, "POST", "/admin/users/"+tc.raw+"/token", f.AdminToken, "", "")
				if r.Status != 422 || !strings.Contains(r.Body, `"input":`+want) {
					t.Errorf("user_id %s: %d %s, want a 422 with input %s", tc.raw, r.Status, r.Body, want)
				}
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
