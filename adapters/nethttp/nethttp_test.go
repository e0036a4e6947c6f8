package nethttpauth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/zincware/zndraw-auth-go/adapters/internal/adaptertest"
	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/core"
)

// TestAdapter runs the behaviour every adapter shares.
func TestAdapter(t *testing.T) { adaptertest.Run(t, serve) }

// serve builds the App of adaptertest with net/http.
func serve(t *testing.T, app adaptertest.App) string {
	kit, err := nethttpauth.New(app.Config)
	if err != nil {
		t.Fatal(err)
	}
	root := http.NewServeMux()
	kitMux := root
	if app.Prefix != "" {
		kitMux = http.NewServeMux()
		kitMux.Handle("/", nethttpauth.NotFoundHandler())
		root.Handle(app.Prefix+"/", http.StripPrefix(app.Prefix, kitMux))
	}
	kit.Mount(kitMux)
	kitMux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	teapot := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		email := ""
		if u, ok := core.UserFromContext(r.Context()); ok {
			email = u.Email
		}
		if app.Seen != nil {
			app.Seen(email, email) // net/http's own accessor is the context
		}
		w.WriteHeader(http.StatusTeapot)
	})
	root.Handle("GET /user", kit.RequireUser(teapot))
	root.Handle("GET /super", kit.RequireSuperuser(teapot))
	root.Handle("GET /optional", kit.OptionalUser(teapot))
	root.HandleFunc("GET /write/{i}", func(w http.ResponseWriter, r *http.Request) {
		i, _ := strconv.Atoi(r.PathValue("i"))
		nethttpauth.Write(w, adaptertest.WriteCases()[i].Resp)
	})
	root.Handle("/", nethttpauth.NotFoundHandler())
	host := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", adaptertest.PresetContentType)
		w.Header().Set("Cache-Control", adaptertest.PresetCacheControl)
		w.Header().Set("Set-Cookie", adaptertest.PresetCookie)
		root.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), adaptertest.HostKey{}, adaptertest.HostValue)))
	})
	srv := httptest.NewServer(host)
	t.Cleanup(srv.Close)
	return srv.URL
}
