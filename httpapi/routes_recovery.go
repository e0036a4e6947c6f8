package httpapi

import (
	"context"
	"net/http"

	"github.com/zincware/zndraw-auth-go/core"
)

var nullBody = []byte("null")

// embedded reads a body of embedded Body(...) fields.
func embedded(r *Request) (*fields, *Response) {
	b, resp := readBody(r)
	if resp != nil {
		return nil, resp
	}
	return newFields(b, false), nil
}

// forgotPassword is POST /forgot-password: 202 null whatever the address.
func (a *API) forgotPassword(r *Request) *Response {
	return a.emailAccepted(r, a.svc.ForgotPassword)
}

// requestVerify is POST /request-verify-token: 202 null whatever the address.
func (a *API) requestVerify(r *Request) *Response {
	return a.emailAccepted(r, a.svc.RequestVerify)
}

// emailAccepted serves the two routes whose body is an embedded email and
// whose answer is 202 null for every valid address (no enumeration).
func (a *API) emailAccepted(r *Request, start func(context.Context, string, core.RequestMeta) error) *Response {
	f, resp := embedded(r)
	if resp != nil {
		return resp
	}
	email := f.email("email", true)
	if resp := f.result(); resp != nil {
		return resp
	}
	if err := start(r.Context, *email, a.Meta(r)); err != nil {
		return a.errorResponse(r.Context, err, usersNotFound)
	}
	return rawJSON(http.StatusAccepted, nullBody)
}

// resetPassword is POST /reset-password: 200 null.
func (a *API) resetPassword(r *Request) *Response {
	f, resp := embedded(r)
	if resp != nil {
		return resp
	}
	token := f.str("token", true, false)
	password := f.str("password", true, false)
	if resp := f.result(); resp != nil {
		return resp
	}
	if err := a.svc.ResetPassword(r.Context, *token, *password, a.Meta(r)); err != nil {
		return a.errorResponse(r.Context, err, usersNotFound)
	}
	return rawJSON(http.StatusOK, nullBody)
}

// verifyUser is POST /verify: 200 with the verified user.
func (a *API) verifyUser(r *Request) *Response {
	f, resp := embedded(r)
	if resp != nil {
		return resp
	}
	token := f.str("token", true, false)
	if resp := f.result(); resp != nil {
		return resp
	}
	u, err := a.svc.Verify(r.Context, *token, a.Meta(r))
	if err != nil {
		return a.errorResponse(r.Context, err, usersNotFound)
	}
	return jsonResponse(http.StatusOK, NewUserRead(u))
}
