package core

import (
	"errors"

	"github.com/zincware/zndraw-auth-go/core/internal/emailaddr"
)

// InvalidEmailError reports an address that is not a valid email address
// (CONTRACT §3.1). The HTTP layer reports it as a 422 whose message is
// "value is not a valid email address: " + Reason.
type InvalidEmailError struct{ Reason string }

func (e *InvalidEmailError) Error() string { return "value is not a valid email address: " + e.Reason }

// NormalizeEmail validates an address the way pydantic's EmailStr does and
// returns the form to store: surrounding whitespace trimmed, "Name <addr>"
// reduced to addr, the domain lowercased, the local part kept (RFC 2142 role
// names such as info@ lowercased). An invalid address gives an
// *InvalidEmailError.
func NormalizeEmail(email string) (string, error) { return normalizeEmail(email) }

func normalizeEmail(email string) (string, error) {
	n, err := emailaddr.Normalize(email)
	if err != nil {
		var e *emailaddr.Error
		if errors.As(err, &e) {
			return "", &InvalidEmailError{Reason: e.Reason}
		}
		return "", &InvalidEmailError{Reason: err.Error()}
	}
	return n, nil
}
