package httpapi

import (
	"context"
	"strings"

	"github.com/zincware/zndraw-auth-go/core"
)

// BearerToken extracts the token of an Authorization header the way
// OAuth2PasswordBearer does (CONTRACT §2.1): split at the first space, the
// scheme compared case-insensitively to "bearer", the rest kept as is. Any
// other header yields "".
func BearerToken(authorization string) string {
	scheme, param, ok := strings.Cut(authorization, " ")
	if !ok || !strings.EqualFold(scheme, "bearer") {
		return ""
	}
	return param
}

// Authenticate resolves the Authorization header for a route of the given
// access level. It returns the principal (nil for an anonymous optional
// request) or the response to send instead: 401 Unauthorized, 403
// Forbidden, 503 SERVICE_UNAVAILABLE. Adapters' middleware use it, so host
// routes answer exactly like the kit's own.
func (a *API) Authenticate(ctx context.Context, authorization string, access core.Access) (*core.Principal, *Response) {
	p, err := a.svc.CurrentUser(ctx, BearerToken(authorization), access)
	if err != nil {
		return nil, a.errorResponse(&Request{Context: ctx, Method: "AUTH"}, err, usersNotFound)
	}
	return p, nil
}

// auth is AuthenticateRequest for the kit's own routes.
func (a *API) auth(r *Request, access core.Access) (*core.Principal, *Response) {
	return a.AuthenticateRequest(r, access)
}

// userAccess is the access of the fastapi-users routers: active, plus
// verified when the service requires verification.
func (a *API) userAccess(superuser bool) core.Access {
	return core.Access{Superuser: superuser, Verified: a.svc.Settings().RequireVerification}
}
