package httpapi

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
)

// parseUUIDLikePydantic parses a UUID path parameter the way pydantic 2
// does (pydantic-core's UUID validator, which calls the Rust uuid crate's
// Uuid::parse_str): 32 hex digits, the hyphenated form, or that form in
// braces or after a lower-case "urn:uuid:" prefix, hex digits in either
// case. On failure it returns the crate's error text, which pydantic puts
// in the message ("Input should be a valid UUID, <text>") and in
// ctx.error.
func parseUUIDLikePydantic(s string) (uuid.UUID, string) {
	if len(s) == 32 || len(s) == 36 ||
		len(s) == 38 && s[0] == '{' && s[37] == '}' ||
		len(s) == 45 && strings.HasPrefix(s, "urn:uuid:") {
		// Everything google/uuid accepts at these lengths, except an
		// upper-case URN prefix (pydantic's is case-sensitive).
		if id, err := uuid.Parse(s); err == nil && (len(s) != 45 || s[:9] == "urn:uuid:") {
			return id, ""
		}
	}
	return uuid.Nil, uuidErrorText(s)
}

// uuidErrorText explains why s is not a UUID, with the checks of the uuid
// crate's InvalidUuid::into_err in their order: the first character that
// is neither a hex digit nor a hyphen (offsets are 1-based byte offsets,
// counting the prefix); with no hyphen at all and no braces or prefix, the
// length; then the number of groups; then the first group of the wrong
// length.
func uuidErrorText(s string) string {
	inner, offset, simple := s, 0, true
	switch {
	case len(s) >= 2 && s[0] == '{' && s[len(s)-1] == '}':
		inner, offset, simple = s[1:len(s)-1], 1, false
	case strings.HasPrefix(s, "urn:uuid:"):
		inner, offset, simple = s[len("urn:uuid:"):], len("urn:uuid:"), false
	}
	hyphens := 0
	var bounds [4]int
	for i, r := range inner {
		switch {
		case r == '-':
			if hyphens < 4 {
				bounds[hyphens] = i
			}
			hyphens++
		case r >= utf8.RuneSelf || !isHex(byte(r)):
			return fmt.Sprintf("invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `%c` at %d", r, i+offset+1)
		}
	}
	if hyphens == 0 && simple {
		return fmt.Sprintf("invalid length: expected length 32 for simple format, found %d", len(s))
	}
	if hyphens != 4 {
		return fmt.Sprintf("invalid group count: expected 5, found %d", hyphens+1)
	}
	starts, lengths := [5]int{0, 9, 14, 19, 24}, [5]int{8, 4, 4, 4, 12}
	for i := range 4 {
		if bounds[i] != starts[i+1]-1 {
			return fmt.Sprintf("invalid group length in group %d: expected %d, found %d", i, lengths[i], bounds[i]-starts[i])
		}
	}
	// The crate counts the last group from the whole input, prefix included.
	return fmt.Sprintf("invalid group length in group 4: expected 12, found %d", len(s)-starts[4])
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
