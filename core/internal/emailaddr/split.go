package emailaddr

import (
	"strings"
	"unicode/utf8"
)

// combiningLongSolidus (U+0338) composes with '<' into '≮' under NFC, so a
// '<' directly followed by it is not an angle bracket.
const combiningLongSolidus = '\u0338'

// parts is an address split the way email-validator splits it.
type parts struct {
	displayName bool   // angle brackets were present (with or without a name)
	local       string // unquoted and unescaped when quoted
	quoted      bool   // the local part was a quoted string
	domain      string // everything after the first unquoted @-sign
}

// splitEmail separates the display name (if any), the local part and the
// domain, following email-validator's split_email.
func splitEmail(email string) (parts, error) {
	var p parts
	left, right, err := splitAtUnquoted(email, "@<")
	if err != nil {
		return p, err
	}
	local, domain := left, right
	if strings.HasPrefix(right, "<") {
		p.displayName = true
		name, nameQuoted, err := unquote(strings.TrimRightFunc(left, isPySpace))
		if err != nil {
			return p, err
		}
		if !nameQuoted {
			bad := badChars(name, func(r rune) bool { return r != '.' && (isAtext(r) || r == ' ') })
			if bad != "" {
				return p, invalid("The display name contains invalid characters when not quoted: " + bad + ".")
			}
		}
		if err := checkUnsafeChars(name, true); err != nil {
			return p, err
		}
		if !strings.Contains(right, ">") {
			return p, invalid("An open angle bracket at the start of the email address has to be followed by a close angle bracket at the end.")
		}
		right = strings.TrimRight(right, " ")
		if !strings.HasSuffix(right, ">") {
			return p, invalid("There can't be anything after the email address.")
		}
		addrSpec := strings.TrimRight(right[1:], ">")
		local, domain, err = splitAtUnquoted(addrSpec, "@")
		if err != nil {
			return p, err
		}
	}
	p.domain = strings.TrimPrefix(domain, "@")
	p.local, p.quoted, err = unquote(local)
	return p, err
}

// splitAtUnquoted cuts text before the first character of specials that is
// neither inside a quoted string nor composed with a following combining
// character. right starts with that character.
func splitAtUnquoted(text, specials string) (left, right string, err error) {
	insideQuote, escaped := false, false
	for i, r := range text {
		switch {
		case r == '<' && strings.HasPrefix(text[i+1:], string(combiningLongSolidus)):
			// Part of '≮': an ordinary character.
		case insideQuote:
			switch {
			case r == '\\' && !escaped:
				escaped = true
			case r == '"' && !escaped:
				insideQuote, escaped = false, false
			default:
				escaped = false
			}
		case r == '"':
			insideQuote = true
		case strings.ContainsRune(specials, r):
			return text[:i], text[i:], nil
		}
	}
	switch {
	case strings.ContainsRune(text, '\uff20'):
		return "", "", invalid(`The email address has the "full-width" at-sign (@) character instead of a regular at-sign.`)
	case strings.ContainsRune(text, '\ufe6b'):
		return "", "", invalid(`The email address has the "small commercial at" character instead of a regular at-sign.`)
	}
	return "", "", invalid("An email address must have an @-sign.")
}

// unquote removes the quotes around a quoted string and its backslash
// escapes. A string that does not start with a quote is returned as is.
func unquote(text string) (value string, quoted bool, err error) {
	var b strings.Builder
	escaped := false
	for i, r := range text {
		switch {
		case quoted && escaped:
			b.WriteRune(r)
			escaped = false
		case quoted && r == '\\':
			escaped = true
		case quoted && r == '"':
			rest := text[i+1:]
			if rest == "" {
				return b.String(), true, nil
			}
			shown := make([]string, 0, utf8.RuneCountInString(rest))
			for _, c := range rest {
				shown = append(shown, displayChar(c))
			}
			return "", true, invalid("Extra character(s) found after close quote: " + strings.Join(shown, ", "))
		case i == 0 && r == '"':
			quoted = true
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), quoted, nil
}
