package core

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/google/uuid"
)

// Authenticate checks an email and password (fastapi-users' authenticate):
// case-insensitive lookup of the raw email, password verification, and a
// rehash when the stored hash is bcrypt or uses other parameters. An unknown
// email costs one password verification too, so the three failures (unknown
// email, wrong password, inactive user) are indistinguishable in body and
// time: all are ErrBadCredentials, and all count against the account's
// budget of wrong passwords (see the lockout rules in RateLimitSettings). An
// unreadable stored hash is logged and is also ErrBadCredentials.
// RequireVerification adds ErrUserNotVerified.
func (s *Service) Authenticate(ctx context.Context, email, password string, meta RequestMeta) (User, error) {
	if err := s.limitIP(ctx, "login", meta, time.Minute, s.settings.RateLimit.LoginPerIPPerMinute); err != nil {
		return User{}, err
	}
	u, err := s.store.GetUserByEmail(ctx, email)
	found := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		return User{}, s.storeErr("login", err)
	}
	// The budget is the account's: its stored address when it exists, so
	// every spelling that finds it shares one budget.
	account := accountKey(email)
	if found {
		account = accountKey(u.Email)
	}
	att, err := s.startLogin(ctx, account, u.HashedPassword, meta)
	if err != nil {
		return User{}, err
	}
	if !found {
		s.burnHash(ctx, password)
		att.failed(ctx, "unknown_email", uuid.Nil, meta)
		return User{}, ErrBadCredentials
	}
	ok, newHash, err := s.hasher.Verify(ctx, password, u.HashedPassword)
	if err != nil {
		if ctx.Err() != nil {
			att.abort(ctx)
			return User{}, ctx.Err()
		}
		s.log.ErrorContext(ctx, "zndraw-auth: stored password hash is unreadable", "user_id", u.ID, "error", err)
		att.failed(ctx, "unreadable_hash", u.ID, meta)
		return User{}, ErrBadCredentials
	}
	if !ok {
		att.failed(ctx, "wrong_password", u.ID, meta)
		return User{}, ErrBadCredentials
	}
	if newHash != "" {
		old := u.HashedPassword
		updated, err := s.store.UpdateUser(ctx, u.ID, UserPatch{HashedPassword: &newHash, ExpectHashedPassword: &old})
		if err != nil {
			// A failed upgrade never fails the login.
			s.log.WarnContext(ctx, "zndraw-auth: password hash upgrade failed", "user_id", u.ID, "error", err)
		} else {
			u = updated
		}
	}
	if !u.IsActive {
		// The right password of an inactive account is answered and counted
		// like a wrong one, so it tells nothing and refunds nothing.
		att.failed(ctx, "inactive", u.ID, meta)
		return User{}, ErrBadCredentials
	}
	att.succeeded(ctx)
	if s.settings.RequireVerification && !u.IsVerified {
		return User{}, ErrUserNotVerified
	}
	return u, nil
}

// Session is what a login hands out: a freshly minted access token and the
// principal it stands for (the user, and the token's id, expiry and
// version), so the caller never resolves the token it was just given.
type Session struct {
	// AccessToken is the signed JWT the client presents as a bearer token
	// (or in the session cookie).
	AccessToken string
	Principal
}

// Login authenticates and mints an access token: the one password login
// of the kit, behind the bearer login, the cookie login and the CLI
// approval page. The token's claims are sub, aud ["fastapi-users:auth"],
// iat (IssuedAtSkew before now), exp, jti and tv. It fires OnAfterLogin.
func (s *Service) Login(ctx context.Context, email, password string, meta RequestMeta) (*Session, error) {
	u, err := s.Authenticate(ctx, email, password, meta)
	if err != nil {
		return nil, err
	}
	sess, err := s.mintAccess(u, []string{AudienceAuth}, nil)
	if err != nil {
		return nil, err
	}
	s.event(ctx, slog.LevelInfo, "login", meta, userAttr(u.ID), slog.String("method", "password"))
	if h := s.hooks.OnAfterLogin; h != nil {
		s.afterHook(ctx, "OnAfterLogin", h(ctx, u, meta))
	}
	return sess, nil
}

// mintAccess mints an access token for u. aud is a list for login tokens and
// a string for CLI and impersonation tokens, as in the reference. admin is
// the minting admin of an impersonation token (nil otherwise): the token
// carries their id and token version.
func (s *Service) mintAccess(u User, aud any, admin *User) (*Session, error) {
	now := s.now()
	version := u.TokenVersion
	c := mintClaims{
		Subject:   u.ID.String(),
		Audience:  aud,
		IssuedAt:  issuedAt(now),
		ExpiresAt: now.Add(s.settings.TokenLifetime).Unix(),
		ID:        newJTI(),
		Version:   &version,
	}
	var impersonatedBy uuid.UUID
	var adminVersion int64
	if admin != nil {
		impersonatedBy, adminVersion = admin.ID, admin.TokenVersion
		c.ImpersonatedBy = impersonatedBy.String()
		c.ImpersonatorVersion = &adminVersion
	}
	token, err := s.access.sign(c)
	if err != nil {
		return nil, err
	}
	info := TokenInfo{
		ID:                  c.ID,
		IssuedAt:            time.Unix(c.IssuedAt, 0).UTC(),
		ExpiresAt:           time.Unix(c.ExpiresAt, 0).UTC(),
		ImpersonatedBy:      impersonatedBy,
		Version:             version,
		ImpersonatorVersion: adminVersion,
	}
	return &Session{AccessToken: token, Principal: Principal{User: u, Token: info}}, nil
}

// Logout revokes the principal's token (by jti, until it expires) for every
// instance sharing the store, then fires OnAfterLogout.
func (s *Service) Logout(ctx context.Context, p *Principal, meta RequestMeta) error {
	meta = meta.WithActor(p)
	if err := s.store.RevokeToken(ctx, p.Token.ID, p.Token.ExpiresAt); err != nil {
		return s.storeErr("logout", err)
	}
	s.event(ctx, slog.LevelInfo, "logout", meta, userAttr(p.User.ID))
	if h := s.hooks.OnAfterLogout; h != nil {
		s.afterHook(ctx, "OnAfterLogout", h(ctx, p.User, meta))
	}
	return nil
}

// LogoutEverywhere invalidates every token of user minted so far (it bumps
// the user's token version); tokens minted afterwards work. meta describes
// the request that asked for it and is logged with the security event; when
// it names no actor, the caller the adapters' middleware stored in ctx is
// logged as the actor.
func (s *Service) LogoutEverywhere(ctx context.Context, user User, meta RequestMeta) error {
	meta = actingMeta(ctx, meta, nil)
	if _, err := s.store.UpdateUser(ctx, user.ID, UserPatch{BumpTokenVersion: true}); err != nil {
		if errors.Is(err, ErrNotFound) {
			return ErrUserNotFound
		}
		return s.storeErr("logout everywhere", err)
	}
	s.event(ctx, slog.LevelInfo, "logout_everywhere", meta, userAttr(user.ID))
	return nil
}
