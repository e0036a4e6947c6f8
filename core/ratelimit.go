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

// limitLogin applies the per-IP login limit and refuses an account whose
// failed logins in the current hour reached the limit. The lockout is soft:
// it ends with the window, so an attacker cannot lock an account for good.
func (s *Service) limitLogin(ctx context.Context, email string, meta RequestMeta) error {
	rl := s.settings.RateLimit
	if !rl.Enabled {
		return nil
	}
	if err := s.limitIP(ctx, "login", meta.ClientIP, time.Minute, rl.LoginPerIPPerMinute); err != nil {
		return err
	}
	if rl.LoginFailuresPerAccountPerHour <= 0 {
		return nil
	}
	now := s.now()
	n, err := s.store.CounterValue(ctx, "login:fail:"+accountKey(email), loginFailureWindow, now)
	if err != nil {
		return s.storeErr("rate limit", err)
	}
	if n >= int64(rl.LoginFailuresPerAccountPerHour) {
		end := now.Truncate(loginFailureWindow).Add(loginFailureWindow)
		return tooMany(end.Sub(now))
	}
	return nil
}

// countLoginFailure records a failed login for the account. A failure to
// record is logged, never reported to the client as something else.
func (s *Service) countLoginFailure(ctx context.Context, email string) {
	if !s.settings.RateLimit.Enabled || s.settings.RateLimit.LoginFailuresPerAccountPerHour <= 0 {
		return
	}
	if _, _, err := s.store.IncrementCounter(ctx, "login:fail:"+accountKey(email), loginFailureWindow, s.now()); err != nil {
		s.log.WarnContext(ctx, "zndraw-auth: could not count a failed login", "error", err)
	}
}
