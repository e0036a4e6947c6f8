// Command fiber is the zndraw-auth example server on fiber v2: the same
// server as examples/nethttp (every router of the kit, reset and verify
// included, and the three demo routes), mounted into a fiber app that
// already has a route of its own:
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
// Settings come from the ZNDRAW_AUTH_* environment variables (see the
// README).
package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"

	fiberauth "github.com/zincware/zndraw-auth-go/adapters/fiber"
	"github.com/zincware/zndraw-auth-go/examples/internal/setup"
	"github.com/zincware/zndraw-auth-go/httpapi"
)

func main() {
	flags := setup.ParseFlags()
	app := setup.Must(setup.New(context.Background(), flags))
	defer app.Close()
	kit := setup.Must(fiberauth.New(app.Config))
	web := newApp(kit)
	setup.Check(setup.Serve(flags.Addr, app.Logger, web.Listener, web.ShutdownWithContext))
}

// newApp is the host application: its own routes, the kit's routes and the
// demo routes behind the kit's middleware.
func newApp(kit *fiberauth.Kit) *fiber.App {
	app := fiber.New(kit.AppConfig(fiber.Config{
		// The request line and headers must fit this buffer. Beyond it
		// fasthttp answers 431 and closes at once, and a client still
		// sending its headers may see a reset instead of the 431 (net/http
		// waits before closing; fasthttp does not). 128 KiB keeps a 100 KB
		// Authorization header a plain 401, like the other adapters.
		ReadBufferSize: 128 << 10,
		// fasthttp's ReadTimeout covers the whole request, body included.
		ReadTimeout:           30 * time.Second,
		IdleTimeout:           2 * time.Minute,
		DisableStartupMessage: true,
	}))
	app.Use(recover.New())
	app.Get("/healthz", func(c *fiber.Ctx) error { return c.JSON(fiber.Map{"status": "ok"}) })

	kit.Mount(app)

	hello := func(c *fiber.Ctx) error {
		user, _ := fiberauth.UserFromContext(c)
		return fiberauth.Write(c, httpapi.JSON(http.StatusOK, map[string]string{"message": fmt.Sprintf("Hello %s!", user.Email)}))
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
