package bunstore

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// IncrementCounter adds one to the counter of key in the fixed window of
// length window that contains now (windows start at multiples of window
// since the Unix epoch) with one upsert,
//
//	INSERT ... ON CONFLICT (key, window_start) DO UPDATE SET count = count + 1 RETURNING count
//
// so concurrent increments are never lost, and returns the new count and
// the end of the window. window must be positive; windows are stored at
// microsecond precision, so use whole microseconds.
func (s *Store) IncrementCounter(ctx context.Context, key string, window time.Duration, now time.Time) (int64, time.Time, error) {
	if window <= 0 {
		return 0, time.Time{}, errors.New("bunstore: IncrementCounter: window must be positive")
	}
	if hasNUL(key) {
		return 0, time.Time{}, errors.New("bunstore: IncrementCounter: key contains a NUL byte")
	}
	start, end := windowBounds(now, window)
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	var count int64
	err := s.db.QueryRowContext(ctx,
		`INSERT INTO zndraw_auth_rate_counter (key, window_start, window_end, count) VALUES (?, ?, ?, 1)
		ON CONFLICT (key, window_start) DO UPDATE SET count = zndraw_auth_rate_counter.count + 1
		RETURNING count`,
		key, dbTimeFloor(start), dbTimeFloor(end)).Scan(&count)
	if err != nil {
		return 0, time.Time{}, mapErr(err)
	}
	return count, end, nil
}

// CounterValue returns the count of key in the fixed window of length
// window that contains now, or 0 if there is none, without changing it.
func (s *Store) CounterValue(ctx context.Context, key string, window time.Duration, now time.Time) (int64, error) {
	if window <= 0 {
		return 0, errors.New("bunstore: CounterValue: window must be positive")
	}
	if hasNUL(key) {
		return 0, nil
	}
	start, _ := windowBounds(now, window)
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	var count int64
	err := s.db.QueryRowContext(ctx,
		`SELECT count FROM zndraw_auth_rate_counter WHERE key = ? AND window_start = ?`,
		key, dbTimeFloor(start)).Scan(&count)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return count, mapErr(err)
}

// windowBounds returns the fixed window of length window, aligned to the
// Unix epoch, that contains now. (time.Truncate aligns to the zero Time,
// not to the epoch.)
func windowBounds(now time.Time, window time.Duration) (start, end time.Time) {
	ns := now.UnixNano()
	off := ns % int64(window)
	if off < 0 {
		off += int64(window)
	}
	start = time.Unix(0, ns-off).UTC()
	return start, start.Add(window)
}

// PurgeCounters deletes counters whose window ended before before and
// returns how many it deleted.
func (s *Store) PurgeCounters(ctx context.Context, before time.Time) (int64, error) {
	return s.purge(ctx, `DELETE FROM zndraw_auth_rate_counter WHERE window_end < ?`, before)
}
