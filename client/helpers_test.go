package client_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/zincware/zndraw-auth-go/conformance"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/httpapi"
	"github.com/zincware/zndraw-auth-go/internal/kittest"
)

// server is an in-process kit on the memory store with a manual clock.
type server struct {
	svc   *core.Service
	clock *conformance.ManualClock
	url   string
	kit   *kittest.Server
}

// newServer starts the kit behind the net/http adapter. Rate limits stay
// on, so the server enforces its 1 s poll interval against the manual
// clock.
func newServer(t *testing.T, cfg httpapi.Config) *server {
	t.Helper()
	k := kittest.NewServer(t, kittest.Config{API: cfg, NotFound: true})
	return &server{svc: k.Service, clock: k.Clock, url: k.URL, kit: k}
}

// userToken registers email and logs it in.
func (s *server) userToken(t *testing.T, email string) string {
	t.Helper()
	return s.kit.Token(t, email, "correct horse battery")
}

// fakeSleep is an injected sleep: it records the waits, moves the server's
// clock by them instead of sleeping, and runs a hook after every wait.
type fakeSleep struct {
	mu    sync.Mutex
	clock *conformance.ManualClock
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
