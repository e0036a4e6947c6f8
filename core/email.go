package core

import (
	"errors"

	"github.com/zincware/zndraw-auth-go/core/internal/emailaddr"
)

// InvalidEmailError reports an address that is not a valid email address
// (pydantic's EmailStr rules). The HTTP layer reports it as a 422 whose message is
// "value is not a valid email address: " + Reason.
type InvalidEmailError struct{ Reason string }

func (e *InvalidEmailError) Error() string { return "value is not a valid email address: " + e.Reason }

// NormalizeEmail validates an address the way pydantic's EmailStr does and
// returns the form to store: surrounding whitespace trimmed, "Name <addr>"
// reduced to addr, the domain lowercased, the local part in Unicode NFC and
// otherwise kept (RFC 2142 role names such as info@ lowercased). An invalid
// address gives an *InvalidEmailError.
func NormalizeEmail(email string) (string, error) { return normalizeEmail(email) }

// EmailKey is the form under which an address is unique: two addresses with
// the same key belong to one account. It is the address in Unicode NFC with
// every character case-folded (lowercased, uppercased and lowercased again,
// so that "K", "k" and the Kelvin sign, "é" typed composed or decomposed in
// either case, or the Turkish dotted and dotless i, each give one key), in
// NFC again. It is what every UserStore compares: emails are unique by key,
// and GetUserByEmail finds the user whose address has the key of the one
// asked for. The stored address itself keeps its case.
//
// The fold joins at least what PostgreSQL's lower() joins in the usual UTF-8
// locales (and so what zndraw-auth's case-insensitive lookups join), so a
// database shared with zndraw-auth never holds two users one lookup would
// find; unlike SQLite's lower(), it is not limited to ASCII. It accepts any
// string, a raw login name included.
func EmailKey(email string) string { return emailaddr.Key(email) }

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
