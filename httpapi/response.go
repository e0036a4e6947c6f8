package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/zincware/zndraw-auth-go/core"
)

// Headers every JSON response carries. Cache-Control: no-store keeps tokens
// and personal data out of shared and browser caches.
var (
	hdrJSON    = Header{"Content-Type", "application/json"}
	hdrNoStore = Header{"Cache-Control", "no-store"}
)

// marshal encodes v compactly without HTML escaping, like FastAPI's
// JSONResponse (UTF-8, non-ASCII kept).
func marshal(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only our own types are encoded here; this cannot happen.
		panic(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// jsonResponse answers status with v as the JSON body.
func jsonResponse(status int, v any) *Response {
	return &Response{Status: status, Headers: []Header{hdrJSON, hdrNoStore}, Body: marshal(v)}
}

// rawJSON answers status with a body that is already JSON.
func rawJSON(status int, body []byte) *Response {
	return &Response{Status: status, Headers: []Header{hdrJSON, hdrNoStore}, Body: body}
}

// noContent is 204 with an empty body.
func noContent() *Response {
	return &Response{Status: http.StatusNoContent, Headers: []Header{hdrNoStore}}
}

type detailBody struct {
	Detail any `json:"detail"`
}

// detail answers {"detail": d}.
func detail(status int, d any) *Response { return jsonResponse(status, detailBody{d}) }

// Prebuilt bodies of the common errors.
var (
	bodyUnauthorized = marshal(detailBody{"Unauthorized"})
	bodyForbidden    = marshal(detailBody{"Forbidden"})
	bodyNotFound     = marshal(detailBody{"Not Found"})
)

func unauthorized() *Response { return rawJSON(http.StatusUnauthorized, bodyUnauthorized) }
func forbidden() *Response    { return rawJSON(http.StatusForbidden, bodyForbidden) }
func notFound() *Response     { return rawJSON(http.StatusNotFound, bodyNotFound) }

// NotFound is the reference's answer to an unknown path:
// 404 {"detail":"Not Found"}. Adapters use it for unmatched paths under the
// kit's prefixes.
func NotFound() *Response { return notFound() }

func methodNotAllowed(methods []string) *Response {
	r := detail(http.StatusMethodNotAllowed, "Method Not Allowed")
	allow := ""
	for i, m := range methods {
		if i > 0 {
			allow += ", "
		}
		allow += m
	}
	r.Headers = append(r.Headers, Header{"Allow", allow})
	return r
}

func tooLarge() *Response {
	return detail(http.StatusRequestEntityTooLarge, "Request Entity Too Large")
}

func internalError() *Response {
	return detail(http.StatusInternalServerError, "Internal Server Error")
}

func tooManyRequests(e *core.Error) *Response {
	r := detail(http.StatusTooManyRequests, core.CodeTooManyRequests)
	r.Headers = append(r.Headers, retryAfterHeader(e.RetryAfter))
	return r
}

// retryAfterHeader is a Retry-After header in whole seconds, rounded up
// (at least 1).
func retryAfterHeader(d time.Duration) Header {
	return Header{"Retry-After", strconv.Itoa(max(int((d+time.Second-1)/time.Second), 1))}
}

// UserRead is the public view of a user (fastapi-users' UserRead), with the
// fields in the reference's order. It never contains the password hash.
type UserRead struct {
	ID          string `json:"id"`
	Email       string `json:"email"`
	IsActive    bool   `json:"is_active"`
	IsSuperuser bool   `json:"is_superuser"`
	IsVerified  bool   `json:"is_verified"`
}

// NewUserRead converts a user to its public view.
func NewUserRead(u core.User) UserRead {
	return UserRead{ID: u.ID.String(), Email: u.Email, IsActive: u.IsActive, IsSuperuser: u.IsSuperuser, IsVerified: u.IsVerified}
}

// JSON answers status with v encoded the kit's way (compact, no HTML
// escaping, Cache-Control: no-store). Adapters' demo and host routes use it
// so every response looks alike.
func JSON(status int, v any) *Response { return jsonResponse(status, v) }
