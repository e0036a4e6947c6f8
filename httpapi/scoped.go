package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/zincware/zndraw-auth-go/core"
)

// The 401 details of zndraw-auth's current_user_scoped_session.
const (
	detailNotAuthenticated    = "Not authenticated"
	detailInvalidToken        = "Invalid token"
	detailInvalidTokenPayload = "Invalid token payload"
)

// AuthenticateScoped resolves the Authorization header like zndraw-auth's
// current_user_scoped_session, the dependency its long-poll endpoints use
// instead of current_active_user: any active user passes (superuser and
// verified are not checked), and a refusal is a 401 whose detail says why,
// where the standard dependency (AuthenticateRequest, the middleware's)
// always says "Unauthorized":
//
//   - "Not authenticated": no bearer token (no header, or another scheme),
//     or an unknown or inactive user;
//   - "Invalid token": a token that does not verify (core.ErrInvalidToken;
//     an empty one included);
//   - "Invalid token payload": a sub that is missing or not a UUID
//     (core.ErrInvalidTokenPayload).
//
// A store outage is 503 SERVICE_UNAVAILABLE, as everywhere. Call it from a
// host route that ports such an endpoint, and write the Response with the
// adapter's Write when it is not nil.
func (a *API) AuthenticateScoped(ctx context.Context, authorization string) (*core.Principal, *Response) {
	scheme, token, ok := strings.Cut(authorization, " ")
	if !ok || !strings.EqualFold(scheme, "bearer") {
		return nil, detail(http.StatusUnauthorized, detailNotAuthenticated)
	}
	p, err := a.svc.CurrentUser(ctx, token, core.AccessActive)
	switch {
	case err == nil:
		return p, nil
	case token == "", errors.Is(err, core.ErrInvalidToken):
		return nil, detail(http.StatusUnauthorized, detailInvalidToken)
	case errors.Is(err, core.ErrInvalidTokenPayload):
		return nil, detail(http.StatusUnauthorized, detailInvalidTokenPayload)
	case errors.Is(err, core.ErrUnauthorized):
		return nil, detail(http.StatusUnauthorized, detailNotAuthenticated)
	}
	return nil, a.errorResponse(ctx, err, usersNotFound)
}
