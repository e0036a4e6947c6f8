package core

import (
	"context"
	"errors"
	"time"
)

// ForgotPassword starts a password reset for email (CONTRACT §4.6). For an
// active user it mints a reset token bound to the current password hash
// (password_fgpt, an argon2id hash of the stored hash) and delivers it
// through OnAfterForgotPassword; for an unknown or inactive address it does
// nothing visible. Both paths cost one hash, so neither the answer nor its
// timing tells whether the address exists. It returns an error only for
// invalid input, rate limits and outages.
func (s *Service) ForgotPassword(ctx context.Context, email string, meta RequestMeta) error {
	if err := s.limitIP(ctx, "forgot", meta.ClientIP, time.Hour, s.settings.RateLimit.ForgotPasswordPerIPPerHour); err != nil {
		return err
	}
	normalized, err := normalizeEmail(email)
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
	s.log.InfoContext(ctx, "zndraw-auth: password reset requested", "user_id", u.ID)
	if h := s.hooks.OnAfterForgotPassword; h != nil {
		s.afterHook(ctx, "OnAfterForgotPassword", h(ctx, u, token, meta))
	}
	return nil
}

// ResetPassword sets a new password with a reset token (CONTRACT §5.4). Any
// bad token — bad signature, audience or expiry, missing claims, unknown or
// inactive user, or a fingerprint that no longer matches because the
// password changed or the token was used — is ErrResetBadToken; a rejected
// password is RESET_PASSWORD_INVALID_PASSWORD. The write is conditional on
// the hash the token was checked against, so of concurrent uses of one token
// exactly one succeeds. Every earlier access token of the user is revoked.
func (s *Service) ResetPassword(ctx context.Context, token, password string, meta RequestMeta) error {
	claims, _, err := s.reset.parse(token)
	if err != nil || claims.PasswordFgpt == nil || claims.Subject == "" {
		return ErrResetBadToken
	}
	id, ok := parseSubject(claims.Subject)
	if !ok {
		return ErrResetBadToken
	}
	u, err := s.store.GetUser(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return ErrResetBadToken
	}
	if err != nil {
		return s.storeErr("reset password", err)
	}
	match, _, err := s.hasher.Verify(ctx, u.HashedPassword, *claims.PasswordFgpt)
	if err != nil || !match {
		return ErrResetBadToken
	}
	if !u.IsActive {
		return ErrResetBadToken
	}
	if err := s.checkPassword(ctx, CodeResetPasswordInvalidPassword, password, u.Email); err != nil {
		return err
	}
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return err
	}
	old := u.HashedPassword
	updated, err := s.store.UpdateUser(ctx, u.ID, UserPatch{HashedPassword: &hash, ExpectHashedPassword: &old, BumpTokenVersion: true})
	if errors.Is(err, ErrConflict) || errors.Is(err, ErrNotFound) {
		return ErrResetBadToken
	}
	if err != nil {
		return s.storeErr("reset password", err)
	}
	s.log.InfoContext(ctx, "zndraw-auth: password reset", "user_id", u.ID)
	if h := s.hooks.OnAfterResetPassword; h != nil {
		s.afterHook(ctx, "OnAfterResetPassword", h(ctx, updated, meta))
	}
	return nil
}

// RequestVerify mints a verification token for email and delivers it through
// OnAfterRequestVerify (CONTRACT §4.7). Unknown, inactive and already
// verified addresses are silently ignored, as the reference's router does.
func (s *Service) RequestVerify(ctx context.Context, email string, meta RequestMeta) error {
	if err := s.limitIP(ctx, "verify", meta.ClientIP, time.Hour, s.settings.RateLimit.ForgotPasswordPerIPPerHour); err != nil {
		return err
	}
	normalized, err := normalizeEmail(email)
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
	if !u.IsActive || u.IsVerified {
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
	if h := s.hooks.OnAfterRequestVerify; h != nil {
		s.afterHook(ctx, "OnAfterRequestVerify", h(ctx, u, token, meta))
	}
	return nil
}

// Verify marks the user of a verification token verified (CONTRACT §4.7).
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
	if h := s.hooks.OnAfterVerify; h != nil {
		s.afterHook(ctx, "OnAfterVerify", h(ctx, updated, meta))
	}
	return updated, nil
}
