package core

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/google/uuid"
)

// ForgotPassword starts a password reset for email. For an active user it
// mints a reset token bound to the current password hash (password_fgpt, an
// argon2id hash of the stored hash) and hands it to OnAfterForgotPassword,
// which runs in the background (see Hooks); for an unknown or inactive
// address it does nothing visible. Both paths cost one hash and no more, so
// neither the answer nor its timing tells whether the address exists, and
// a slow mailer cannot make them differ. At most
// RateLimit.MailsPerAccountPerHour reset mails go to one address an hour;
// requests past that are answered the same and deliver nothing. It returns
// an error only for invalid input, rate limits and outages.
func (s *Service) ForgotPassword(ctx context.Context, email string, meta RequestMeta) error {
	if err := s.limitIP(ctx, "forgot", meta, time.Hour, s.settings.RateLimit.ForgotPasswordPerIPPerHour); err != nil {
		return err
	}
	normalized, err := normalizeEmail(email)
	if err != nil {
		return err
	}
	// Counted for every address, known or not, so that the count costs the
	// same on both paths.
	allowed, err := s.mailAllowed(ctx, "reset", normalized, meta)
	if err != nil {
		return err
	}
	u, err := s.store.GetUserByEmail(ctx, normalized)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return s.storeErr("forgot password", err)
	}
	if err != nil || !u.IsActive {
		_, _ = s.hasher.Hash(ctx, normalized)
		return nil
	}
	fgpt, err := s.hasher.Hash(ctx, u.HashedPassword)
	if err != nil {
		return err
	}
	if !allowed {
		return nil
	}
	now := s.now()
	token, err := s.reset.sign(mintClaims{
		Subject:      u.ID.String(),
		PasswordFgpt: fgpt,
		Audience:     AudienceReset,
		IssuedAt:     issuedAt(now),
		ExpiresAt:    now.Add(s.settings.ResetPasswordTokenLifetime).Unix(),
		ID:           newJTI(),
	})
	if err != nil {
		return err
	}
	s.event(ctx, slog.LevelInfo, "forgot_password", meta, userAttr(u.ID))
	if h := s.hooks.OnAfterForgotPassword; h != nil {
		s.deliver(ctx, "OnAfterForgotPassword", meta, func(ctx context.Context) error { return h(ctx, u, token, meta) })
	}
	return nil
}

// mailAllowed counts one mail of kind ("reset", "verify") to email and
// reports whether it is within RateLimit.MailsPerAccountPerHour. The first
// refusal of a window is logged (mail_capped).
func (s *Service) mailAllowed(ctx context.Context, kind, email string, meta RequestMeta) (bool, error) {
	rl := s.settings.RateLimit
	if !rl.Enabled || rl.MailsPerAccountPerHour <= 0 {
		return true, nil
	}
	now := s.now()
	n, end, err := s.store.IncrementCounter(ctx, "mail:"+kind+":"+accountKey(email), time.Hour, now)
	if err != nil {
		return false, s.storeErr("rate limit", err)
	}
	if n == int64(rl.MailsPerAccountPerHour)+1 {
		s.event(ctx, slog.LevelWarn, "mail_capped", meta, slog.String("kind", kind), slog.String("account", accountKey(email)),
			slog.Int("max", rl.MailsPerAccountPerHour), slog.Time("window_end", end))
	}
	return n <= int64(rl.MailsPerAccountPerHour), nil
}

// ResetPassword sets a new password with a reset token. Any bad token —
// bad signature, audience or expiry, missing claims, unknown or inactive
// user, or a fingerprint that no longer matches because the password
// changed or the token was used — is ErrResetBadToken; a rejected password
// is RESET_PASSWORD_INVALID_PASSWORD. The password policy is checked before
// the token's fingerprint (an argon2 verification), so a rejected password
// costs no hashing; the route is limited per client IP
// (RateLimit.ResetPasswordPerIPPerHour) and failures are logged
// (reset_failed, aggregated). The write is conditional on the hash the
// token was checked against, so of concurrent uses of one token exactly one
// succeeds. Every earlier access token of the user is revoked, the
// account's login budgets start afresh (a reset clears a lockout), and the
// source the reset came from becomes familiar to the account.
func (s *Service) ResetPassword(ctx context.Context, token, password string, meta RequestMeta) error {
	if err := s.limitIP(ctx, "reset", meta, time.Hour, s.settings.RateLimit.ResetPasswordPerIPPerHour); err != nil {
		return err
	}
	user, err := s.resetPassword(ctx, token, password, meta)
	var reason string
	switch {
	case errors.Is(err, ErrResetBadToken):
		reason = "bad_token"
	case errors.Is(err, ErrInvalidPassword):
		reason = "invalid_password"
	default:
		return err
	}
	attrs := []slog.Attr{slog.String("reason", reason)}
	if user != uuid.Nil {
		attrs = append(attrs, userAttr(user))
	}
	key := "reset:ip:" + s.ipBucket(meta.ClientIP)
	s.failure(ctx, key, time.Hour, "reset_failed", meta, attrs...)
	return err
}

// resetPassword is ResetPassword without the limit and the failure log; it
// returns the token's user when it got that far.
func (s *Service) resetPassword(ctx context.Context, token, password string, meta RequestMeta) (uuid.UUID, error) {
	claims, _, err := s.reset.parse(token)
	if err != nil || claims.PasswordFgpt == nil || claims.Subject == "" {
		return uuid.Nil, ErrResetBadToken
	}
	id, ok := parseSubject(claims.Subject)
	if !ok {
		return uuid.Nil, ErrResetBadToken
	}
	u, err := s.store.GetUser(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return uuid.Nil, ErrResetBadToken
	}
	if err != nil {
		return uuid.Nil, s.storeErr("reset password", err)
	}
	if !u.IsActive {
		return u.ID, ErrResetBadToken
	}
	if err := s.checkPassword(ctx, CodeResetPasswordInvalidPassword, password, u.Email); err != nil {
		return u.ID, err
	}
	match, _, err := s.hasher.Verify(ctx, u.HashedPassword, *claims.PasswordFgpt)
	if err != nil || !match {
		if ctx.Err() != nil {
			return u.ID, ctx.Err()
		}
		return u.ID, ErrResetBadToken
	}
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return u.ID, err
	}
	old := u.HashedPassword
	updated, err := s.store.UpdateUser(ctx, u.ID, UserPatch{HashedPassword: &hash, ExpectHashedPassword: &old, BumpTokenVersion: true})
	if errors.Is(err, ErrConflict) || errors.Is(err, ErrNotFound) {
		return u.ID, ErrResetBadToken
	}
	if err != nil {
		return u.ID, s.storeErr("reset password", err)
	}
	s.rememberSource(ctx, accountKey(updated.Email), s.sourceKey(meta))
	s.event(ctx, slog.LevelInfo, "reset_password", meta, userAttr(u.ID))
	if h := s.hooks.OnAfterResetPassword; h != nil {
		s.afterHook(ctx, "OnAfterResetPassword", h(ctx, updated, meta))
	}
	return u.ID, nil
}

// RequestVerify mints a verification token for email and hands it to
// OnAfterRequestVerify, which runs in the background (see Hooks). Unknown,
// inactive and already verified addresses are silently ignored, as the
// reference's router does; at most RateLimit.MailsPerAccountPerHour
// verification mails go to one address an hour.
func (s *Service) RequestVerify(ctx context.Context, email string, meta RequestMeta) error {
	if err := s.limitIP(ctx, "verify", meta, time.Hour, s.settings.RateLimit.ForgotPasswordPerIPPerHour); err != nil {
		return err
	}
	normalized, err := normalizeEmail(email)
	if err != nil {
		return err
	}
	allowed, err := s.mailAllowed(ctx, "verify", normalized, meta)
	if err != nil {
		return err
	}
	u, err := s.store.GetUserByEmail(ctx, normalized)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return s.storeErr("request verify", err)
	}
	if !u.IsActive || u.IsVerified || !allowed {
		return nil
	}
	now := s.now()
	token, err := s.verify.sign(mintClaims{
		Subject:   u.ID.String(),
		Email:     u.Email,
		Audience:  AudienceVerify,
		IssuedAt:  issuedAt(now),
		ExpiresAt: now.Add(s.settings.VerificationTokenLifetime).Unix(),
		ID:        newJTI(),
	})
	if err != nil {
		return err
	}
	s.event(ctx, slog.LevelInfo, "request_verify", meta, userAttr(u.ID))
	if h := s.hooks.OnAfterRequestVerify; h != nil {
		s.deliver(ctx, "OnAfterRequestVerify", meta, func(ctx context.Context) error { return h(ctx, u, token, meta) })
	}
	return nil
}

// Verify marks the user of a verification token verified (POST /auth/verify).
// The token is bound to the address it was sent to: a bad or expired token,
// missing claims, an address no longer in use, or an id that does not match
// the address's user is ErrVerifyBadToken; an already verified user is
// ErrAlreadyVerified (also for all but one of concurrent uses). Inactive
// users can be verified.
func (s *Service) Verify(ctx context.Context, token string, meta RequestMeta) (User, error) {
	claims, _, err := s.verify.parse(token)
	if err != nil || claims.Email == nil || claims.Subject == "" {
		return User{}, ErrVerifyBadToken
	}
	u, err := s.store.GetUserByEmail(ctx, *claims.Email)
	if errors.Is(err, ErrNotFound) {
		return User{}, ErrVerifyBadToken
	}
	if err != nil {
		return User{}, s.storeErr("verify", err)
	}
	id, ok := parseSubject(claims.Subject)
	if !ok || id != u.ID {
		return User{}, ErrVerifyBadToken
	}
	if u.IsVerified {
		return User{}, ErrAlreadyVerified
	}
	t, f := true, false
	updated, err := s.store.UpdateUser(ctx, u.ID, UserPatch{IsVerified: &t, ExpectIsVerified: &f})
	switch {
	case errors.Is(err, ErrConflict):
		return User{}, ErrAlreadyVerified
	case errors.Is(err, ErrNotFound):
		return User{}, ErrVerifyBadToken
	case err != nil:
		return User{}, s.storeErr("verify", err)
	}
	s.event(ctx, slog.LevelInfo, "verify", meta, userAttr(updated.ID))
	if h := s.hooks.OnAfterVerify; h != nil {
		s.afterHook(ctx, "OnAfterVerify", h(ctx, updated, meta))
	}
	return updated, nil
}
