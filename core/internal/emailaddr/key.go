package emailaddr

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Key is the form under which an address is unique, for every store alike:
// the address in Unicode NFC with every character case-folded (lowercased,
// then uppercased and lowercased again, so that the letters a case mapping
// joins, such as the Turkish dotted and dotless i or the final and medial
// sigma, fold together), then in NFC again. Two addresses with the same key
// are one account's. The fold is per character, as PostgreSQL's lower()
// is, and joins everything lower() joins in the usual UTF-8 locales, so a
// unique index on lower(email) never refuses what keys tell apart; it joins
// more (ß stays ß, but "ſ" is "s").
//
// Key is for comparison only; the address itself is stored as Normalize
// returns it (the local part keeps its case). It accepts any string, a raw
// login name included.
func Key(email string) string {
	if isLowerASCII(email) {
		return email
	}
	folded := strings.Map(foldRune, norm.NFC.String(email))
	return norm.NFC.String(folded)
}

// foldRune folds one character (see Key). Invalid UTF-8 decodes to
// U+FFFD and stays that.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	return unicode.ToLower(unicode.ToUpper(unicode.ToLower(r)))
}

// isLowerASCII reports whether s is ASCII without capital letters (its key
// is itself).
func isLowerASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}
