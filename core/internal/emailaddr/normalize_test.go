package emailaddr

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestNormalizeValid(t *testing.T) {
	for _, c := range validCases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Normalize(c.in)
			if err != nil {
				t.Fatalf("Normalize(%q): %v", c.in, err)
			}
			if got != c.want {
				t.Fatalf("Normalize(%q) = %q, want %q", c.in, got, c.want)
			}
			checkAccepted(t, c.in, got)
		})
	}
}

func TestNormalizeInvalid(t *testing.T) {
	for _, c := range invalidCases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Normalize(c.in)
			if err == nil {
				t.Fatalf("Normalize(%q) = %q, want the error %q", c.in, got, c.reason)
			}
			if got != "" {
				t.Errorf("Normalize(%q) returned %q along with an error", c.in, got)
			}
			if reason := reasonOf(t, err); reason != c.reason {
				t.Fatalf("Normalize(%q) reason\n got: %s\nwant: %s", c.in, reason, c.reason)
			}
		})
	}
}

// TestKnownDifferences pins down the documented departures from the
// reference, so that any change to them is deliberate.
func TestKnownDifferences(t *testing.T) {
	for _, c := range knownDifferences {
		t.Run(c.name, func(t *testing.T) {
			got, err := Normalize(c.in)
			switch {
			case c.reason == "" && err != nil:
				t.Fatalf("Normalize(%q): %v (reference: %s)", c.in, err, c.ref)
			case c.reason == "" && got != c.want:
				t.Fatalf("Normalize(%q) = %q, want %q (reference: %s)", c.in, got, c.want, c.ref)
			case c.reason != "" && err == nil:
				t.Fatalf("Normalize(%q) = %q, want the error %q (reference: %s)", c.in, got, c.reason, c.ref)
			case c.reason != "":
				if reason := reasonOf(t, err); reason != c.reason {
					t.Fatalf("Normalize(%q) reason\n got: %s\nwant: %s", c.in, reason, c.reason)
				}
			}
		})
	}
}

func TestErrorMessage(t *testing.T) {
	_, err := Normalize("king.arthur")
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *Error", err, err)
	}
	const want = "value is not a valid email address: An email address must have an @-sign."
	if err.Error() != want {
		t.Fatalf("Error() = %q, want %q", err.Error(), want)
	}
	if MessagePrefix+e.Reason != want {
		t.Fatalf("MessagePrefix + Reason = %q, want %q", MessagePrefix+e.Reason, want)
	}
}

// TestStoredFormIsStable checks that normalising a stored address again
// changes nothing, including for the addresses the reference would store
// that this package accepts.
func TestStoredFormIsStable(t *testing.T) {
	for _, c := range validCases {
		once, err := Normalize(c.in)
		if err != nil {
			t.Fatalf("Normalize(%q): %v", c.in, err)
		}
		twice, err := Normalize(once)
		if err != nil || twice != once {
			t.Fatalf("Normalize(%q) = %q, %v; want %q unchanged", once, twice, err, once)
		}
	}
}

func TestDisplayChar(t *testing.T) {
	tests := []struct {
		r    rune
		want string
	}{
		{'a', "'a'"},
		{'@', "'@'"},
		{'\'', `"'"`},
		{'\\', `"\"`},
		{'λ', "'λ'"},
		{' ', "SPACE"},
		{'\n', "U+000A"},
		{'\u00ad', "SOFT HYPHEN"},
		{'\u3000', "IDEOGRAPHIC SPACE"},
		{'\ue000', "U+E000"},
		{'\uffff', "U+0000FFFF"},
		{'\U000e0001', "LANGUAGE TAG"},
		{'\U0010fffd', "U+0010FFFD"},
	}
	for _, tt := range tests {
		if got := displayChar(tt.r); got != tt.want {
			t.Errorf("displayChar(%U) = %q, want %q", tt.r, got, tt.want)
		}
	}
}

func TestIsPySpaceMatchesClass(t *testing.T) {
	// The predicate used for trimming and the class used in the pretty-form
	// regular expression must agree, and both must cover Go's white space.
	class := regexp.MustCompile(`^[` + pySpaceClass + `]\z`)
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		if isPySpace(r) != class.MatchString(string(r)) {
			t.Errorf("%U: isPySpace = %v, regexp class = %v", r, isPySpace(r), !isPySpace(r))
		}
		if unicode.IsSpace(r) && !isPySpace(r) {
			t.Errorf("%U is white space in Go but not for Python", r)
		}
	}
}

func reasonOf(t *testing.T, err error) string {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *Error", err, err)
	}
	if e.Reason == "" {
		t.Fatalf("error with an empty reason")
	}
	return e.Reason
}

// checkAccepted asserts the invariants every accepted address must satisfy
// (after Kratos' FuzzIsEmailAddress): bounded length, NFC, exactly one @-sign,
// non-empty parts, no control, format or white-space characters, no RFC 5322
// specials in the local part, a lowercase ASCII LDH domain, and a stored form
// that normalises to itself.
func checkAccepted(t *testing.T, in, out string) {
	t.Helper()
	if len(out) > maxAddressLength {
		t.Fatalf("Normalize(%q) = %q: %d octets", in, out, len(out))
	}
	if !utf8.ValidString(out) {
		t.Fatalf("Normalize(%q) = %q: invalid UTF-8", in, out)
	}
	if !norm.NFC.IsNormalString(out) {
		t.Fatalf("Normalize(%q) = %q: not in NFC", in, out)
	}
	if strings.Count(out, "@") != 1 {
		t.Fatalf("Normalize(%q) = %q: not exactly one @-sign", in, out)
	}
	local, domain, _ := strings.Cut(out, "@")
	if local == "" || domain == "" {
		t.Fatalf("Normalize(%q) = %q: empty part", in, out)
	}
	for _, r := range out {
		if unicode.IsControl(r) || unicode.IsSpace(r) || isPySpace(r) ||
			unicode.In(r, unicode.Cf, unicode.Co, unicode.Cs, unicode.Z) {
			t.Fatalf("Normalize(%q) = %q: contains %U", in, out, r)
		}
	}
	if strings.ContainsAny(local, `()<>[]:;@\,"`) {
		t.Fatalf("Normalize(%q) = %q: RFC 5322 special in the local part", in, out)
	}
	if strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		t.Fatalf("Normalize(%q) = %q: misplaced period in the local part", in, out)
	}
	checkDomain(t, in, domain)
	again, err := Normalize(out)
	if err != nil || again != out {
		t.Fatalf("Normalize(%q) = %q, but Normalize(%q) = %q, %v", in, out, out, again, err)
	}
}

func checkDomain(t *testing.T, in, domain string) {
	t.Helper()
	if len(domain) > maxDomainLength || !strings.Contains(domain, ".") {
		t.Fatalf("Normalize(%q): bad domain %q", in, domain)
	}
	for _, label := range strings.Split(domain, ".") {
		if label == "" || len(label) > maxLabelLength || label[0] == '-' || label[len(label)-1] == '-' ||
			strings.HasPrefix(label, "xn--") {
			t.Fatalf("Normalize(%q): bad label %q in %q", in, label, domain)
		}
		for _, r := range label {
			if !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-') {
				t.Fatalf("Normalize(%q): character %q in the domain %q", in, r, domain)
			}
		}
	}
	if last := domain[len(domain)-1]; last < 'a' || last > 'z' {
		t.Fatalf("Normalize(%q): domain %q does not end with a letter", in, domain)
	}
	for _, d := range specialUseDomains {
		if domain == d || strings.HasSuffix(domain, "."+d) {
			t.Fatalf("Normalize(%q): special-use domain %q", in, domain)
		}
	}
}
