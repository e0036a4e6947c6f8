// Command nethttp is a complete zndraw-auth server on net/http: every
// router of the kit (reset and verify included), the CLI login's approval
// page, the OpenAPI document at /openapi.json, and four demo routes that
// show the middleware:
//
//	GET /protected            {"message":"Hello <email>!"}   (active user)
//	GET /protected/superuser  the same, superusers only
//	GET /protected/optional   {"user": <UserRead or null>}
//	GET /protected/preset-headers  as /protected, behind host defaults the kit replaces
//
// Run it with
//
//	go run ./examples/nethttp [-addr 127.0.0.1:8000] [-database-url sqlite:///zndraw-auth.db] [-outbox tokens.jsonl]
//
// -approval-page=false, -openapi=false and -register=false turn those parts
// off; -version prints the version. Settings come from the ZNDRAW_AUTH_*
// environment variables (see the README).
//
// The file is self-contained: copied into a module of your own it builds
// with only the kit's public packages.
package main

import (
	"context"
	"log/slog"
	"net/http"

	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/httpapi"
	"github.com/zincware/zndraw-auth-go/serve"
)

func main() { serve.Main("examples/nethttp", run) }

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
	kit, err := nethttpauth.New(cfg)
	if err != nil {
		return err
	}
	return serve.ListenAndServe(ctx, flags.Addr, serve.NewServer(newMux(kit), serve.DefaultTimeouts()), logger, cfg.Service)
}

// newMux mounts the kit, the demo routes behind its middleware, and the
// kit's JSON 404 for every other path.
func newMux(kit *nethttpauth.Kit) *http.ServeMux {
	mux := http.NewServeMux()
	kit.Mount(mux)
	hello := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, _ := core.UserFromContext(r.Context())
		nethttpauth.Write(w, httpapi.JSON(http.StatusOK, map[string]string{"message": "Hello " + user.Email + "!"}))
	})
	mux.Handle("GET /protected", kit.RequireUser(hello))
	// Host defaults set before the kit writes: its answers replace them.
	presetHeaders := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Header().Set("Cache-Control", "public, max-age=60")
			next.ServeHTTP(w, r)
		})
	}
	mux.Handle("GET /protected/preset-headers", presetHeaders(kit.RequireUser(hello)))
	mux.Handle("GET /protected/superuser", kit.RequireSuperuser(hello))
	mux.Handle("GET /protected/optional", kit.OptionalUser(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var user *httpapi.UserRead
		if u, ok := core.UserFromContext(r.Context()); ok {
			ur := httpapi.NewUserRead(*u)
			user = &ur
		}
		nethttpauth.Write(w, httpapi.JSON(http.StatusOK, map[string]*httpapi.UserRead{"user": user}))
	})))
	mux.Handle("/", nethttpauth.NotFoundHandler())
	return mux
}
