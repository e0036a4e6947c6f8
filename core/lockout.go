package core

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"time"

	"github.com/google/uuid"
)

// The login lockout is "smart": an account's budget of wrong passwords
// (RateLimit.LoginFailuresPerAccountPerHour) is split between the sources
// its owner uses and everyone else.
//
//   - A familiar source is a client IP (IPv6 by prefix, see ipBucket) from
//     which the account logged in, or completed a password reset, within
//     RateLimit.FamiliarSourceLifetime. The store remembers at most
//     RateLimit.FamiliarSourcesPerAccount of them per account, so every
//     instance sharing the store agrees. Each has a budget of its own
//     (LoginFailuresPerFamiliarSourcePerHour).
//   - Every other source shares the rest of the account's budget. Because
//     the familiar budgets are carved out of the account's whole budget,
//     the account never sees more wrong passwords an hour than
//     LoginFailuresPerAccountPerHour, however many addresses an attacker
//     has, and the shared budget is the same for every address, known or
//     unknown, so its size tells nothing about the account.
//   - The budgets belong to the current password: a completed password
//     reset (or any password change) starts fresh ones, so a reset clears a
//     lock, and the source the reset was completed from becomes familiar.
//
// An attempt is reserved before the password is checked and handed back
// when it was not a failure (a right password for an active account, an
// outage); a right password for an inactive account is a failure like a
// wrong one.

const loginWindow = time.Hour

// LoginBudgets returns how an account's budget of wrong passwords an hour
// (LoginFailuresPerAccountPerHour) is split: what each familiar source has
// of its own (0 when familiar sources are off) and what every other source
// shares. The familiar sources get LoginFailuresPerFamiliarSourcePerHour
// each, but together at most half of the account's budget, so
// FamiliarSourcesPerAccount × perFamiliarSource + shared never exceeds
// LoginFailuresPerAccountPerHour.
func (r RateLimitSettings) LoginBudgets() (perFamiliarSource, shared int) {
	total := r.LoginFailuresPerAccountPerHour
	if total <= 0 || r.LoginFailuresPerFamiliarSourcePerHour <= 0 || r.FamiliarSourcesPerAccount <= 0 {
		return 0, total
	}
	perFamiliarSource = min(r.LoginFailuresPerFamiliarSourcePerHour, total/(2*r.FamiliarSourcesPerAccount))
	return perFamiliarSource, total - r.FamiliarSourcesPerAccount*perFamiliarSource
}

// familiarSources reports whether the familiar-source budgets are on.
func (r RateLimitSettings) familiarSources() bool {
	perFamiliar, _ := r.LoginBudgets()
	return perFamiliar > 0
}

// sourceKey names the request's source (its IP bucket) in the store
// without storing the address; "" without a client IP.
func (s *Service) sourceKey(meta RequestMeta) string {
	if meta.ClientIP == "" {
		return ""
	}
	sum := sha256.Sum256([]byte("ip:" + s.ipBucket(meta.ClientIP)))
	return hex.EncodeToString(sum[:16])
}

// passwordGeneration names the account's current password in budget keys,
// so that a new password starts fresh budgets. hash is the stored hash (""
// for an unknown account).
func passwordGeneration(hash string) string {
	if hash == "" {
		return "none"
	}
	sum := sha256.Sum256([]byte(hash))
	return hex.EncodeToString(sum[:4])
}

// loginAttempt is one password check, reserved against the budget of its
// source.
type loginAttempt struct {
	s        *Service
	res      *reservation
	account  string // accountKey
	source   string // sourceKey, "" when familiar sources are off
	familiar bool
	seen     time.Time // when the familiar source was last remembered
}

// startLogin reserves a login attempt for account (an accountKey) whose
// current password hash is hash ("" if there is no such account). The
// lookup of the source and the reservation cost the same for unknown and
// known accounts.
func (s *Service) startLogin(ctx context.Context, account, hash string, meta RequestMeta) (*loginAttempt, error) {
	rl := s.settings.RateLimit
	a := &loginAttempt{s: s, res: &reservation{s: s}, account: account}
	if !rl.Enabled || rl.LoginFailuresPerAccountPerHour <= 0 {
		return a, nil
	}
	gen := passwordGeneration(hash)
	acct := slog.String("account", account)
	perFamiliar, shared := rl.LoginBudgets()
	b := budget{key: "login:acct:" + account + ":" + gen, max: shared, event: "login_locked",
		attrs: []slog.Attr{acct, slog.Bool("familiar_source", false)}}
	if rl.familiarSources() {
		a.source = s.sourceKey(meta)
	}
	if a.source != "" {
		seen, err := s.store.SourceLastSeen(ctx, account, a.source)
		if err != nil {
			return nil, s.storeErr("rate limit", err)
		}
		if !seen.IsZero() && !seen.Before(s.now().Add(-rl.FamiliarSourceLifetime)) {
			a.familiar, a.seen = true, seen
			b = budget{key: "login:src:" + account + ":" + a.source + ":" + gen, max: perFamiliar,
				event: "login_locked", attrs: []slog.Attr{acct, slog.Bool("familiar_source", true)}}
		}
	}
	res, err := s.reserve(ctx, loginWindow, meta, b)
	if err != nil {
		return nil, err
	}
	a.res = res
	return a, nil
}

// failed keeps the attempt counted and logs the failure (aggregated per
// account and hour). reason is unknown_email, wrong_password, inactive or
// unreadable_hash; user is uuid.Nil for an unknown email.
func (a *loginAttempt) failed(ctx context.Context, reason string, user uuid.UUID, meta RequestMeta) {
	attrs := []slog.Attr{slog.String("reason", reason), slog.String("account", a.account), slog.Bool("familiar_source", a.familiar)}
	if user != uuid.Nil {
		attrs = append(attrs, userAttr(user))
	}
	a.s.failure(ctx, "login:"+a.account, loginWindow, "login_failed", meta, attrs...)
}

// abort hands the attempt back: it was no guess (an outage, a cancelled
// request).
func (a *loginAttempt) abort(ctx context.Context) { a.res.release(ctx) }

// succeeded hands the attempt back and remembers the source as familiar
// (a source remembered within the last hour is not written again).
func (a *loginAttempt) succeeded(ctx context.Context) {
	a.res.release(ctx)
	if a.familiar && a.s.now().Sub(a.seen) < time.Hour {
		return
	}
	a.s.rememberSource(ctx, a.account, a.source)
}

// rememberSource makes source familiar for account; a failure to record it
// is logged, never reported.
func (s *Service) rememberSource(ctx context.Context, account, source string) {
	rl := s.settings.RateLimit
	if source == "" || !rl.Enabled || !rl.familiarSources() {
		return
	}
	if err := s.store.RememberSource(context.WithoutCancel(ctx), account, source, s.now(), rl.FamiliarSourcesPerAccount); err != nil {
		s.log.WarnContext(ctx, "zndraw-auth: could not remember a familiar source", "error", err)
	}
}
