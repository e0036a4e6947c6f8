package barrier_test

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/zincware/zndraw-auth-go/internal/barrier"
)

// Every index runs exactly once, all of them concurrently (each call waits
// until every other call has started, which would deadlock if the calls ran
// one after another), and Run returns only when all have finished.
func TestRun(t *testing.T) {
	const n = 32
	var calls atomic.Int64
	var inside sync.WaitGroup
	inside.Add(n)
	seen := make([]atomic.Int64, n)
	barrier.Run(n, func(i int) {
		seen[i].Add(1)
		inside.Done()
		inside.Wait()
		calls.Add(1)
	})
	if got := calls.Load(); got != n {
		t.Fatalf("%d calls, want %d", got, n)
	}
	for i := range seen {
		if seen[i].Load() != 1 {
			t.Errorf("f(%d) ran %d times, want once", i, seen[i].Load())
		}
	}
}
