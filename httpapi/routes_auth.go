package httpapi

import (
	"bytes"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"

	"github.com/zincware/zndraw-auth-go/core"
)

// form is a parsed form body: the last value of each field, as Starlette's
// FormData.get returns it.
type form map[string]string

// parseForm reads an application/x-www-form-urlencoded or
// multipart/form-data body; any other body has no form fields.
func parseForm(r *Request) (form, *Response) {
	f := form{}
	mt, params, _ := mime.ParseMediaType(r.Headers.Get("Content-Type"))
	switch mt {
	case "application/x-www-form-urlencoded":
		vals, err := url.ParseQuery(string(r.Body))
		if err != nil {
			return nil, detail(http.StatusBadRequest, "There was an error parsing the body")
		}
		for k, v := range vals {
			f[k] = v[len(v)-1]
		}
	case "multipart/form-data":
		mf, err := multipart.NewReader(bytes.NewReader(r.Body), params["boundary"]).ReadForm(int64(len(r.Body)) + 1)
		if err != nil {
			return nil, detail(http.StatusBadRequest, "There was an error parsing the body")
		}
		defer func() { _ = mf.RemoveAll() }()
		for k, v := range mf.Value {
			f[k] = v[len(v)-1]
		}
	}
	return f, nil
}

// login is POST /auth/jwt/login: the bearer login.
func (a *API) login(r *Request) *Response {
	sess, resp := a.formLogin(r)
	if resp != nil {
		return resp
	}
	return jsonResponse(http.StatusOK, bearerResponse{AccessToken: sess.AccessToken, TokenType: "bearer"})
}

// formLogin validates the login form of fastapi-users'
// OAuth2PasswordRequestForm (form-encoded username and password, optional
// grant_type "password") and logs in: the session, or the error response.
// The bearer and the cookie login share it.
func (a *API) formLogin(r *Request) (*core.Session, *Response) {
	f, resp := parseForm(r)
	if resp != nil {
		return nil, resp
	}
	var errs []ValidationError
	username, password := f["username"], f["password"]
	if username == "" {
		errs = append(errs, missing("body", "username"))
	}
	if password == "" {
		errs = append(errs, missing("body", "password"))
	}
	if gt := f["grant_type"]; gt != "" && gt != "password" {
		errs = append(errs, ValidationError{Type: "string_pattern_mismatch", Loc: []any{"body", "grant_type"},
			Msg: "String should match pattern '^password$'", Input: rawString(gt), Ctx: map[string]string{"pattern": "^password$"}})
	}
	if len(errs) > 0 {
		return nil, validationFailed(errs)
	}
	sess, err := a.svc.Login(r.Context, username, password, a.Meta(r))
	if err != nil {
		return nil, a.errorResponse(r.Context, err, usersNotFound)
	}
	return sess, nil
}

type bearerResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
}

// logout is POST /auth/jwt/logout: 204, and the token is revoked.
func (a *API) logout(r *Request) *Response {
	p, resp := a.AuthenticateRequest(r, a.userAccess(false))
	if resp != nil {
		return resp
	}
	if err := a.svc.Logout(r.Context, p, a.Meta(r)); err != nil {
		return a.errorResponse(r.Context, err, usersNotFound)
	}
	return noContent()
}

// register is POST /auth/register.
func (a *API) register(r *Request) *Response {
	b, resp := readBody(r)
	if resp != nil {
		return resp
	}
	f := newFields(b, true)
	email := f.email("email", true)
	password := f.str("password", true, false)
	in := core.UserCreate{IsActive: f.boolean("is_active", true), IsSuperuser: f.boolean("is_superuser", true), IsVerified: f.boolean("is_verified", true)}
	if resp := f.result(); resp != nil {
		return resp
	}
	in.Email, in.Password = *email, *password
	u, err := a.svc.Register(r.Context, in, a.Meta(r))
	if err != nil {
		return a.errorResponse(r.Context, err, usersNotFound)
	}
	return jsonResponse(http.StatusCreated, NewUserRead(u))
}
