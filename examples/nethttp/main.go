// Command nethttp is a complete zndraw-auth server on net/http: every router
// of the kit (reset and verify included) plus three demo routes that show
// the middleware:
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
// Settings come from the ZNDRAW_AUTH_* environment variables (see the
// README).
package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/examples/internal/setup"
	"github.com/zincware/zndraw-auth-go/httpapi"
)

func main() {
	flags := setup.ParseFlags()
	app := setup.Must(setup.New(context.Background(), flags))
	defer app.Close()
	kit := setup.Must(nethttpauth.New(app.Config))
	mux := http.NewServeMux()
	kit.Mount(mux)
	mountDemo(mux, kit)
	mux.Handle("/", nethttpauth.NotFoundHandler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: 64 << 10}
	setup.Check(setup.Serve(flags.Addr, app.Logger, srv.Serve, srv.Shutdown))
}

// mountDemo adds the demo routes, protected by the kit's middleware.
func mountDemo(mux *http.ServeMux, kit *nethttpauth.Kit) {
	hello := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, _ := core.UserFromContext(r.Context())
		nethttpauth.Write(w, httpapi.JSON(http.StatusOK, map[string]string{"message": fmt.Sprintf("Hello %s!", user.Email)}))
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
}
