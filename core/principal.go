package core

import (
	"context"
	"errors"

	"github.com/google/uuid"
)

// Principal is the authenticated caller: the user (read from the store on
// this request) and the token it presented.
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
	// Verified requires a verified user; otherwise ErrForbidden.
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
// (CONTRACT §2.2): an empty, malformed, expired, revoked or
// wrongly-signed token, an unknown or inactive user, or a token minted before
// the user's last password change or "logout everywhere" is ErrUnauthorized;
// a non-superuser on a superuser route, or an impersonation token there, is
// ErrForbidden. With Optional those cases yield (nil, nil). A store outage is
// ErrServiceUnavailable in every mode.
func (s *Service) CurrentUser(ctx context.Context, token string, a Access) (*Principal, error) {
	p, err := s.resolve(ctx, token)
	if err == nil {
		switch {
		case a.Superuser && (!p.User.IsSuperuser || p.Token.Impersonated()):
			err = ErrForbidden
		case a.Verified && !p.User.IsVerified:
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

// resolve verifies token and loads its active user.
func (s *Service) resolve(ctx context.Context, token string) (*Principal, error) {
	if token == "" {
		return nil, ErrUnauthorized
	}
	claims, sig, err := s.access.parse(token)
	if err != nil {
		return nil, ErrUnauthorized
	}
	id, ok := parseSubject(claims.Subject)
	if !ok {
		return nil, ErrUnauthorized
	}
	info := TokenInfo{ID: claims.ID, ExpiresAt: claims.ExpiresAt.Time.UTC()}
	if info.ID == "" {
		info.ID = syntheticJTI(sig)
	}
	if claims.IssuedAt != nil {
		info.IssuedAt = claims.IssuedAt.Time.UTC()
	}
	if claims.Version != nil {
		info.Version = *claims.Version
	}
	if claims.ImpersonatedBy != nil {
		admin, ok := parseSubject(*claims.ImpersonatedBy)
		if !ok {
			return nil, ErrUnauthorized
		}
		info.ImpersonatedBy = admin
	}
	revoked, err := s.store.IsTokenRevoked(ctx, info.ID)
	if err != nil {
		return nil, s.storeErr("token check", err)
	}
	if revoked {
		return nil, ErrUnauthorized
	}
	u, err := s.activeUser(ctx, id)
	if err != nil {
		return nil, err
	}
	if info.Version != u.TokenVersion {
		return nil, ErrUnauthorized
	}
	if info.Impersonated() {
		// The token dies with the impersonating admin's powers.
		admin, err := s.activeUser(ctx, info.ImpersonatedBy)
		if err != nil {
			return nil, err
		}
		if !admin.IsSuperuser {
			return nil, ErrUnauthorized
		}
	}
	return &Principal{User: u, Token: info}, nil
}

// activeUser loads id; a missing or inactive user is ErrUnauthorized.
func (s *Service) activeUser(ctx context.Context, id uuid.UUID) (User, error) {
	u, err := s.store.GetUser(ctx, id)
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
