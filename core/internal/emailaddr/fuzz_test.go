package emailaddr

import (
	"errors"
	"testing"
)

// FuzzNormalize checks that Normalize never panics, that every refusal is an
// *Error with a reason, and that every accepted address satisfies the
// invariants of checkAccepted (after Ory Kratos' FuzzIsEmailAddress),
// including idempotence.
func FuzzNormalize(f *testing.F) {
	for _, c := range validCases {
		f.Add(c.in)
	}
	for _, c := range invalidCases {
		f.Add(c.in)
	}
	for _, c := range knownDifferences {
		f.Add(c.in)
	}
	for _, s := range []string{
		"a@b.co", "A@B.CO", "info@b.co", " <a@b.co> ", `"n" <a@b.co>`, "n <a@b.co>",
		"a@b.co\r\n", "\x1ca@b.co\u2029", "a.b.c@d-e.f", "é@b.co", "a\u0301b@b.co",
		"<\u0338a@b.co>", `"a\"@b.co`, `"\\"@b.co`, "a@[IPv6:fe80::1%eth0]", "a@[1.2.3.04]",
		"a@xN--x.co", "a@Ab--c.co", "a@b.c.d.e.f.g.h", "\xc3@b.co", "a@b.co\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := Normalize(in)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Reason == "" {
				t.Fatalf("Normalize(%q): error %v (%T) is not an *Error with a reason", in, err, err)
			}
			if out != "" {
				t.Fatalf("Normalize(%q) returned %q along with an error", in, out)
			}
			return
		}
		checkAccepted(t, in, out)
	})
}
