package emailaddr

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
)

// pySpaceClass is the body of a regular-expression character class matching
// exactly the characters Python treats as whitespace (str.isspace, str.strip
// and \s in str patterns).
const pySpaceClass = `\t\n\v\f\r\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}`

// isPySpace reports whether Python's str.isspace holds for r.
func isPySpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', 0x1c, 0x1d, 0x1e, 0x1f, ' ',
		0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

// atextSpecials are the ASCII atext characters other than letters and
// digits (RFC 5322 3.2.3).
const atextSpecials = "!#$%&'*+-/=?^_`{|}~"

// isAtext reports whether r is ASCII atext.
func isAtext(r rune) bool {
	return isASCIIAlnum(r) || (r < 0x80 && strings.ContainsRune(atextSpecials, r))
}

// isAtextIntl reports whether r is atext as extended by RFC 6531 (any
// character from U+0080 on).
func isAtextIntl(r rune) bool { return isAtext(r) || r >= 0x80 }

// isHostnameChar reports whether r may appear in a domain before IDNA
// processing: ASCII letters, digits, '-', '.', and anything non-ASCII.
func isHostnameChar(r rune) bool {
	return isASCIIAlnum(r) || r == '-' || r == '.' || r >= 0x80
}

// isQtextIntl reports whether r may appear in a quoted local part.
func isQtextIntl(r rune) bool { return (r >= 0x20 && r <= 0x7e) || r >= 0x80 }

func isASCIIAlnum(r rune) bool {
	return ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9')
}

func isASCIILetter(r rune) bool {
	return ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z')
}

// isDotAtom reports whether s is one or more runs of characters accepted by
// ok, separated by single periods (RFC 5322 dot-atom-text).
func isDotAtom(s string, ok func(r rune) bool) bool {
	if s == "" {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if part == "" {
			return false
		}
		for _, r := range part {
			if !ok(r) {
				return false
			}
		}
	}
	return true
}

// isSafe reports whether r is a letter, number, punctuation or symbol.
func isSafe(r rune) bool {
	return unicode.In(r, unicode.L, unicode.N, unicode.P, unicode.S)
}

// checkUnsafeChars refuses characters that are valid by the email
// specifications but unsafe or senseless as Unicode text: separators, control,
// format, private-use, surrogate and unassigned code points, and a combining
// mark in first position. Spaces (category Zs) pass when allowSpace is set.
func checkUnsafeChars(s string, allowSpace bool) error {
	var bad []rune
	for i, r := range s {
		switch {
		case isSafe(r):
		case unicode.Is(unicode.M, r):
			if i == 0 {
				bad = append(bad, r)
			}
		case unicode.Is(unicode.Zs, r):
			if !allowSpace {
				bad = append(bad, r)
			}
		default: // Zl, Zp, the C categories and unassigned code points
			bad = append(bad, r)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	sort.Slice(bad, func(i, j int) bool { return bad[i] < bad[j] })
	shown := make([]string, 0, len(bad))
	for i, r := range bad {
		if i > 0 && r == bad[i-1] {
			continue
		}
		shown = append(shown, displayChar(r))
	}
	return invalid("The email address contains unsafe characters: " + strings.Join(shown, ", ") + ".")
}

// displayChar shows a character in an error message as email-validator does:
// printable characters quoted the way Python's repr quotes them, others by
// their Unicode name, or as U+XXXX when they have none.
func displayChar(r rune) string {
	switch {
	case r == '\\':
		return `"\"`
	case r == '\'':
		return `"'"`
	case isSafe(r):
		return "'" + string(r) + "'"
	}
	if name, ok := unicodeNames[r]; ok {
		return name
	}
	if r < 0xFFFF {
		return fmt.Sprintf("U+%04X", r)
	}
	return fmt.Sprintf("U+%08X", r)
}
