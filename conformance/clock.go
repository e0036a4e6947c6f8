package conformance

import (
	"sync"
	"time"

	"github.com/zincware/zndraw-auth-go/core"
)

// ManualClock is a core.Clock that moves only when told to. It is safe for
// concurrent use.
type ManualClock struct {
	mu  sync.Mutex
	now time.Time
}

var (
	_ core.Clock   = (*ManualClock)(nil)
	_ ClockControl = (*ManualClock)(nil)
)

// NewManualClock returns a clock reading start (in UTC).
func NewManualClock(start time.Time) *ManualClock {
	return &ManualClock{now: start.UTC()}
}

// Now returns the clock's time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d; a negative d is ignored (the suite
// relies on time never going back).
func (c *ManualClock) Advance(d time.Duration) {
	if d <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
