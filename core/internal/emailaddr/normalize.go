package emailaddr

import (
	"errors"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

const (
	// maxInputLength is pydantic's limit, in characters (code points), on the
	// value before anything else is looked at.
	maxInputLength = 2048
	// maxAddressLength is the limit, in UTF-8 octets, on the whole address
	// (RFC 3696 errata 1690).
	maxAddressLength = 254
)

// prettyEmail is pydantic's regular expression for `Name <addr>` and
// `"Name" <addr>`, with Python's Unicode \w and \s spelled out. Go's regexp
// picks the same submatches as Python's backtracking fullmatch.
var prettyEmail = func() *regexp.Regexp {
	space := `[` + pySpaceClass + `]`
	nameChar := `[\p{L}\p{N}_!#$%&'*+\-/=?^` + "`" + `{|}~]`
	unquotedName := `((?:` + nameChar + `+` + space + `+)*` + nameChar + `+)`
	quotedName := `"((?:[^"]|")+)"`
	return regexp.MustCompile(`^` + space + `*(?:` + unquotedName + `|` + quotedName + `)?` +
		space + `*<(.+)>` + space + `*\z`)
}()

// Normalize validates s as pydantic's EmailStr does and returns the address
// to store (see the package doc). An invalid address gives an *Error.
func Normalize(s string) (string, error) {
	if utf8.RuneCountInString(s) > maxInputLength {
		return "", invalidf("Length must not exceed %d characters", maxInputLength)
	}
	if !utf8.ValidString(s) {
		return "", invalid("The email address contains an invalid character.")
	}
	if m := prettyEmail.FindStringSubmatch(s); m != nil {
		s = m[3]
	}
	return validate(strings.TrimFunc(s, isPySpace))
}

// validate is email-validator's validate_email with the options pydantic
// uses.
func validate(email string) (string, error) {
	p, err := splitEmail(email)
	if err != nil {
		return "", err
	}
	local, ascii, err := validateLocalPart(p.local, p.quoted)
	if err != nil {
		return "", err
	}
	// RFC 6532 §3.1: the local part is stored in NFC, and must still be
	// valid in that form (U+037E becomes ';').
	if nfc := norm.NFC.String(local); nfc != local {
		if _, _, err := validateLocalPart(nfc, p.quoted); err != nil {
			var e *Error
			if errors.As(err, &e) {
				return "", invalid("After Unicode normalization: " + e.Reason)
			}
			return "", err
		}
		local = nfc
	}
	if p.quoted {
		return "", invalid("Quoting the part before the @-sign is not allowed here.")
	}
	local = normalizeRole(local, ascii)

	if p.domain == "" {
		return "", invalid("There must be something after the @-sign.")
	}
	if len(p.domain) >= 2 && p.domain[0] == '[' && p.domain[len(p.domain)-1] == ']' {
		if err := checkDomainLiteral(p.domain[1 : len(p.domain)-1]); err != nil {
			return "", err
		}
		return "", invalid("A bracketed IP address after the @-sign is not allowed here.")
	}
	domain, err := validateDomain(p.domain)
	if err != nil {
		return "", err
	}

	// The reference checks the address as given, as normalised and with an
	// ASCII domain; without IDNA the last two are the same here.
	if err := checkLength(p.local + "@" + p.domain); err != nil {
		return "", err
	}
	if len(local)+1+len(domain) > maxAddressLength {
		return "", invalid("The email address is too long after normalization.")
	}
	if p.displayName {
		return "", invalid("A display name and angle brackets around the email address are not permitted here.")
	}
	return local + "@" + domain, nil
}

// checkLength enforces the 254-octet limit on the whole address with
// email-validator's wording for the address as given.
func checkLength(addr string) error {
	diff := len(addr) - maxAddressLength
	if diff <= 0 {
		return nil
	}
	chars := utf8.RuneCountInString(addr)
	if chars == len(addr) {
		return invalidf("The email address is too long %s.", tooMany(diff))
	}
	// Not every character is one byte: give the range of characters that
	// could be too many.
	widest := 1
	for _, r := range addr {
		widest = max(widest, utf8.RuneLen(r))
	}
	least := max(1, diff/widest)
	if least == diff {
		return invalidf("The email address is too long %s.", tooMany(diff))
	}
	return invalidf("The email address is too long (%d-%d character%s too many).", least, diff, plural(diff))
}
