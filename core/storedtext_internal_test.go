package core

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestStoredText(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"curl/8.5.0", 512, "curl/8.5.0"},
		{"", 512, ""},
		{"a\x00b", 512, "a\uFFFDb"},
		{"a\xffb\xfe", 512, "a\uFFFDb\uFFFD"},
		{"tab\there\r\n", 512, "tab\uFFFDhere\uFFFD\uFFFD"},
		{"abc\u202Egnp.exe", 512, "abc\uFFFDgnp.exe"},
		{"\u2066x\u2069\u200F", 512, "\uFFFDx\uFFFD\uFFFD"},
		{"héllo wörld", 512, "héllo wörld"},
		{"abcdef", 3, "abc"},
		{"ab€", 4, "ab"}, // never a cut through a character
		{strings.Repeat("€", 200), 512, strings.Repeat("€", 170)},
		{"\x00\x00\x00", 5, "\uFFFD"},
	} {
		got := storedText(tc.in, tc.max)
		if got != tc.want {
			t.Errorf("storedText(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
		if !utf8.ValidString(got) || len(got) > tc.max || strings.ContainsRune(got, 0) {
			t.Errorf("storedText(%q, %d) = %q: not valid UTF-8 within %d bytes without NUL", tc.in, tc.max, got, tc.max)
		}
	}
}

func FuzzStoredText(f *testing.F) {
	for _, s := range []string{"curl/8", "a\x00b", "\xff\xfe", strings.Repeat("€", 200), "\u202Ex"} {
		f.Add(s, 512)
	}
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max < 0 || max > 4096 {
			return
		}
		got := storedText(s, max)
		if !utf8.ValidString(got) || len(got) > max {
			t.Fatalf("storedText(%q, %d) = %q", s, max, got)
		}
		for _, r := range got {
			if unsafeRune(r) {
				t.Fatalf("storedText(%q, %d) = %q keeps %U", s, max, got, r)
			}
		}
	})
}
