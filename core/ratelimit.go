package core

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// limit counts one event for key in a fixed window and returns
// ErrTooManyRequests (with RetryAfter) once more than max happened in it.
// A limit of 0 or less, an empty key, or RateLimit.Enabled=false disables it.
func (s *Service) limit(ctx context.Context, key string, window time.Duration, max int) error {
	if !s.settings.RateLimit.Enabled || max <= 0 || key == "" {
		return nil
	}
	now := s.now()
	n, end, err := s.store.IncrementCounter(ctx, key, window, now)
	if err != nil {
		return s.storeErr("rate limit", err)
	}
	if n > int64(max) {
		return tooMany(end.Sub(now))
	}
	return nil
}

// limitIP applies a per-client-IP limit; requests without a known client IP
// (direct calls from host code) are not limited.
func (s *Service) limitIP(ctx context.Context, kind, ip string, window time.Duration, max int) error {
	if ip == "" {
		return nil
	}
	return s.limit(ctx, kind+":ip:"+ip, window, max)
}

func tooMany(retry time.Duration) error {
	if retry < time.Second {
		retry = time.Second
	}
	return &Error{Code: CodeTooManyRequests, RetryAfter: retry}
}

// accountKey names an account in counter keys without storing the address.
func accountKey(email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(email)))
	return hex.EncodeToString(sum[:16])
}

const loginFailureWindow = time.Hour

// limitLogin applies the per-IP login limit and reserves an attempt for the
// account before its password is checked: the attempt counter is
// incremented atomically first, so concurrent guesses cannot all pass a
// check that only later failures would close. Attempts that turn out not to
// be failed guesses (a right password, an outage) are handed back with the
// returned refund func. The lockout is soft: it ends with the hour window,
// so an attacker cannot lock an account for good.
func (s *Service) limitLogin(ctx context.Context, email string, meta RequestMeta) (refund func(), err error) {
	refund = func() {}
	rl := s.settings.RateLimit
	if !rl.Enabled {
		return refund, nil
	}
	if err := s.limitIP(ctx, "login", meta.ClientIP, time.Minute, rl.LoginPerIPPerMinute); err != nil {
		return refund, err
	}
	if rl.LoginFailuresPerAccountPerHour <= 0 {
		return refund, nil
	}
	acct := accountKey(email)
	now := s.now()
	tries, end, err := s.store.IncrementCounter(ctx, "login:try:"+acct, loginFailureWindow, now)
	if err != nil {
		return refund, s.storeErr("rate limit", err)
	}
	refund = func() {
		if _, _, err := s.store.IncrementCounter(ctx, "login:refund:"+acct, loginFailureWindow, now); err != nil {
			s.log.WarnContext(ctx, "zndraw-auth: could not refund a login attempt", "error", err)
		}
	}
	refunded, err := s.store.CounterValue(ctx, "login:refund:"+acct, loginFailureWindow, now)
	if err != nil {
		refund()
		return func() {}, s.storeErr("rate limit", err)
	}
	if tries-refunded > int64(rl.LoginFailuresPerAccountPerHour) {
		refund()
		return func() {}, tooMany(end.Sub(now))
	}
	return refund, nil
}

// countLoginFailure records a failed login for the account (the failures
// themselves are limited through the attempts reserved by limitLogin). A
// failure to record is logged, never reported to the client as something
// else.
func (s *Service) countLoginFailure(ctx context.Context, email string) {
	if !s.settings.RateLimit.Enabled || s.settings.RateLimit.LoginFailuresPerAccountPerHour <= 0 {
		return
	}
	if _, _, err := s.store.IncrementCounter(ctx, "login:fail:"+accountKey(email), loginFailureWindow, s.now()); err != nil {
		s.log.WarnContext(ctx, "zndraw-auth: could not count a failed login", "error", err)
	}
}
