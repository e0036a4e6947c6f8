package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
	"github.com/zincware/zndraw-auth-go/httpapi"
	bunstore "github.com/zincware/zndraw-auth-go/storage/bun"
)

// The server of the propagation measurement: one OS process of the kit
// (net/http) on a database it shares with another one. It takes its
// secrets and admin from the ZNDRAW_AUTH_* environment the parent sets,
// hashes with password.TestParams (hashing is not what is measured), and
// adds three routes for the parent:
//
//	POST /bench/logout-everywhere   the caller's LogoutEverywhere (no HTTP route of the kit)
//	GET  /bench/outbox?kind=&email= the last reset or verification token sent
//	GET  /bench/feed                core.Service.ChangeFeedStatus as JSON

// propReady is the propagation child's first line on stdout.
type propReady struct {
	Addr  string `json:"addr"`
	Error string `json:"error,omitempty"`
}

// feedStatusJSON is /bench/feed's answer.
type feedStatusJSON struct {
	State         string `json:"state"`
	Subscriptions uint64 `json:"subscriptions"`
	Losses        uint64 `json:"losses"`
}

// servePropagationChild serves the kit on the database rawURL until stdin
// closes. With noFeed the store's change feed is hidden from the Service,
// which then runs as before the feed existed (UserCacheTTL).
func servePropagationChild(rawURL string, noFeed bool) error {
	out := json.NewEncoder(os.Stdout)
	fail := func(err error) error {
		_ = out.Encode(propReady{Error: err.Error()})
		return err
	}
	ctx := context.Background()
	settings, err := core.LoadSettingsFromEnv()
	if err != nil {
		return fail(err)
	}
	settings.RateLimit.Enabled = false
	db, err := bunstore.Open(ctx, rawURL)
	if err != nil {
		return fail(err)
	}
	defer db.Close()
	if err := bunstore.Migrate(ctx, db); err != nil {
		return fail(err)
	}
	var store core.Store = bunstore.New(db)
	if noFeed {
		store = struct{ core.Store }{store}
	}
	var (
		mu     sync.Mutex
		outbox = map[string]string{} // kind + " " + email → token
	)
	deliver := func(kind string) func(context.Context, core.User, string, core.RequestMeta) error {
		return func(_ context.Context, u core.User, token string, _ core.RequestMeta) error {
			mu.Lock()
			outbox[kind+" "+u.Email] = token
			mu.Unlock()
			return nil
		}
	}
	svc, err := core.New(store, settings,
		core.WithHasher(password.New(password.TestParams)),
		core.WithLogger(slog.New(slog.DiscardHandler)),
		core.WithHooks(core.Hooks{OnAfterForgotPassword: deliver("reset"), OnAfterRequestVerify: deliver("verify")}))
	if err != nil {
		return fail(err)
	}
	defer svc.Close()
	if err := svc.EnsureDefaultAdmin(ctx); err != nil {
		return fail(err)
	}
	kit, err := nethttpauth.New(httpapi.Config{Service: svc})
	if err != nil {
		return fail(err)
	}
	mux := http.NewServeMux()
	kit.Mount(mux)
	mux.Handle("POST /bench/logout-everywhere", kit.RequireUser(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := core.UserFromContext(r.Context())
		if err := svc.LogoutEverywhere(r.Context(), *u); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})))
	mux.HandleFunc("GET /bench/outbox", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		tok := outbox[r.URL.Query().Get("kind")+" "+r.URL.Query().Get("email")]
		mu.Unlock()
		if tok == "" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(tok))
	})
	mux.HandleFunc("GET /bench/feed", func(w http.ResponseWriter, _ *http.Request) {
		st := svc.ChangeFeedStatus()
		_ = json.NewEncoder(w).Encode(feedStatusJSON{State: st.State.String(), Subscriptions: st.Subscriptions, Losses: st.Losses})
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fail(err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	if err := out.Encode(propReady{Addr: ln.Addr().String()}); err != nil {
		return err
	}
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
	}
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	err = srv.Shutdown(sctx)
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}
