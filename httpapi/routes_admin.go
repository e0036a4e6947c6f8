package httpapi

import (
	"net/http"

	"github.com/zincware/zndraw-auth-go/core"
)

// adminToken is POST /admin/users/{user_id}/token (superuser, not an
// impersonation token): a non-UUID id is a 422 here (after auth), unlike
// /users/{id}.
func (a *API) adminToken(r *Request) *Response {
	p, resp := a.AuthenticateRequest(r, core.AccessSuperuser)
	if resp != nil {
		return resp
	}
	raw := r.PathValue("user_id")
	id, reason := parseUUIDLikePydantic(raw)
	if reason != "" {
		return validationFailed([]ValidationError{{Type: "uuid_parsing", Loc: []any{"path", "user_id"},
			Msg: "Input should be a valid UUID, " + reason, Input: rawString(raw), Ctx: map[string]string{"error": reason}}})
	}
	token, err := a.svc.MintImpersonationToken(r.Context, p, id, a.Meta(r))
	if err != nil {
		return a.errorResponse(r.Context, err, adminNotFound)
	}
	return jsonResponse(http.StatusOK, bearerResponse{AccessToken: token, TokenType: "bearer"})
}
