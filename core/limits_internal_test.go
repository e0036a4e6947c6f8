package core

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestMilestone(t *testing.T) {
	var logged []int64
	for n := int64(1); n <= 20000; n++ {
		if milestone(n) {
			logged = append(logged, n)
		}
	}
	want := []int64{1, 10, 100, 1000, 10000}
	if len(logged) != len(want) {
		t.Fatalf("milestones up to 20000: %v, want %v", logged, want)
	}
	for i := range want {
		if logged[i] != want[i] {
			t.Fatalf("milestones up to 20000: %v, want %v", logged, want)
		}
	}
}

// TestLoginBudgets pins how the account's budget is split between
// familiar sources and everyone else.
func TestLoginBudgets(t *testing.T) {
	for _, tc := range []struct {
		total, perFamiliar, familiar int
		wantFamiliar, wantShared     int
	}{
		{100, 10, 5, 10, 50}, // the defaults
		{100, 30, 5, 10, 50}, // the familiar sources get at most half
		{20, 2, 5, 2, 10},
		{9, 10, 5, 0, 9}, // too small to give each one: off
		{100, 0, 5, 0, 100},
		{100, 10, 0, 0, 100},
		{0, 10, 5, 0, 0},
	} {
		r := RateLimitSettings{LoginFailuresPerAccountPerHour: tc.total, LoginFailuresPerFamiliarSourcePerHour: tc.perFamiliar, FamiliarSourcesPerAccount: tc.familiar}
		if f, s := r.LoginBudgets(); f != tc.wantFamiliar || s != tc.wantShared {
			t.Errorf("total %d, %d per familiar source, %d sources: familiar %d, shared %d; want %d, %d",
				tc.total, tc.perFamiliar, tc.familiar, f, s, tc.wantFamiliar, tc.wantShared)
		}
		if f, s := r.LoginBudgets(); tc.total > 0 && s+tc.familiar*f > tc.total {
			t.Errorf("total %d: the budgets add up to %d", tc.total, s+tc.familiar*f)
		}
	}
}

func TestIPBucket(t *testing.T) {
	s := &Service{settings: DefaultSettings()}
	for in, want := range map[string]string{
		"203.0.113.7":                    "203.0.113.7",
		"::ffff:203.0.113.7":             "203.0.113.7",
		"2001:db8:1:2::1":                "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff:ffff:ffff:ff": "2001:db8:1:2::/64",
		"fe80::1%eth0":                   "fe80::/64",
		"not an address":                 "not an address",
	} {
		if got := s.ipBucket(in); got != want {
			t.Errorf("ipBucket(%q) = %q, want %q", in, got, want)
		}
	}
	s.settings.RateLimit.IPv6PrefixLength = 128
	if got := s.ipBucket("2001:db8::1"); got != "2001:db8::1/128" {
		t.Errorf("ipBucket with /128 = %q", got)
	}
}

// syncBuf is a bytes.Buffer for concurrent log writers.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *syncBuf) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncBuf) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// TestDeliveries: delivery hooks run in the background, at most
// deliveryWorkers at a time, with the request's values but not its
// cancellation; a full backlog drops and logs; a panic is logged; Drain
// waits for everything queued.
func TestDeliveries(t *testing.T) {
	var logs syncBuf
	s := &Service{log: slog.New(slog.NewJSONHandler(&logs, nil))}
	type key struct{}
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), key{}, "request value"))
	release := make(chan struct{})
	var mu sync.Mutex
	running, most, ran := 0, 0, 0
	hook := func(ctx context.Context) error {
		mu.Lock()
		running++
		most = max(most, running)
		mu.Unlock()
		<-release
		if ctx.Err() != nil || ctx.Value(key{}) != "request value" {
			t.Errorf("delivery context: err %v, value %v", ctx.Err(), ctx.Value(key{}))
		}
		if _, ok := ctx.Deadline(); !ok {
			t.Error("a delivery has no deadline")
		}
		mu.Lock()
		running--
		ran++
		mu.Unlock()
		return nil
	}
	total := deliveryWorkers + deliveryBacklog
	for range deliveryWorkers {
		s.deliver(ctx, "OnAfterForgotPassword", RequestMeta{}, hook)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		mu.Lock()
		n := running
		mu.Unlock()
		if n == deliveryWorkers {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d deliveries started, want %d", n, deliveryWorkers)
		}
	}
	for range deliveryBacklog + 3 {
		s.deliver(ctx, "OnAfterForgotPassword", RequestMeta{}, hook)
	}
	cancel() // the request ended
	if n := strings.Count(logs.String(), `"event":"delivery_dropped"`); n != 3 {
		t.Fatalf("%d delivery_dropped lines for 3 deliveries past the backlog, want 3", n)
	}
	short, stop := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer stop()
	if err := s.Drain(short); err == nil {
		t.Fatal("Drain returned while deliveries were blocked")
	}
	close(release)
	if err := s.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ran != total || most != deliveryWorkers {
		t.Fatalf("%d deliveries ran (want %d), at most %d at a time (want %d)", ran, total, most, deliveryWorkers)
	}
	s.deliver(context.Background(), "OnAfterRequestVerify", RequestMeta{}, func(context.Context) error { panic("mailer bug") })
	if err := s.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "delivery hook panicked") {
		t.Fatal("the panic was not logged")
	}
	// The workers end when the queue is empty.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		s.delivery.mu.Lock()
		n := s.delivery.running
		s.delivery.mu.Unlock()
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d delivery goroutines left after the queue emptied", n)
		}
	}
}
