package storagetest

import (
	"testing"
	"time"

	"github.com/zincware/zndraw-auth-go/core"
)

// testRateLimits checks the RateLimitStore methods.
func (s suite) testRateLimits(t *testing.T) {
	t.Run("IncrementCounter", s.testIncrementCounter)
	t.Run("IncrementCounterKeysIndependent", s.testIncrementCounterKeys)
	t.Run("CounterValue", s.testCounterValue)
	t.Run("PurgeCounters", s.testPurgeCounters)
	t.Run("RememberSource", s.testRememberSource)
	t.Run("RememberSourceKeepsTheMostRecent", s.testRememberSourceKeep)
	t.Run("RememberSourceConcurrent", s.testRememberSourceConcurrent)
	t.Run("PurgeSources", s.testPurgeSources)
}

func (s suite) testIncrementCounter(t *testing.T) {
	// The window containing base (2026-01-02T03:04:05.123456Z, Unix time
	// 1767323045.123456) ends at the next multiple of the window since the
	// Unix epoch. The 7 s and 7 day windows catch stores that align windows
	// to the zero time (time.Time.Truncate) instead: those would end at
	// 03:04:10 and on Monday 2026-01-05.
	tests := []struct {
		name   string
		window time.Duration
		end    time.Time
	}{
		{"250ms", 250 * time.Millisecond, time.Date(2026, 1, 2, 3, 4, 5, 250_000_000, time.UTC)},
		{"1s", time.Second, time.Date(2026, 1, 2, 3, 4, 6, 0, time.UTC)},
		{"7s", 7 * time.Second, time.Date(2026, 1, 2, 3, 4, 7, 0, time.UTC)},
		{"1m", time.Minute, time.Date(2026, 1, 2, 3, 5, 0, 0, time.UTC)},
		{"1h", time.Hour, time.Date(2026, 1, 2, 4, 0, 0, 0, time.UTC)},
		{"24h", 24 * time.Hour, time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC)},
		{"7d", 7 * 24 * time.Hour, time.Date(2026, 1, 8, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := s.store(t)
			const key = "login:203.0.113.7"
			steps := []struct {
				now   time.Time
				count int64
				end   time.Time
			}{
				{base, 1, tt.end},
				{base.Add(tt.end.Sub(base) / 2), 2, tt.end},
				{tt.end.Add(-time.Microsecond), 3, tt.end},
				// The window end belongs to the next window.
				{tt.end, 1, tt.end.Add(tt.window)},
				{tt.end.Add(tt.window - time.Microsecond), 2, tt.end.Add(tt.window)},
				{tt.end.Add(tt.window), 1, tt.end.Add(2 * tt.window)},
			}
			for i, step := range steps {
				n, end := mustIncrement(t, st, key, tt.window, step.now)
				if n != step.count || !sameTime(end, step.end) {
					t.Errorf("step %d: IncrementCounter(window %v, now %v) = %d, %v; want %d, %v",
						i+1, tt.window, step.now, n, end, step.count, step.end)
				}
			}
		})
	}
}

func (s suite) testIncrementCounterKeys(t *testing.T) {
	st := s.store(t)
	const window = time.Minute
	end := time.Date(2026, 1, 2, 3, 5, 0, 0, time.UTC)
	steps := []struct {
		key   string
		count int64
	}{
		{"login:203.0.113.7", 1},
		{"login:203.0.113.7", 2},
		{"login:203.0.113.8", 1},
		{"register:203.0.113.7", 1},
		{"login:203.0.113.7", 3},
		{"login:203.0.113.8", 2},
	}
	for i, step := range steps {
		n, gotEnd := mustIncrement(t, st, step.key, window, base)
		if n != step.count || !sameTime(gotEnd, end) {
			t.Errorf("step %d: IncrementCounter(%q) = %d, %v; want %d, %v", i+1, step.key, n, gotEnd, step.count, end)
		}
	}
}

func (s suite) testCounterValue(t *testing.T) {
	st := s.store(t)
	const key = "login:203.0.113.7"
	const window = time.Minute
	end := time.Date(2026, 1, 2, 3, 5, 0, 0, time.UTC) // of the window containing base
	checkValue := func(step, key string, window time.Duration, now time.Time, want int64) {
		t.Helper()
		got, err := st.CounterValue(t.Context(), key, window, now)
		if err != nil {
			t.Fatalf("%s: CounterValue(%q, %v, %v): %v", step, key, window, now, err)
		}
		if got != want {
			t.Errorf("%s: CounterValue(%q, %v, %v) = %d, want %d", step, key, window, now, got, want)
		}
	}
	checkValue("no counter yet", key, window, base, 0)
	for range 3 {
		mustIncrement(t, st, key, window, base)
	}
	checkValue("after 3 increments", key, window, base, 3)
	checkValue("read again (reading does not count)", key, window, base, 3)
	checkValue("later in the window", key, window, end.Add(-time.Microsecond), 3)
	checkValue("next window", key, window, end, 0)
	checkValue("other key", "login:203.0.113.8", window, base, 0)
	if n, _ := mustIncrement(t, st, key, window, base); n != 4 {
		t.Errorf("IncrementCounter after CounterValue = %d, want 4", n)
	}
	checkValue("after the 4th increment", key, window, base, 4)
	checkValue("next window after increments", key, window, end, 0)
}

func (s suite) testPurgeCounters(t *testing.T) {
	st := s.store(t)
	end := time.Date(2026, 1, 2, 3, 5, 0, 0, time.UTC) // of the 1 min window containing base
	mustIncrement(t, st, "old", time.Minute, base)
	mustIncrement(t, st, "old", time.Minute, base)
	mustIncrement(t, st, "next", time.Minute, base.Add(time.Minute))
	mustIncrement(t, st, "hour", time.Hour, base)

	n, err := st.PurgeCounters(t.Context(), end)
	if err != nil {
		t.Fatalf("PurgeCounters: %v", err)
	}
	if n != 0 {
		t.Errorf("PurgeCounters(%v) = %d, want 0 (no window ended before it)", end, n)
	}
	n, err = st.PurgeCounters(t.Context(), end.Add(time.Microsecond))
	if err != nil {
		t.Fatalf("PurgeCounters: %v", err)
	}
	if n != 1 {
		t.Errorf("PurgeCounters(%v) = %d, want 1", end.Add(time.Microsecond), n)
	}
	checks := []struct {
		key    string
		window time.Duration
		now    time.Time
		count  int64
	}{
		{"old", time.Minute, base, 1}, // purged, so it starts again
		{"next", time.Minute, base.Add(time.Minute), 2},
		{"hour", time.Hour, base, 2},
	}
	for _, c := range checks {
		if got, _ := mustIncrement(t, st, c.key, c.window, c.now); got != c.count {
			t.Errorf("IncrementCounter(%q) after purge = %d, want %d", c.key, got, c.count)
		}
	}
}

// mustIncrement calls IncrementCounter and fails the test on an error.
func mustIncrement(t *testing.T, st core.Store, key string, window time.Duration, now time.Time) (int64, time.Time) {
	t.Helper()
	n, end, err := st.IncrementCounter(t.Context(), key, window, now)
	if err != nil {
		t.Fatalf("IncrementCounter(%q, %v, %v): %v", key, window, now, err)
	}
	return n, end
}
