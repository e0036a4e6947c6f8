package memstore

import (
	"context"
	"fmt"
	"time"
)

// counterKey identifies one fixed window of one counter: windows of
// different lengths for the same key are separate counters.
type counterKey struct {
	key    string
	window time.Duration
	// start is the window's start in nanoseconds since the Unix epoch.
	start int64
}

// windowOf returns the counter key of the window of length window that
// contains now. Windows start at multiples of window since the Unix epoch
// (not since the zero time, which time.Time.Truncate uses), so they line up
// with the database stores. now must lie within the range of
// time.Time.UnixNano (years 1678 to 2262).
func windowOf(key string, window time.Duration, now time.Time) (counterKey, error) {
	if window <= 0 {
		return counterKey{}, fmt.Errorf("memstore: counter %q: window %v is not positive", key, window)
	}
	ns := now.UnixNano()
	off := ns % int64(window)
	if off < 0 { // before 1970: round down, not toward zero
		off += int64(window)
	}
	return counterKey{key: key, window: window, start: ns - off}, nil
}

// end returns the end of the window k.
func (k counterKey) end() time.Time {
	return time.Unix(0, k.start).Add(k.window).UTC()
}

// IncrementCounter adds one to the counter of key in the window of length
// window that contains now and returns the new count and the window's end.
// Ended windows stay until PurgeCounters removes them.
func (s *Store) IncrementCounter(ctx context.Context, key string, window time.Duration, now time.Time) (int64, time.Time, error) {
	if err := ctxErr(ctx); err != nil {
		return 0, time.Time{}, err
	}
	k, err := windowOf(key, window, now)
	if err != nil {
		return 0, time.Time{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counters[k]++
	return s.counters[k], k.end(), nil
}

// CounterValue returns the count of key in the window of length window that
// contains now, 0 if there is none, without changing it.
func (s *Store) CounterValue(ctx context.Context, key string, window time.Duration, now time.Time) (int64, error) {
	if err := ctxErr(ctx); err != nil {
		return 0, err
	}
	k, err := windowOf(key, window, now)
	if err != nil {
		return 0, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.counters[k], nil
}

// PurgeCounters deletes the counters whose window ended before before and
// returns how many it deleted.
func (s *Store) PurgeCounters(ctx context.Context, before time.Time) (int64, error) {
	if err := ctxErr(ctx); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for k := range s.counters {
		if k.end().Before(before) {
			delete(s.counters, k)
			n++
		}
	}
	return n, nil
}
