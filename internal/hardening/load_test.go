package hardening_test

import (
	"context"
	"slices"
	"sync"
	"time"
)

// hit is one request of a load: its tag (which request it was), its status
// (-1 for a transport error) and when it started and ended.
type hit struct {
	tag        int
	status     int
	start, end time.Time
}

// load is requests sent to one server by several goroutines until stop.
type load struct {
	mu   sync.Mutex
	hits []hit
	quit chan struct{}
	wg   sync.WaitGroup
}

// hammer starts workers goroutines that send requests to s back to back,
// request i of worker w being next(w, i) with its tag.
func hammer(s *server, workers int, next func(w, i int) (request, int)) *load {
	l := &load{quit: make(chan struct{})}
	for w := range workers {
		l.wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-l.quit:
					return
				default:
				}
				rq, tag := next(w, i)
				start := time.Now()
				r, err := s.try(context.Background(), rq)
				h := hit{tag: tag, status: r.status, start: start, end: time.Now()}
				if err != nil {
					h.status = -1
				}
				l.mu.Lock()
				l.hits = append(l.hits, h)
				l.mu.Unlock()
			}
		})
	}
	return l
}

// snapshot returns the hits so far.
func (l *load) snapshot() []hit {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.hits)
}

// stop ends the load and returns every hit.
func (l *load) stop() []hit {
	close(l.quit)
	l.wg.Wait()
	return l.snapshot()
}
