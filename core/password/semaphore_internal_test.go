package password

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
)

// blockedHasher returns a TestParams hasher with n slots, all taken, and a
// channel that receives when a caller starts waiting for a slot.
func blockedHasher(t *testing.T, n int) (*Hasher, <-chan struct{}) {
	t.Helper()
	h := New(TestParams, WithMaxConcurrent(n))
	waiting := make(chan struct{}, 16)
	h.onWait = func() { waiting <- struct{}{} }
	for range n {
		if err := h.acquire(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	return h, waiting
}

// operations are the three entry points that derive a key.
var operations = map[string]func(h *Hasher, ctx context.Context) error{
	"Hash": func(h *Hasher, ctx context.Context) error {
		_, err := h.Hash(ctx, "pw")
		return err
	},
	"Verify": func(h *Hasher, ctx context.Context) error {
		_, _, err := h.Verify(ctx, "pw", "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQxNmJ5dGVzIQ$QYgpRzwPkJST8qKv6CoV3mZmuUrLQoo2UdllNlyMryo")
		return err
	},
	"VerifyBcrypt": func(h *Hasher, ctx context.Context) error {
		_, _, err := h.Verify(ctx, "pw", "$2b$04$NFFzT3St1QwlZtNc.QDMsefIgWcP8yKGKnak4/Lg63MBlJ8ggNL4m")
		return err
	},
	"DummyVerify": func(h *Hasher, ctx context.Context) error {
		return h.DummyVerify(ctx, "pw")
	},
}

// TestSemaphoreBoundsWork: with every slot taken, each operation waits, and
// runs once a slot is released.
func TestSemaphoreBoundsWork(t *testing.T) {
	for name, op := range operations {
		t.Run(name, func(t *testing.T) {
			h, waiting := blockedHasher(t, 1)
			done := make(chan error, 1)
			go func() { done <- op(h, context.Background()) }()
			select {
			case <-waiting:
			case err := <-done:
				t.Fatalf("returned (%v) without waiting for a slot", err)
			}
			select {
			case err := <-done:
				t.Fatalf("returned (%v) while no slot was free", err)
			default:
			}
			h.release()
			if err := <-done; err != nil {
				t.Fatalf("after release: %v", err)
			}
			if len(h.sem) != 0 {
				t.Fatalf("%d slots still taken", len(h.sem))
			}
		})
	}
}

// TestSemaphoreWaitCancelled: a caller waiting for a slot returns ctx.Err()
// when its context ends, and takes no slot.
func TestSemaphoreWaitCancelled(t *testing.T) {
	for name, op := range operations {
		t.Run(name, func(t *testing.T) {
			h, waiting := blockedHasher(t, 2)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- op(h, ctx) }()
			select {
			case <-waiting:
			case err := <-done:
				t.Fatalf("returned (%v) without waiting for a slot", err)
			}
			cancel()
			if err := <-done; !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v; want context.Canceled", err)
			}
			if len(h.sem) != 2 {
				t.Fatalf("%d slots taken; want the test's 2", len(h.sem))
			}
		})
	}
}

// TestSemaphoreContextAlreadyDone: an ended context fails at once, even
// with free slots, and does not wait.
func TestSemaphoreContextAlreadyDone(t *testing.T) {
	for name, op := range operations {
		t.Run(name, func(t *testing.T) {
			h := New(TestParams, WithMaxConcurrent(1))
			h.onWait = func() { t.Error("waited") }
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			if err := op(h, ctx); !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v; want context.Canceled", err)
			}
		})
	}
}

// TestConcurrentUse runs many operations on one hasher with two slots
// (for -race).
func TestConcurrentUse(t *testing.T) {
	h := New(TestParams, WithMaxConcurrent(2))
	stored, err := h.Hash(context.Background(), "pw")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for range 16 {
		wg.Go(func() {
			if _, err := h.Hash(context.Background(), "pw"); err != nil {
				errs <- err
			}
			if ok, _, err := h.Verify(context.Background(), "pw", stored); !ok || err != nil {
				errs <- errors.New("verify failed")
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if len(h.sem) != 0 {
		t.Fatalf("%d slots leaked", len(h.sem))
	}
}

func TestDefaultMaxConcurrent(t *testing.T) {
	procs := runtime.GOMAXPROCS(0)
	tests := []struct {
		name string
		p    Params
		want int
	}{
		{"test params", TestParams, max(procs, 2)},
		{"default params", DefaultParams, max(min(procs, 16), 2)},
		{"1 GiB", Params{Memory: 1 << 20, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 2},
		{"4 GiB", Params{Memory: 1<<32 - 1, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 2},
	}
	for _, tt := range tests {
		if got := New(tt.p).MaxConcurrent(); got != tt.want {
			t.Errorf("%s: MaxConcurrent() = %d; want %d", tt.name, got, tt.want)
		}
	}
	if got := New(TestParams, WithMaxConcurrent(5)).MaxConcurrent(); got != 5 {
		t.Errorf("WithMaxConcurrent(5): %d", got)
	}
	if got := New(TestParams, WithMaxConcurrent(0)).MaxConcurrent(); got != max(procs, 2) {
		t.Errorf("WithMaxConcurrent(0): %d; want the default", got)
	}
}
