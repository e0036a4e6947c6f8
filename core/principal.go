package core

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
)

// Principal is the authenticated caller: the user (read from the store, or
// from the Service's cache of recent reads, see Settings.UserCacheTTL) and
// the token it presented.
type Principal struct {
	User  User
	Token TokenInfo
}

// Access is what a route requires of its caller (fastapi-users'
// current_user(active=True, ...) parameters).
type Access struct {
	// Superuser requires an active superuser whose token is not an
	// impersonation token; otherwise ErrForbidden.
	Superuser bool
	// Verified requires a verified user; otherwise ErrForbidden. With
	// Settings.RequireVerification every access level requires it, whatever
	// this field says.
	Verified bool
	// Optional makes a missing, bad or unqualified token yield a nil
	// Principal instead of an error (store outages still fail).
	Optional bool
}

// The three access levels of zndraw-auth.
var (
	AccessActive    = Access{}
	AccessSuperuser = Access{Superuser: true}
	AccessOptional  = Access{Optional: true}
)

// CurrentUser resolves a bearer token to its principal and checks access
// (fastapi-users' current_user): an empty, malformed, expired, revoked or
// wrongly-signed token, an unknown or inactive user, a token minted before
// the user's last password change or "logout everywhere", or an
// impersonation token whose admin is gone, inactive, no longer a superuser
// or has a newer token version than at minting, is ErrUnauthorized
// (wrapping ErrInvalidToken or ErrInvalidTokenPayload when the token is at
// fault);
// a non-superuser on a superuser route, or an impersonation token there, is
// ErrForbidden, and so is an unverified user when the access or
// Settings.RequireVerification requires verification. With Optional those cases yield (nil, nil). A store outage is
// ErrServiceUnavailable in every mode.
//
// A token verified before is not parsed again (its exp, nbf and iat are
// still checked against the clock), and the user and revocation state may
// come from a cache: changes made through this Service apply at once;
// changes made elsewhere apply as soon as the store's ChangeFeed reports
// them, or, for a store without one, within Settings.UserCacheTTL (a
// logout at once). Superuser access always reads the store.
func (s *Service) CurrentUser(ctx context.Context, token string, a Access) (*Principal, error) {
	p, err := s.resolve(ctx, token, a.Superuser)
	if err == nil {
		switch {
		case a.Superuser && (!p.User.IsSuperuser || p.Token.Impersonated()):
			err = ErrForbidden
		case (a.Verified || s.settings.RequireVerification) && !p.User.IsVerified:
			err = ErrForbidden
		}
	}
	if err != nil {
		if a.Optional && (errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrForbidden)) {
			return nil, nil
		}
		return nil, err
	}
	return p, nil
}

// resolve verifies token and loads its active user. With mustRead (superuser
// access) the revocation and user state are read from the store, never from
// the cache; otherwise the cache policy of this instant decides.
func (s *Service) resolve(ctx context.Context, token string, mustRead bool) (*Principal, error) {
	if token == "" {
		return nil, ErrUnauthorized
	}
	now := s.clock.Now()
	t, seen, err := s.verifyAccessToken(token, now)
	if errors.Is(err, errBadSubject) {
		return nil, errUnauthorizedPayload
	}
	if err != nil {
		return nil, errUnauthorizedToken
	}
	pol := s.cache.policy(now, mustRead)
	revoked, err := s.isRevoked(ctx, t.info.ID, now, pol, seen)
	if err != nil {
		return nil, s.storeErr("token check", err)
	}
	if revoked {
		return nil, errUnauthorizedToken
	}
	u, err := s.tokenUser(ctx, t.user, now, pol)
	if err != nil {
		return nil, err
	}
	if t.info.Version != u.TokenVersion {
		return nil, errUnauthorizedToken
	}
	if t.info.Impersonated() {
		// The token dies with the impersonating admin's powers, and for
		// good once the admin's token version moved on (password change,
		// logout everywhere, deactivation, demotion).
		admin, err := s.tokenUser(ctx, t.info.ImpersonatedBy, now, pol)
		if errors.Is(err, ErrUnauthorized) || err == nil && (!admin.IsSuperuser || admin.TokenVersion != t.info.ImpersonatorVersion) {
			return nil, errUnauthorizedToken
		}
		if err != nil {
			return nil, err
		}
	}
	return &Principal{User: u, Token: t.info}, nil
}

// activeUser reads id from the store; a missing or inactive user is
// ErrUnauthorized.
func (s *Service) activeUser(ctx context.Context, id uuid.UUID) (User, error) {
	return s.checkActive(s.store.GetUser(ctx, id))
}

// tokenUser is activeUser for a token check: the user may come from the
// cache (see getUser).
func (s *Service) tokenUser(ctx context.Context, id uuid.UUID, now time.Time, pol cachePolicy) (User, error) {
	return s.checkActive(s.getUser(ctx, id, now, pol))
}

// checkActive maps the result of a user read for a token check: a missing
// or inactive user is ErrUnauthorized, an outage ErrServiceUnavailable.
func (s *Service) checkActive(u User, err error) (User, error) {
	if errors.Is(err, ErrNotFound) {
		return User{}, ErrUnauthorized
	}
	if err != nil {
		return User{}, s.storeErr("token check", err)
	}
	if !u.IsActive {
		return User{}, ErrUnauthorized
	}
	return u, nil
}
