package client_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/client"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
	"github.com/zincware/zndraw-auth-go/httpapi"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// manualClock is a core.Clock that moves only when told to.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// server is an in-process kit on the memory store with a manual clock.
type server struct {
	svc   *core.Service
	clock *manualClock
	url   string
}

// newServer starts the kit behind the net/http adapter. Rate limits stay
// on, so the server enforces its 1 s poll interval against the manual
// clock.
func newServer(t *testing.T, cfg httpapi.Config) *server {
	t.Helper()
	clock := &manualClock{now: time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)}
	svc, err := core.New(memstore.New(), core.DefaultSettings(),
		core.WithHasher(password.New(password.TestParams)),
		core.WithClock(clock),
		core.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Service = svc
	kit, err := nethttpauth.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	kit.Mount(mux)
	mux.Handle("/", nethttpauth.NotFoundHandler())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &server{svc: svc, clock: clock, url: srv.URL}
}

// userToken registers email and logs it in.
func (s *server) userToken(t *testing.T, email string) string {
	t.Helper()
	c := client.New(s.url)
	if _, err := c.Register(t.Context(), email, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	tok, err := c.Login(t.Context(), email, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// fakeSleep is an injected sleep: it records the waits, moves the server's
// clock by them instead of sleeping, and runs a hook after every wait.
type fakeSleep struct {
	mu    sync.Mutex
	clock *manualClock
	waits []time.Duration
	after func(n int) // n counts the waits so far, from 1
}

func (f *fakeSleep) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	f.waits = append(f.waits, d)
	n := len(f.waits)
	f.mu.Unlock()
	if f.clock != nil {
		f.clock.Advance(d)
	}
	if f.after != nil {
		f.after(n)
	}
	return nil
}

func (f *fakeSleep) total() time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	var sum time.Duration
	for _, d := range f.waits {
		sum += d
	}
	return sum
}
