// Package kittest starts the kit in process for tests: the net/http adapter
// on the memory store, with cheap password hashing and a clock the test
// moves by hand.
package kittest

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/client"
	"github.com/zincware/zndraw-auth-go/conformance"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
	"github.com/zincware/zndraw-auth-go/httpapi"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// Start is the time a server's clock reads when NewServer returns.
var Start = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

// Config is what NewServer varies.
type Config struct {
	// Settings are the Service's settings; nil means core.DefaultSettings()
	// (rate limits on).
	Settings *core.Settings
	// API is the route configuration; NewServer fills in its Service.
	API httpapi.Config
	// NotFound answers every path the kit does not serve with
	// nethttpauth.NotFoundHandler (the kit's JSON 404) rather than the
	// ServeMux's plain-text one.
	NotFound bool
	// TLS serves HTTPS (httptest.NewTLSServer) rather than plain HTTP.
	TLS bool
}

// Server is a running in-process kit.
type Server struct {
	// Service is the kit's Service, on a new memory store.
	Service *core.Service
	// Clock is the Service's clock, reading Start until the test moves it.
	Clock *conformance.ManualClock
	// Server serves the kit until the test ends.
	*httptest.Server
}

// NewServer starts the kit for cfg and closes it when t ends. The Service
// hashes with password.TestParams and logs nothing.
func NewServer(t testing.TB, cfg Config) *Server {
	t.Helper()
	settings := core.DefaultSettings()
	if cfg.Settings != nil {
		settings = *cfg.Settings
	}
	clock := conformance.NewManualClock(Start)
	svc, err := core.New(memstore.New(), settings,
		core.WithHasher(password.New(password.TestParams)),
		core.WithClock(clock),
		core.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatalf("kittest: core.New: %v", err)
	}
	t.Cleanup(func() { _ = svc.Close() })
	cfg.API.Service = svc
	kit, err := nethttpauth.New(cfg.API)
	if err != nil {
		t.Fatalf("kittest: nethttpauth.New: %v", err)
	}
	mux := http.NewServeMux()
	kit.Mount(mux)
	if cfg.NotFound {
		mux.Handle("/", nethttpauth.NotFoundHandler())
	}
	var srv *httptest.Server
	if cfg.TLS {
		srv = httptest.NewTLSServer(mux)
	} else {
		srv = httptest.NewServer(mux)
	}
	t.Cleanup(srv.Close)
	return &Server{Service: svc, Clock: clock, Server: srv}
}

// Token registers email with pw through the client and returns an access
// token of its login.
func (s *Server) Token(t testing.TB, email, pw string) string {
	t.Helper()
	c := client.New(s.URL, client.WithHTTPClient(s.Client()))
	if _, err := c.Register(t.Context(), email, pw); err != nil {
		t.Fatalf("kittest: register %s: %v", email, err)
	}
	tok, err := c.Login(t.Context(), email, pw)
	if err != nil {
		t.Fatalf("kittest: login %s: %v", email, err)
	}
	return tok
}

// DemoMux mounts kit and the conformance suite's demo routes (which stand
// for a host application's own routes behind the adapter's middleware) on
// a new ServeMux, with nethttpauth.NotFoundHandler for every other path.
func DemoMux(kit *nethttpauth.Kit) *http.ServeMux {
	mux := http.NewServeMux()
	kit.Mount(mux)
	hello := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, _ := core.UserFromContext(r.Context())
		nethttpauth.Write(w, httpapi.JSON(http.StatusOK, map[string]string{"message": "Hello " + user.Email + "!"}))
	})
	mux.Handle("GET /protected", kit.RequireUser(hello))
	mux.Handle("GET /protected/preset-headers", PresetHeaders(kit.RequireUser(hello)))
	mux.Handle("GET /protected/superuser", kit.RequireSuperuser(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := core.PrincipalFromContext(r.Context())
		nethttpauth.Write(w, httpapi.JSON(http.StatusOK, map[string]any{"user": httpapi.NewUserRead(p.User)}))
	})))
	mux.Handle("GET /protected/optional", kit.OptionalUser(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			User *httpapi.UserRead `json:"user"`
		}
		if user, ok := core.UserFromContext(r.Context()); ok {
			u := httpapi.NewUserRead(*user)
			body.User = &u
		}
		nethttpauth.Write(w, httpapi.JSON(http.StatusOK, body))
	})))
	mux.Handle("/", nethttpauth.NotFoundHandler())
	return mux
}

// PresetHeaders is the host middleware of the demo route
// /protected/preset-headers: it sets a Content-Type and a Cache-Control
// before the kit writes, as a host application's defaults would.
func PresetHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=60")
		next.ServeHTTP(w, r)
	})
}
