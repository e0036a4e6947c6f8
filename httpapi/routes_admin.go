package httpapi

import (
	"fmt"
	"net/http"

	"github.com/google/uuid"
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
	id, err := uuid.Parse(raw)
	if err != nil {
		reason := uuidReason(raw)
		return validationFailed([]ValidationError{{Type: "uuid_parsing", Loc: []any{"path", "user_id"},
			Msg: "Input should be a valid UUID, " + reason, Input: rawString(raw), Ctx: map[string]string{"error": reason}}})
	}
	token, err := a.svc.MintImpersonationToken(r.Context, p, id, a.Meta(r))
	if err != nil {
		return a.errorResponse(r, err, adminNotFound)
	}
	return jsonResponse(http.StatusOK, bearerResponse{AccessToken: token, TokenType: "bearer"})
}

// uuidReason explains a UUID parse failure in pydantic's words.
func uuidReason(s string) string {
	switch n := len([]rune(s)); n {
	case 32, 36, 38, 45:
		return "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-]"
	default:
		return fmt.Sprintf("invalid length: expected length 32 for simple format, found %d", n)
	}
}
