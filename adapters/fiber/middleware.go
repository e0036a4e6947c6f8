package fiberauth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/zincware/zndraw-auth-go/core"
)

// middleware runs the request through the kit's Guard: a refusal ends
// the chain, otherwise the caller rides in the request's user context, the
// one place PrincipalFromContext here and core.PrincipalFromContext read.
func (k *Kit) middleware(access core.Access) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx, refusal := k.Guard(newRequest(c), access)
		if refusal != nil {
			return Write(c, refusal)
		}
		c.SetUserContext(ctx)
		return c.Next()
	}
}

// RequireUser lets only requests with a valid token of an active user
// through (current_active_user); others get 401 (403 for an unverified user
// when core.Settings.RequireVerification is set, or for a session cookie
// that fails the CSRF check; 503 when the store is down), and the chain
// stops.
func (k *Kit) RequireUser() fiber.Handler { return k.middleware(core.AccessActive) }

// RequireSuperuser lets only active superusers through (current_superuser):
// 401 without a valid token, 403 for other users and impersonation tokens.
func (k *Kit) RequireSuperuser() fiber.Handler { return k.middleware(core.AccessSuperuser) }

// OptionalUser resolves the user when a valid token is present and lets
// every other request through as anonymous (current_optional_user). A store
// outage still answers 503, and a session cookie that fails the CSRF check
// (httpapi.CookieConfig) 403.
func (k *Kit) OptionalUser() fiber.Handler { return k.middleware(core.AccessOptional) }

// PrincipalFromContext returns the authenticated principal stored by the
// middleware (the user and the token it presented). It is the kit's own
// value, safe to keep after the handler. Code that has only c.UserContext()
// reads it with core.PrincipalFromContext.
func PrincipalFromContext(c *fiber.Ctx) (*core.Principal, bool) {
	return core.PrincipalFromContext(c.UserContext())
}

// UserFromContext returns the authenticated user stored by the middleware;
// false for anonymous requests through OptionalUser.
func UserFromContext(c *fiber.Ctx) (*core.User, bool) { return core.UserFromContext(c.UserContext()) }
