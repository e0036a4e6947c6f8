// Command fiber is the zndraw-auth example server on fiber v2: the same
// server as examples/nethttp (every router of the kit, reset and verify
// included, the approval page, /openapi.json and the four demo routes),
// mounted into a fiber app that already has a route of its own:
//
//	GET /healthz              {"status":"ok"}                (the host's own route)
//	GET /protected            {"message":"Hello <email>!"}   (active user)
//	GET /protected/superuser  the same, superusers only
//	GET /protected/optional   {"user": <UserRead or null>}
//	GET /protected/preset-headers  as /protected, behind host defaults the kit replaces
//
// Run it with
//
//	go run ./examples/fiber [-addr 127.0.0.1:8000] [-database-url sqlite:///zndraw-auth.db] [-outbox tokens.jsonl]
//
// with the flags of examples/nethttp. Settings come from the ZNDRAW_AUTH_*
// environment variables (see the README). The file is self-contained:
// copied into a module of your own it builds with only the kit's public
// packages and fiber.
package main

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"

	fiberauth "github.com/zincware/zndraw-auth-go/adapters/fiber"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/httpapi"
	"github.com/zincware/zndraw-auth-go/serve"
)

func main() { serve.Main("examples/fiber", run) }

// run serves until SIGINT or SIGTERM; every startup error is returned.
func run(ctx context.Context, flags *serve.Flags, logger *slog.Logger) error {
	store, closeStore, err := serve.OpenStore(ctx, flags.DatabaseURL, logger)
	if err != nil {
		return err
	}
	defer closeStore()
	cfg, err := flags.Config(ctx, store, core.Hooks{}, logger) // no hooks of our own; the Service logs security events itself
	if err != nil {
		return err
	}
	kit, err := fiberauth.New(cfg)
	if err != nil {
		return err
	}
	web := newApp(kit, serve.DefaultTimeouts())
	return serve.Run(ctx, flags.Addr, logger, web.Listener, web.ShutdownWithContext, cfg.Service)
}

// newApp is the host application: its own routes, the kit's routes and the
// demo routes behind the kit's middleware, with the limits t (fasthttp has
// no separate header timeout: its ReadTimeout covers the headers and the
// body).
func newApp(kit *fiberauth.Kit, t serve.Timeouts) *fiber.App {
	app := fiber.New(kit.AppConfig(fiber.Config{
		// The request line and headers must fit this buffer. Beyond it
		// fasthttp answers 431 and closes at once, and a client still
		// sending its headers may see a reset instead of the 431 (net/http
		// waits before closing; fasthttp does not). 128 KiB keeps a 100 KB
		// Authorization header a plain 401, like the other adapters.
		ReadBufferSize:        128 << 10,
		ReadTimeout:           t.Read,
		WriteTimeout:          t.Write,
		IdleTimeout:           t.Idle,
		DisableStartupMessage: true,
	}))
	app.Use(recover.New())
	app.Get("/healthz", func(c *fiber.Ctx) error { return c.JSON(fiber.Map{"status": "ok"}) })

	kit.Mount(app)

	hello := func(c *fiber.Ctx) error {
		user, _ := fiberauth.UserFromContext(c)
		return fiberauth.Write(c, httpapi.JSON(http.StatusOK, map[string]string{"message": "Hello " + user.Email + "!"}))
	}
	app.Get("/protected", kit.RequireUser(), hello)
	// Host defaults set before the kit writes: its answers replace them.
	presetHeaders := func(c *fiber.Ctx) error {
		c.Set("Content-Type", "text/plain; charset=utf-8")
		c.Set("Cache-Control", "public, max-age=60")
		return c.Next()
	}
	app.Get("/protected/preset-headers", presetHeaders, kit.RequireUser(), hello)
	app.Get("/protected/superuser", kit.RequireSuperuser(), hello)
	app.Get("/protected/optional", kit.OptionalUser(), func(c *fiber.Ctx) error {
		var user *httpapi.UserRead
		if u, ok := fiberauth.UserFromContext(c); ok {
			ur := httpapi.NewUserRead(*u)
			user = &ur
		}
		return fiberauth.Write(c, httpapi.JSON(http.StatusOK, map[string]*httpapi.UserRead{"user": user}))
	})

	// Last: every path nothing above matched.
	app.Use(fiberauth.NotFoundHandler())
	return app
}
