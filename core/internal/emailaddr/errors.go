package emailaddr

import (
	"fmt"
	"sort"
	"strings"
)

// MessagePrefix starts the message pydantic gives for an invalid EmailStr;
// the reason follows it.
const MessagePrefix = "value is not a valid email address: "

// Error reports an address that is not valid. Reason is the sentence the
// reference gives (email-validator's, or pydantic's for the length limit).
type Error struct {
	Reason string
}

// Error returns pydantic's message: MessagePrefix followed by the reason.
func (e *Error) Error() string { return MessagePrefix + e.Reason }

func invalid(reason string) error { return &Error{Reason: reason} }

func invalidf(format string, args ...any) error {
	return &Error{Reason: fmt.Sprintf(format, args...)}
}

// badChars lists, as email-validator does, the distinct displays of the
// characters of s for which ok is false, sorted, and joined by ", ". It is
// empty when every character is fine.
func badChars(s string, ok func(r rune) bool) string {
	seen := map[string]bool{}
	var list []string
	for _, r := range s {
		if ok(r) {
			continue
		}
		d := displayChar(r)
		if !seen[d] {
			seen[d] = true
			list = append(list, d)
		}
	}
	// Python sorts str by code point; Go compares UTF-8 bytes, which orders
	// the same way.
	sort.Strings(list)
	return strings.Join(list, ", ")
}

// tooMany formats email-validator's "(N character(s) too many)".
func tooMany(diff int) string {
	return fmt.Sprintf("(%d character%s too many)", diff, plural(diff))
}

func plural(n int) string {
	if n > 1 {
		return "s"
	}
	return ""
}
