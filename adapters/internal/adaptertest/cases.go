package adaptertest

import (
	"net/http"

	"github.com/zincware/zndraw-auth-go/httpapi"
)

// MiddlewareCase is a GET of a route behind one of the kit's middlewares
// (/user: RequireUser, /super: RequireSuperuser, /optional: OptionalUser)
// whose handler answers 418.
type MiddlewareCase struct {
	Path, Token string
	Status      int
	Body        string // of a refusal
	Email       string // seen by the handler; "" anonymous
}

// MiddlewareCases are the middleware requests every adapter must answer
// alike, with f's tokens.
func MiddlewareCases(f *Fixture) []MiddlewareCase {
	return []MiddlewareCase{
		{"/user", "", 401, `{"detail":"Unauthorized"}`, ""},
		{"/user", "garbage", 401, `{"detail":"Unauthorized"}`, ""},
		{"/user", f.UserToken, 418, "", UserEmail},
		{"/user", f.AdminToken, 418, "", AdminEmail},
		{"/super", "", 401, `{"detail":"Unauthorized"}`, ""},
		{"/super", f.UserToken, 403, `{"detail":"Forbidden"}`, ""},
		{"/super", f.AdminToken, 418, "", AdminEmail},
		{"/optional", "", 418, "", ""},
		{"/optional", "garbage", 418, "", ""},
		{"/optional", f.UserToken, 418, "", UserEmail},
	}
}

// MountCase is a request to a kit mounted under /api with the Users
// prefix /accounts and the JWT prefix /session, next to the host's own GET
// /api/healthz.
type MountCase struct {
	Method, Path, Token string
	Status              int
}

// MountCases are the requests every adapter must answer alike when the kit
// is mounted under a group with custom prefixes, with f's tokens.
func MountCases(f *Fixture) []MountCase {
	return []MountCase{
		{"GET", "/api/accounts/me", f.UserToken, 200},
		{"GET", "/api/accounts/me", "", 401},
		{"PUT", "/api/accounts/me", "", 405},
		{"POST", "/api/session/logout", "", 401},
		{"GET", "/api/healthz", "", 200},
		{"GET", "/api/users/me", f.UserToken, 404},
		{"GET", "/accounts/me", f.UserToken, 404},
		{"POST", "/api/session/login/", "", 404},
	}
}

// WriteCase is a Response an adapter's Write must send as it is.
type WriteCase struct {
	Name    string
	Resp    *httpapi.Response
	CType   string   // the Content-Type sent; "" none
	Cookies []string // the Set-Cookie values sent; nil not checked
	Body    string
}

// WriteCases are the Responses every adapter's Write must send alike.
func WriteCases() []WriteCase {
	return []WriteCase{
		{"json", httpapi.JSON(http.StatusOK, map[string]string{"a": "<b>"}), "application/json", nil, `{"a":"<b>"}`},
		{"204", &httpapi.Response{Status: http.StatusNoContent, Headers: []httpapi.Header{{Name: "Cache-Control", Value: "no-store"}}}, "", nil, ""},
		{"repeated", &httpapi.Response{Status: http.StatusOK, Headers: []httpapi.Header{
			{Name: "Content-Type", Value: "application/json"}, {Name: "Set-Cookie", Value: "a=1"}, {Name: "Set-Cookie", Value: "b=2"},
		}, Body: []byte(`{}`)}, "application/json", []string{"a=1", "b=2"}, `{}`},
	}
}
