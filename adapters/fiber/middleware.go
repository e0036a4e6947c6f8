package fiberauth

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/zincware/zndraw-auth-go/core"
)

// principalKey is the key of the principal in c.Locals and in the user
// context.
type principalKey struct{}

// RequireUser lets only requests with a valid token of an active user
// through (current_active_user); others get 401 (or 503 when the store is
// down) and the chain stops.
func (k *Kit) RequireUser() fiber.Handler { return k.middleware(core.AccessActive) }

// RequireSuperuser lets only active superusers through (current_superuser):
// 401 without a valid token, 403 for other users and impersonation tokens.
func (k *Kit) RequireSuperuser() fiber.Handler { return k.middleware(core.AccessSuperuser) }

// OptionalUser resolves the user when a valid token is present and lets
// every request through (current_optional_user).
func (k *Kit) OptionalUser() fiber.Handler { return k.middleware(core.AccessOptional) }

func (k *Kit) middleware(access core.Access) fiber.Handler {
	return func(c *fiber.Ctx) error {
		// The bearer token, or the cookie (with its CSRF check) when the
		// cookie transport is on: host routes answer like the kit's own.
		p, resp := k.api.AuthenticateRequest(newRequest(c), access)
		if resp != nil {
			return Write(c, resp)
		}
		if p != nil {
			c.Locals(principalKey{}, p)
			c.SetUserContext(context.WithValue(c.UserContext(), principalKey{}, p))
		}
		return c.Next()
	}
}

// PrincipalFromContext returns the authenticated principal stored by the
// middleware (the user and, for an impersonation token, who minted it).
// The principal is the kit's own value, safe to keep after the handler.
func PrincipalFromContext(c *fiber.Ctx) (*core.Principal, bool) {
	p, ok := c.Locals(principalKey{}).(*core.Principal)
	return p, ok && p != nil
}

// UserFromContext returns the authenticated user stored by the middleware;
// false for anonymous requests through OptionalUser.
func UserFromContext(c *fiber.Ctx) (*core.User, bool) {
	p, ok := PrincipalFromContext(c)
	if !ok {
		return nil, false
	}
	return &p.User, true
}

// PrincipalFromUserContext is PrincipalFromContext for code that only has
// the request's user context (c.UserContext()), such as a service layer
// called from a handler.
func PrincipalFromUserContext(ctx context.Context) (*core.Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(*core.Principal)
	return p, ok && p != nil
}

// UserFromUserContext is UserFromContext for code that only has the
// request's user context (c.UserContext()).
func UserFromUserContext(ctx context.Context) (*core.User, bool) {
	p, ok := PrincipalFromUserContext(ctx)
	if !ok {
		return nil, false
	}
	return &p.User, true
}
