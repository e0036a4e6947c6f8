package core

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/netip"
	"strings"
	"time"
)

// limit counts one event for key in a fixed window and returns
// ErrTooManyRequests (with RetryAfter) once more than max happened in it;
// the first refusal of a window is logged as event rate_limited. A limit of
// 0 or less, an empty key, or RateLimit.Enabled=false disables it.
func (s *Service) limit(ctx context.Context, key string, window time.Duration, max int, meta RequestMeta) error {
	if !s.settings.RateLimit.Enabled || max <= 0 || key == "" {
		return nil
	}
	s.maybePurge(ctx)
	now := s.now()
	n, end, err := s.store.IncrementCounter(ctx, key, window, now)
	if err != nil {
		return s.storeErr("rate limit", err)
	}
	if n > int64(max) {
		if n == int64(max)+1 {
			s.event(ctx, slog.LevelWarn, "rate_limited", meta, slog.String("limit", limitName(key)),
				slog.Int("max", max), slog.Duration("window", window), slog.Time("window_end", end))
		}
		return tooMany(end.Sub(now))
	}
	return nil
}

// limitName is the kind of a counter key ("login:ip:…" → "login:ip"),
// which a log line may carry without the address or account.
func limitName(key string) string {
	if i := strings.LastIndexByte(key, ':'); i > 0 {
		return key[:i]
	}
	return key
}

// limitIP applies a per-client-IP limit, counting IPv6 clients by their
// prefix (see ipBucket); requests without a known client IP (direct calls
// from host code) are not limited.
func (s *Service) limitIP(ctx context.Context, kind string, meta RequestMeta, window time.Duration, max int) error {
	if meta.ClientIP == "" {
		return nil
	}
	return s.limit(ctx, kind+":ip:"+s.ipBucket(meta.ClientIP), window, max, meta)
}

// ipBucket is the unit per-IP limits and familiar sources count: an IPv4
// address itself, an IPv6 address by its prefix of
// RateLimit.IPv6PrefixLength bits ("2001:db8:1:2::/64"), since one client
// usually holds a whole /64. Anything that is not an IP address is its own
// bucket.
func (s *Service) ipBucket(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap().WithZone("")
	if a.Is4() {
		return a.String()
	}
	bits := s.settings.RateLimit.IPv6PrefixLength
	if bits <= 0 {
		bits = 64
	}
	p, err := a.Prefix(bits)
	if err != nil {
		return a.String()
	}
	return p.String()
}

func tooMany(retry time.Duration) error {
	if retry < time.Second {
		retry = time.Second
	}
	return &Error{Code: CodeTooManyRequests, RetryAfter: retry}
}

// accountKey names an account in counter keys without storing the address:
// by EmailKey, so every spelling that reaches the account (case in any
// script, NFC or NFD) shares its counters. For ASCII addresses it is the
// lowercased address, as before.
func accountKey(email string) string {
	sum := sha256.Sum256([]byte(EmailKey(email)))
	return hex.EncodeToString(sum[:16])
}

// budget is a cap on failed attempts under key: at most max failures per
// window. When it starts refusing, event is logged once with attrs.
type budget struct {
	key   string
	max   int
	event string
	attrs []slog.Attr
}

// reservation is an attempt reserved against one or more budgets before the
// guess is checked. Reserving first (an atomic increment) means that
// concurrent guesses cannot all pass a check that only later failures would
// close. An attempt that turns out not to be a failure (a right guess, an
// outage) is handed back with release; a failure keeps it.
type reservation struct {
	s      *Service
	keys   []string
	window time.Duration
	now    time.Time
}

// reserve reserves one attempt against every budget with a positive max,
// in order. If any budget is spent, the attempts reserved against the
// others are handed back and ErrTooManyRequests is returned with the time
// left in the window. With rate limiting off it reserves nothing.
func (s *Service) reserve(ctx context.Context, window time.Duration, meta RequestMeta, budgets ...budget) (*reservation, error) {
	r := &reservation{s: s, window: window, now: s.now()}
	if !s.settings.RateLimit.Enabled {
		return r, nil
	}
	s.maybePurge(ctx)
	for _, b := range budgets {
		if b.max <= 0 || b.key == "" {
			continue
		}
		tries, end, err := s.store.IncrementCounter(ctx, b.key+":try", window, r.now)
		if err != nil {
			r.release(ctx)
			return nil, s.storeErr("rate limit", err)
		}
		refunded, err := s.store.CounterValue(ctx, b.key+":refund", window, r.now)
		if err != nil {
			r.keys = append(r.keys, b.key)
			r.release(ctx)
			return nil, s.storeErr("rate limit", err)
		}
		if used := tries - refunded; used > int64(b.max) {
			// The refused attempt stays counted (so the first refusal of
			// a window is the only one that sees max+1); the attempts
			// reserved against the other budgets are handed back.
			r.release(ctx)
			if used == int64(b.max)+1 && b.event != "" {
				s.event(ctx, slog.LevelWarn, b.event, meta, append(b.attrs,
					slog.Int("max", b.max), slog.Duration("window", window), slog.Time("window_end", end))...)
			}
			return nil, tooMany(end.Sub(r.now))
		}
		r.keys = append(r.keys, b.key)
	}
	return r, nil
}

// release hands the reserved attempts back: the attempt was not a failure.
// A failure to record it is logged (the attempt then counts as a failure,
// which errs on the safe side).
func (r *reservation) release(ctx context.Context) {
	ctx = context.WithoutCancel(ctx) // a cancelled request still hands back
	for _, k := range r.keys {
		if _, _, err := r.s.store.IncrementCounter(ctx, k+":refund", r.window, r.now); err != nil {
			r.s.log.WarnContext(ctx, "zndraw-auth: could not hand back a rate-limited attempt", "error", err)
		}
	}
	r.keys = nil
}
