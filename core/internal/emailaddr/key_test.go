package emailaddr

import (
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestKey(t *testing.T) {
	same := [][]string{
		{"Kelly@example.com", "kelly@example.com", "\u212Aelly@example.com", "KELLY@EXAMPLE.COM"},
		{"\u00e9mile@example.com", "e\u0301mile@example.com", "\u00c9mile@example.com", "E\u0301MILE@example.com"},
		{"\u00c5sa@example.com", "\u212Bsa@example.com", "\u00e5sa@example.com", "A\u030asa@example.com"},
		{"ilker@example.com", "Ilker@example.com", "\u0130lker@example.com", "\u0131lker@example.com"},
		{"\u03c3\u03bf\u03c6\u03af\u03b1@example.com", "\u03a3\u039f\u03a6\u038a\u0391@example.com", "\u03c3\u03bf\u03c6\u03af\u03b1@example.com"},
		{"\u03c2@example.com", "\u03c3@example.com", "\u03a3@example.com"},
		{"stra\u00dfe@example.com", "STRA\u1e9eE@example.com"},
	}
	for _, group := range same {
		for _, e := range group[1:] {
			if Key(e) != Key(group[0]) {
				t.Errorf("Key(%q) = %q, Key(%q) = %q: want the same key", e, Key(e), group[0], Key(group[0]))
			}
		}
	}
	different := [][2]string{
		{"strasse@example.com", "stra\u00dfe@example.com"},
		{"emile@example.com", "\u00e9mile@example.com"},
		{"a.b@example.com", "ab@example.com"},
		{"\uff41@example.com", "a@example.com"}, // full-width: a mailbox of its own
	}
	for _, d := range different {
		if Key(d[0]) == Key(d[1]) {
			t.Errorf("Key(%q) = Key(%q) = %q: want different keys", d[0], d[1], Key(d[0]))
		}
	}
}

func FuzzKey(f *testing.F) {
	for _, s := range []string{"a@b.co", "K@b.co", "\u212A@b.co", "e\u0301@b.co", "\u0130\u0131@b.co", "\xff@b.co", "\u03a3\u03c2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := Key(s)
		if Key(k) != k {
			t.Fatalf("Key(%q) = %q, but Key(%q) = %q", s, k, k, Key(k))
		}
		if utf8.ValidString(s) && !norm.NFC.IsNormalString(k) {
			t.Fatalf("Key(%q) = %q is not NFC", s, k)
		}
		if Key(norm.NFD.String(s)) != k && utf8.ValidString(s) {
			t.Fatalf("Key(NFD(%q)) = %q, Key = %q", s, Key(norm.NFD.String(s)), k)
		}
	})
}
