package httpapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/zincware/zndraw-auth-go/core"
)

// AuthenticateRequest resolves the caller of a request for the given access
// level: the entry point of every protected request, the kit's own routes
// and the host's routes behind an adapter's middleware alike, so both answer
// the same. It returns the principal (nil for an anonymous optional
// request) or the response to send instead: 401 Unauthorized, 403
// Forbidden, 503 SERVICE_UNAVAILABLE.
//
// The credentials are the Authorization bearer token and, when the cookie
// transport is on (Config.Cookie) and the bearer token is missing or does
// not resolve, the session cookie, with the CSRF check for unsafe methods.
// The backends are tried in that order; the first that resolves wins.
func (a *API) AuthenticateRequest(r *Request, access core.Access) (*core.Principal, *Response) {
	bearer := BearerToken(r.Headers.Get("Authorization"))
	if a.cookie == nil || a.cookie.read(r) == "" {
		return a.resolve(r, bearer, access)
	}
	if bearer != "" {
		p, resp := a.resolve(r, bearer, access)
		if p != nil || (resp != nil && resp.Status != http.StatusUnauthorized) {
			return p, resp
		}
	}
	return a.cookieAuth(r, access)
}

// Guard is the middleware of every adapter, framework-free: it
// authenticates req for the access level and returns the context the host
// handler runs with (req's, carrying the principal when there is one, for
// core.PrincipalFromContext), or the refusal to send instead, after which
// the adapter stops the chain.
func (a *API) Guard(req *Request, access core.Access) (context.Context, *Response) {
	p, refusal := a.AuthenticateRequest(req, access)
	if refusal != nil {
		return nil, refusal
	}
	if p == nil {
		return req.Context, nil
	}
	return core.ContextWithPrincipal(req.Context, p), nil
}

// resolve checks token for the access level: the principal, or the error
// response.
func (a *API) resolve(r *Request, token string, access core.Access) (*core.Principal, *Response) {
	p, err := a.svc.CurrentUser(r.Context, token, access)
	if err != nil {
		return nil, a.errorResponse(r.Context, err, usersNotFound)
	}
	return p, nil
}

// BearerToken extracts the token of an Authorization header the way
// fastapi's OAuth2PasswordBearer does: split at the first space, the scheme
// compared case-insensitively to "bearer", the rest kept as is. Any other
// header yields "".
func BearerToken(authorization string) string {
	scheme, param, ok := strings.Cut(authorization, " ")
	if !ok || !strings.EqualFold(scheme, "bearer") {
		return ""
	}
	return param
}

// userAccess is the access of the fastapi-users routers: an active user, or
// an active superuser. Verification, when the service requires it, is
// core's rule for every access level (core.Settings.RequireVerification).
func (a *API) userAccess(superuser bool) core.Access {
	if superuser {
		return core.AccessSuperuser
	}
	return core.AccessActive
}
