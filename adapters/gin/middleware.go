package ginauth

import (
	"github.com/gin-gonic/gin"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/httpapi"
)

// RequireUser lets only requests with a valid token of an active user
// through (current_active_user); others get 401 (403 for an unverified user
// when core.Settings.RequireVerification is set, or for a session cookie
// that fails the CSRF check; 503 when the store is down), and the chain
// is aborted.
func (k *Kit) RequireUser() gin.HandlerFunc { return k.middleware(core.AccessActive) }

// RequireSuperuser lets only active superusers through (current_superuser):
// 401 without a valid token, 403 for other users and impersonation tokens.
func (k *Kit) RequireSuperuser() gin.HandlerFunc { return k.middleware(core.AccessSuperuser) }

// OptionalUser resolves the user when a valid token is present and lets
// every other request through as anonymous (current_optional_user). A store
// outage still answers 503, and a session cookie that fails the CSRF check
// (httpapi.CookieConfig) 403.
func (k *Kit) OptionalUser() gin.HandlerFunc { return k.middleware(core.AccessOptional) }

// PrincipalFromContext returns the authenticated principal stored by the
// middleware (the user and the token it presented). Code that has only
// c.Request.Context() reads it with core.PrincipalFromContext.
func PrincipalFromContext(c *gin.Context) (*core.Principal, bool) {
	return core.PrincipalFromContext(c.Request.Context())
}

// UserFromContext returns the authenticated user stored by the middleware;
// false for anonymous requests through OptionalUser.
func UserFromContext(c *gin.Context) (*core.User, bool) {
	return core.UserFromContext(c.Request.Context())
}

// middleware runs the request through the kit's Guard: a refusal aborts
// the chain, otherwise the caller rides in the request's context, the one
// place PrincipalFromContext here and core.PrincipalFromContext read.
func (k *Kit) middleware(access core.Access) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, refusal := k.Guard(httpapi.HTTPRequest(c.Request, c.Param), access)
		if refusal != nil {
			Write(c, refusal)
			c.Abort()
			return
		}
		c.Request = c.Request.WithContext(ctx)
		c.Next()
	}
}
