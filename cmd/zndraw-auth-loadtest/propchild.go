package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
//	GET  /bench/received?key=       when the feed last delivered a change of
//	                                that user id or jti (Unix ns, 0: never)

// propReady is the propagation child's first line on stdout.
type propReady struct {
	Addr  string `json:"addr"`
	Error string `json:"error,omitempty"`
}

// feedTap is the child's store with its change feed tapped: it records
// when each change was delivered, so that the harness can split the time
// a change takes into delivery and the rest.
type feedTap struct {
	core.Store
	mu   sync.Mutex
	seen map[string]int64 // user id or jti → Unix ns of the last delivery
}

// SubscribeChanges subscribes to the store's feed through the tap.
func (f *feedTap) SubscribeChanges(ctx context.Context, heartbeat time.Duration) (core.ChangeSubscription, error) {
	sub, err := f.Store.(core.ChangeFeed).SubscribeChanges(ctx, heartbeat)
	if err != nil {
		return nil, err
	}
	return tappedSubscription{sub, f}, nil
}

type tappedSubscription struct {
	core.ChangeSubscription
	f *feedTap
}

func (t tappedSubscription) Next(ctx context.Context) (core.Change, error) {
	ch, err := t.ChangeSubscription.Next(ctx)
	key := ch.JTI
	if ch.Kind == core.ChangeUser {
		key = ch.UserID.String()
	}
	if err == nil && key != "" {
		t.f.mu.Lock()
		t.f.seen[key] = time.Now().UnixNano()
		t.f.mu.Unlock()
	}
	return ch, err
}

// received returns when a change of key was last delivered.
func (f *feedTap) received(key string) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.seen[key]
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
	tap := &feedTap{Store: store, seen: map[string]int64{}}
	store = tap
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
		if err := svc.LogoutEverywhere(r.Context(), *u, core.RequestMeta{}); err != nil {
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
	mux.HandleFunc("GET /bench/received", func(w http.ResponseWriter, r *http.Request) {
		_, _ = fmt.Fprint(w, tap.received(r.URL.Query().Get("key")))
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
