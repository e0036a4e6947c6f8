package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/zincware/zndraw-auth-go/core"
)

// notFoundDetail is the detail a route gives core.ErrUserNotFound: "Not
// Found" on the users router, "User not found" on the admin router.
type notFoundDetail string

const (
	usersNotFound notFoundDetail = "Not Found"
	adminNotFound notFoundDetail = "User not found"
)

// errorResponse maps a Service error to its status and detail (the single
// place where that happens). Unknown errors are a logged, generic 500.
func (a *API) errorResponse(ctx context.Context, err error, nf notFoundDetail) *Response {
	var ce *core.Error
	if errors.As(err, &ce) {
		switch ce.Code {
		case core.CodeUnauthorized:
			return unauthorized()
		case core.CodeForbidden:
			return forbidden()
		case core.CodeUserNotFound:
			return detail(http.StatusNotFound, string(nf))
		case core.CodeChallengeNotFound:
			return detail(http.StatusNotFound, "Challenge not found")
		case core.CodeChallengeExpired:
			return detail(http.StatusGone, "Challenge expired")
		case core.CodeTooManyRequests:
			return tooManyRequests(ce)
		case core.CodeServiceUnavailable:
			a.log.WarnContext(ctx, "zndraw-auth: store unavailable", "error", err)
			return detail(http.StatusServiceUnavailable, core.CodeServiceUnavailable)
		case core.CodeRegisterInvalidPassword, core.CodeUpdateUserInvalidPassword, core.CodeResetPasswordInvalidPassword:
			return detail(http.StatusBadRequest, invalidPassword{Code: ce.Code, Reason: ce.Reason})
		default:
			return detail(http.StatusBadRequest, ce.Code)
		}
	}
	var inv *core.InvalidEmailError
	if errors.As(err, &inv) {
		return validationFailed([]ValidationError{{Type: "value_error", Loc: []any{"body", "email"},
			Msg: inv.Error(), Input: jsonNull, Ctx: map[string]string{"reason": inv.Reason}}})
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return detail(http.StatusServiceUnavailable, core.CodeServiceUnavailable)
	}
	a.log.ErrorContext(ctx, "zndraw-auth: internal error", "error", err)
	return internalError()
}

type invalidPassword struct {
	Code   string `json:"code"`
	Reason string `json:"reason"`
}
