package ginauth

import (
	"context"

	"github.com/gin-gonic/gin"

	"github.com/zincware/zndraw-auth-go/core"
)

// principalKey is the key of the principal in gin's Keys and in the
// request's context.
type principalKey struct{}

// RequireUser lets only requests with a valid token of an active user
// through (current_active_user); others get 401 (or 503 when the store is
// down) and the chain is aborted.
func (k *Kit) RequireUser() gin.HandlerFunc { return k.middleware(core.AccessActive) }

// RequireSuperuser lets only active superusers through (current_superuser):
// 401 without a valid token, 403 for other users and impersonation tokens.
func (k *Kit) RequireSuperuser() gin.HandlerFunc { return k.middleware(core.AccessSuperuser) }

// OptionalUser resolves the user when a valid token is present and lets
// every request through (current_optional_user).
func (k *Kit) OptionalUser() gin.HandlerFunc { return k.middleware(core.AccessOptional) }

func (k *Kit) middleware(access core.Access) gin.HandlerFunc {
	return func(c *gin.Context) {
		// The bearer token, or the cookie (with its CSRF check) when the
		// cookie transport is on: host routes answer like the kit's own.
		p, resp := k.api.AuthenticateRequest(newRequest(c), access)
		if resp != nil {
			Write(c, resp)
			c.Abort()
			return
		}
		if p != nil {
			c.Set(principalKey{}, p)
			c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), principalKey{}, p))
		}
		c.Next()
	}
}

// PrincipalFromContext returns the authenticated principal stored by the
// middleware (the user and, for an impersonation token, who minted it).
func PrincipalFromContext(c *gin.Context) (*core.Principal, bool) {
	v, ok := c.Get(principalKey{})
	if !ok {
		return nil, false
	}
	p, ok := v.(*core.Principal)
	return p, ok && p != nil
}

// UserFromContext returns the authenticated user stored by the middleware;
// false for anonymous requests through OptionalUser.
func UserFromContext(c *gin.Context) (*core.User, bool) {
	p, ok := PrincipalFromContext(c)
	if !ok {
		return nil, false
	}
	return &p.User, true
}

// PrincipalFromRequestContext is PrincipalFromContext for code that only
// has the request's context (c.Request.Context()), such as a service layer
// called from a handler.
func PrincipalFromRequestContext(ctx context.Context) (*core.Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(*core.Principal)
	return p, ok && p != nil
}

// UserFromRequestContext is UserFromContext for code that only has the
// request's context (c.Request.Context()).
func UserFromRequestContext(ctx context.Context) (*core.User, bool) {
	p, ok := PrincipalFromRequestContext(ctx)
	if !ok {
		return nil, false
	}
	return &p.User, true
}
