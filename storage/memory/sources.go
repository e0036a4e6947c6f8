package memstore

import (
	"context"
	"slices"
	"strings"
	"time"
)

// RememberSource records that account was used successfully from source at
// now and keeps the keep sources of account seen most recently (ties: the
// smaller source is kept).
func (s *Store) RememberSource(ctx context.Context, account, source string, now time.Time, keep int) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.sources[account]
	if m == nil {
		m = make(map[string]time.Time)
		s.sources[account] = m
	}
	m[source] = utc(now)
	if keep < 1 {
		keep = 1
	}
	if len(m) <= keep {
		return nil
	}
	type seen struct {
		source string
		at     time.Time
	}
	all := make([]seen, 0, len(m))
	for src, at := range m {
		all = append(all, seen{src, at})
	}
	slices.SortFunc(all, func(a, b seen) int {
		if c := b.at.Compare(a.at); c != 0 {
			return c
		}
		return strings.Compare(a.source, b.source)
	})
	for _, old := range all[keep:] {
		delete(m, old.source)
	}
	return nil
}

// SourceLastSeen returns when source was last remembered for account, or
// the zero time.
func (s *Store) SourceLastSeen(ctx context.Context, account, source string) (time.Time, error) {
	if err := ctxErr(ctx); err != nil {
		return time.Time{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.sources[account][source], nil
}

// PurgeSources deletes the sources last seen before before and returns how
// many it deleted.
func (s *Store) PurgeSources(ctx context.Context, before time.Time) (int64, error) {
	if err := ctxErr(ctx); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for account, m := range s.sources {
		for src, at := range m {
			if at.Before(before) {
				delete(m, src)
				n++
			}
		}
		if len(m) == 0 {
			delete(s.sources, account)
		}
	}
	return n, nil
}
