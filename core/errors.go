package core

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Storage sentinel errors. Stores return them (possibly wrapped); callers
// test with errors.Is.
var (
	// ErrNotFound: no row matched.
	ErrNotFound = errors.New("zndraw-auth: not found")
	// ErrAlreadyExists: a unique key (a user's email, case-insensitively, or
	// a challenge code) is taken.
	ErrAlreadyExists = errors.New("zndraw-auth: already exists")
	// ErrConflict: a conditional write's precondition did not hold (the row
	// changed state in between). Nothing was written.
	ErrConflict = errors.New("zndraw-auth: conflict")
	// ErrUnavailable: the store cannot be reached (connection refused or
	// lost, timeout, database locked). The HTTP layer answers 503 and the
	// kit fails closed. Stores wrap such errors with it.
	ErrUnavailable = errors.New("zndraw-auth: store unavailable")
)

// Error is an error the Service reports to its caller with one of
// zndraw-auth's error codes (the detail of its error answers, e.g.
// LOGIN_BAD_CREDENTIALS; see the Code* constants). The HTTP layer maps Code
// to a status and detail, so it never inspects messages. Compare with errors.Is against the Err* values
// below (two *Error are equal when their codes are), or use errors.As to read
// Reason and RetryAfter.
type Error struct {
	// Code is one of the Code* constants, e.g. "LOGIN_BAD_CREDENTIALS".
	Code string
	// Reason is set for the *_INVALID_PASSWORD codes: the policy's message.
	Reason string
	// RetryAfter is set for TOO_MANY_REQUESTS.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	if e.Reason != "" {
		return fmt.Sprintf("zndraw-auth: %s: %s", e.Code, e.Reason)
	}
	return "zndraw-auth: " + e.Code
}

// Is reports whether target is an *Error with the same Code.
// ErrInvalidPassword matches any of the three *_INVALID_PASSWORD codes.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok {
		return false
	}
	if t.Code == CodeInvalidPassword {
		return strings.HasSuffix(e.Code, "_"+CodeInvalidPassword)
	}
	return t.Code == e.Code
}

// Error codes. The first group are fastapi-users' ErrorCode values; the
// second are zndraw-auth's and the kit's own.
const (
	CodeLoginBadCredentials          = "LOGIN_BAD_CREDENTIALS"
	CodeLoginUserNotVerified         = "LOGIN_USER_NOT_VERIFIED"
	CodeRegisterUserAlreadyExists    = "REGISTER_USER_ALREADY_EXISTS"
	CodeRegisterInvalidPassword      = "REGISTER_INVALID_PASSWORD"
	CodeUpdateUserEmailAlreadyExists = "UPDATE_USER_EMAIL_ALREADY_EXISTS"
	CodeUpdateUserInvalidPassword    = "UPDATE_USER_INVALID_PASSWORD"
	CodeResetPasswordBadToken        = "RESET_PASSWORD_BAD_TOKEN"
	CodeResetPasswordInvalidPassword = "RESET_PASSWORD_INVALID_PASSWORD"
	CodeVerifyUserBadToken           = "VERIFY_USER_BAD_TOKEN"
	CodeVerifyUserAlreadyVerified    = "VERIFY_USER_ALREADY_VERIFIED"

	CodeUnauthorized       = "UNAUTHORIZED"
	CodeForbidden          = "FORBIDDEN"
	CodeUserNotFound       = "USER_NOT_FOUND"
	CodeChallengeNotFound  = "CHALLENGE_NOT_FOUND"
	CodeChallengeExpired   = "CHALLENGE_EXPIRED"
	CodeTooManyRequests    = "TOO_MANY_REQUESTS"
	CodeServiceUnavailable = "SERVICE_UNAVAILABLE"
	CodeInvalidPassword    = "INVALID_PASSWORD"
)

// Errors returned by the Service.
var (
	ErrBadCredentials     = &Error{Code: CodeLoginBadCredentials}
	ErrUserNotVerified    = &Error{Code: CodeLoginUserNotVerified}
	ErrUserAlreadyExists  = &Error{Code: CodeRegisterUserAlreadyExists}
	ErrEmailAlreadyExists = &Error{Code: CodeUpdateUserEmailAlreadyExists}
	ErrResetBadToken      = &Error{Code: CodeResetPasswordBadToken}
	ErrVerifyBadToken     = &Error{Code: CodeVerifyUserBadToken}
	ErrAlreadyVerified    = &Error{Code: CodeVerifyUserAlreadyVerified}
	// ErrUnauthorized: no token, a bad, expired or revoked token, or an
	// unknown or inactive user.
	ErrUnauthorized = &Error{Code: CodeUnauthorized}
	// ErrForbidden: authenticated but not allowed (not a superuser, or an
	// impersonation token on an admin route).
	ErrForbidden = &Error{Code: CodeForbidden}
	// ErrUserNotFound: the user an operation targets does not exist (or, for
	// impersonation, is inactive).
	ErrUserNotFound       = &Error{Code: CodeUserNotFound}
	ErrChallengeNotFound  = &Error{Code: CodeChallengeNotFound}
	ErrChallengeExpired   = &Error{Code: CodeChallengeExpired}
	ErrTooManyRequests    = &Error{Code: CodeTooManyRequests}
	ErrServiceUnavailable = &Error{Code: CodeServiceUnavailable}
)

// Why a token is ErrUnauthorized, for hosts that report it (zndraw-auth's
// current_user_scoped_session does). CurrentUser's ErrUnauthorized wraps
// one of these when the token itself is at fault; test with errors.Is. A
// plain ErrUnauthorized means no token, or an unknown or inactive user.
var (
	// ErrInvalidToken: the token does not verify (malformed, signature,
	// algorithm, header, audience, exp, nbf, iat, a claim of the wrong
	// type), was revoked, was minted before the user's last password
	// change or "logout everywhere", or is an impersonation token whose
	// admin is no longer an active superuser.
	ErrInvalidToken = errors.New("zndraw-auth: invalid token")
	// ErrInvalidTokenPayload: the token verifies, but its sub is missing or
	// not a UUID.
	ErrInvalidTokenPayload = errors.New("zndraw-auth: invalid token payload")
)

// The ErrUnauthorized that CurrentUser returns for a token at fault.
var (
	errUnauthorizedToken   = fmt.Errorf("%w: %w", ErrUnauthorized, ErrInvalidToken)
	errUnauthorizedPayload = fmt.Errorf("%w: %w", ErrUnauthorized, ErrInvalidTokenPayload)
)

// InvalidPasswordError is what a ValidatePassword hook returns to reject a
// password. The Service turns it into an *Error whose Code depends on the
// operation (REGISTER_/UPDATE_USER_/RESET_PASSWORD_INVALID_PASSWORD) and
// whose Reason is Reason.
type InvalidPasswordError struct{ Reason string }

func (e *InvalidPasswordError) Error() string { return "invalid password: " + e.Reason }

// ErrInvalidPassword matches every *_INVALID_PASSWORD error with errors.Is.
var ErrInvalidPassword = &Error{Code: CodeInvalidPassword}
