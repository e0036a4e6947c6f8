package core

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits, in bytes, on the request metadata a CLI challenge keeps for the
// approval screen.
const (
	maxStoredClientIP  = 64
	maxStoredUserAgent = 512
)

// storedText makes s, a value the client chose (a User-Agent), safe to
// keep in any store and to show to a user: invalid UTF-8, control
// characters (NUL included) and the Unicode bidirectional controls, which
// could reorder what an approval screen shows, each become U+FFFD, and the
// result is cut to at most max bytes at a character boundary. PostgreSQL
// refuses NUL and invalid UTF-8 in text, and a cut through a character
// would be invalid UTF-8; neither may turn a request into a 5xx.
func storedText(s string, max int) string {
	clean := true
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || unsafeRune(r) {
			clean = false
			break
		}
		i += size
	}
	if clean && len(s) <= max {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if (r == utf8.RuneError && size == 1) || unsafeRune(r) {
			r = utf8.RuneError
		}
		if b.Len()+utf8.RuneLen(r) > max {
			break
		}
		b.WriteRune(r)
	}
	return b.String()
}

// unsafeRune reports whether r is a control character or a bidirectional
// formatting character (LRM, RLM, ALM, the embeddings, overrides and
// isolates).
func unsafeRune(r rune) bool {
	switch {
	case unicode.IsControl(r):
		return true
	case r == '\u061C', r == '\u200E', r == '\u200F':
		return true
	case r >= '\u202A' && r <= '\u202E', r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}
