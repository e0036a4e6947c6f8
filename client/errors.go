package client

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Error is an error answer of the server: its HTTP status and the detail of
// zndraw-auth's {"detail": ...} envelope. Compare it with errors.Is against
// the Err* values, or read it with errors.As.
type Error struct {
	// Status is the HTTP status code.
	Status int
	// Code is the detail when it is a string ("LOGIN_BAD_CREDENTIALS",
	// "Unauthorized", "Challenge expired", ...) or the "code" of an object
	// detail ({"code": ..., "reason": ...}). It is empty for a 422 and for
	// answers that are not the JSON envelope.
	Code string
	// Reason is the "reason" of an object detail (the password policy's
	// message).
	Reason string
	// Validation holds the items of a 422 answer (FastAPI's shape).
	Validation []ValidationError
	// RetryAfter is the Retry-After header of a 429 or 503 (0 if absent).
	RetryAfter time.Duration
	// Body is the start of a body that is not the JSON envelope (e.g. a
	// proxy's HTML error page), at most 512 bytes.
	Body string

	// suffix makes a sentinel match every Code ending in its Code.
	suffix bool
}

// ValidationError is one item of a 422 answer.
type ValidationError struct {
	Type  string          `json:"type"`
	Loc   []any           `json:"loc"`
	Msg   string          `json:"msg"`
	Input json.RawMessage `json:"input,omitempty"`
}

// Error describes the answer, e.g. "zndraw-auth: 400 LOGIN_BAD_CREDENTIALS".
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "zndraw-auth: %d", e.Status)
	switch {
	case e.Code != "":
		b.WriteString(" " + e.Code)
		if e.Reason != "" {
			b.WriteString(": " + e.Reason)
		}
	case len(e.Validation) > 0:
		b.WriteString(" validation error:")
		for i, v := range e.Validation {
			if i > 0 {
				b.WriteString(";")
			}
			fmt.Fprintf(&b, " %v: %s", v.Loc, v.Msg)
		}
	case e.Body != "":
		b.WriteString(": " + e.Body)
	}
	return b.String()
}

// Is reports whether target is an *Error sentinel that e matches: the same
// Status when the target has one, and the same Code when the target has one
// (ErrInvalidPassword matches every "*_INVALID_PASSWORD" code).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok {
		return false
	}
	if t.Status != 0 && t.Status != e.Status {
		return false
	}
	switch {
	case t.Code == "":
		return true
	case t.suffix:
		return strings.HasSuffix(e.Code, t.Code)
	default:
		return t.Code == e.Code
	}
}

// Sentinels for errors.Is. Each matches the status and detail a zndraw-auth
// server answers in that case.
var (
	// ErrBadCredentials: 400 LOGIN_BAD_CREDENTIALS (unknown email, wrong
	// password or inactive user; the server does not say which).
	ErrBadCredentials = &Error{Status: 400, Code: "LOGIN_BAD_CREDENTIALS"}
	// ErrUserNotVerified: 400 LOGIN_USER_NOT_VERIFIED.
	ErrUserNotVerified = &Error{Status: 400, Code: "LOGIN_USER_NOT_VERIFIED"}
	// ErrUserAlreadyExists: 400 REGISTER_USER_ALREADY_EXISTS.
	ErrUserAlreadyExists = &Error{Status: 400, Code: "REGISTER_USER_ALREADY_EXISTS"}
	// ErrEmailAlreadyExists: 400 UPDATE_USER_EMAIL_ALREADY_EXISTS.
	ErrEmailAlreadyExists = &Error{Status: 400, Code: "UPDATE_USER_EMAIL_ALREADY_EXISTS"}
	// ErrInvalidPassword: 400 REGISTER_/UPDATE_USER_/RESET_PASSWORD_INVALID_PASSWORD;
	// Error.Reason holds the policy's message.
	ErrInvalidPassword = &Error{Status: 400, Code: "_INVALID_PASSWORD", suffix: true}
	// ErrUnauthorized: 401, a missing, invalid, expired or revoked token.
	ErrUnauthorized = &Error{Status: 401}
	// ErrForbidden: 403, authenticated but not allowed.
	ErrForbidden = &Error{Status: 403}
	// ErrNotFound: any 404, ErrChallengeNotFound included.
	ErrNotFound = &Error{Status: 404}
	// ErrChallengeNotFound: 404 "Challenge not found". For a CLI login it
	// means the login was denied in the browser, its code was already used,
	// or the code is unknown.
	ErrChallengeNotFound = &Error{Status: 404, Code: "Challenge not found"}
	// ErrChallengeExpired: 410 "Challenge expired": nobody approved the CLI
	// login in time.
	ErrChallengeExpired = &Error{Status: 410, Code: "Challenge expired"}
	// ErrValidation: 422, the request did not validate (see
	// Error.Validation).
	ErrValidation = &Error{Status: 422}
	// ErrTooManyRequests: 429 (see Error.RetryAfter).
	ErrTooManyRequests = &Error{Status: 429}
	// ErrServiceUnavailable: 503, the server's store is unreachable.
	ErrServiceUnavailable = &Error{Status: 503}
)
