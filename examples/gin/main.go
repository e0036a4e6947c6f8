// Command gin is the zndraw-auth example server on gin: the same server as
// examples/nethttp (every router of the kit, reset and verify included, the
// approval page, /openapi.json and the four demo routes), mounted into a
// gin engine that already has a route of its own:
//
//	GET /healthz              {"status":"ok"}                (the host's own route)
//	GET /protected            {"message":"Hello <email>!"}   (active user)
//	GET /protected/superuser  the same, superusers only
//	GET /protected/optional   {"user": <UserRead or null>}
//	GET /protected/preset-headers  as /protected, behind host defaults the kit replaces
//
// Run it with
//
//	go run ./examples/gin [-addr 127.0.0.1:8000] [-database-url sqlite:///zndraw-auth.db] [-outbox tokens.jsonl]
//
// with the flags of examples/nethttp. Settings come from the ZNDRAW_AUTH_*
// environment variables (see the README); GIN_MODE selects gin's mode
// (release by default here). The file is self-contained: copied into a
// module of your own it builds with only the kit's public packages and gin.
package main

import (
	"context"
	"log/slog"
	"net/http"
	"os"

	"github.com/gin-gonic/gin"

	ginauth "github.com/zincware/zndraw-auth-go/adapters/gin"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/httpapi"
	"github.com/zincware/zndraw-auth-go/serve"
)

func main() {
	if os.Getenv(gin.EnvGinMode) == "" {
		gin.SetMode(gin.ReleaseMode)
	}
	serve.Main("examples/gin", run)
}

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
	kit, err := ginauth.New(cfg)
	if err != nil {
		return err
	}
	return serve.ListenAndServe(ctx, flags.Addr, serve.NewServer(newRouter(kit), serve.DefaultTimeouts()), logger, cfg.Service)
}

// newRouter is the host application: its own routes, the kit's routes and
// the demo routes behind the kit's middleware.
func newRouter(kit *ginauth.Kit) *gin.Engine {
	r := gin.New()
	r.Use(gin.Recovery())
	// Unknown paths with a trailing slash answer 404, as on net/http,
	// rather than gin's redirect.
	r.RedirectTrailingSlash = false
	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })

	kit.Mount(r)

	hello := func(c *gin.Context) {
		user, _ := ginauth.UserFromContext(c)
		ginauth.Write(c, httpapi.JSON(http.StatusOK, map[string]string{"message": "Hello " + user.Email + "!"}))
	}
	r.GET("/protected", kit.RequireUser(), hello)
	// Host defaults set before the kit writes: its answers replace them.
	presetHeaders := func(c *gin.Context) {
		c.Header("Content-Type", "text/plain; charset=utf-8")
		c.Header("Cache-Control", "public, max-age=60")
	}
	r.GET("/protected/preset-headers", presetHeaders, kit.RequireUser(), hello)
	r.GET("/protected/superuser", kit.RequireSuperuser(), hello)
	r.GET("/protected/optional", kit.OptionalUser(), func(c *gin.Context) {
		var user *httpapi.UserRead
		if u, ok := ginauth.UserFromContext(c); ok {
			ur := httpapi.NewUserRead(*u)
			user = &ur
		}
		ginauth.Write(c, httpapi.JSON(http.StatusOK, map[string]*httpapi.UserRead{"user": user}))
	})

	r.NoRoute(ginauth.NotFoundHandler())
	return r
}
