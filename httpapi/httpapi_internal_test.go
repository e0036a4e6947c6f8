package httpapi

import (
	"encoding/json"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBearerToken(t *testing.T) {
	for in, want := range map[string]string{
		"":                   "",
		"Bearer abc":         "abc",
		"bearer abc":         "abc",
		"BEARER abc def":     "abc def",
		"Bearer  abc":        " abc", // no trimming, as OAuth2PasswordBearer
		"Bearer ":            "",
		"Basic abc":          "",
		"Bearerabc":          "",
		"Token abc":          "",
		"Bearer\tabc":        "",
		"Bearer abc\r\nx: y": "abc\r\nx: y",
	} {
		assert.Equal(t, want, BearerToken(in), "%q", in)
	}
}

func TestClientIP(t *testing.T) {
	proxies, err := ParseTrustedProxies("10.0.0.0/8, 127.0.0.1")
	require.NoError(t, err)
	a := &API{proxies: proxies}
	cases := []struct{ remote, xff, want string }{
		{"192.0.2.7:5555", "", "192.0.2.7"},
		{"192.0.2.7:5555", "203.0.113.9", "192.0.2.7"},                 // untrusted peer: header ignored
		{"127.0.0.1:5555", "203.0.113.9", "203.0.113.9"},               // trusted peer
		{"127.0.0.1:5555", "198.51.100.1, 203.0.113.9", "203.0.113.9"}, // right-most untrusted
		{"127.0.0.1:5555", "203.0.113.9, 10.1.2.3", "203.0.113.9"},     // skip trusted hops
		{"127.0.0.1:5555", "garbage", "127.0.0.1"},
		{"[::ffff:127.0.0.1]:80", "203.0.113.9", "203.0.113.9"},
		{"[2001:db8::1]:80", "", "2001:db8::1"},
		{"not-an-ip", "", ""},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, a.ClientIP(c.remote, c.xff), "%s / %s", c.remote, c.xff)
	}
	_, err = ParseTrustedProxies("10.0.0.0/33")
	assert.Error(t, err)
	p, err := ParseTrustedProxies("")
	assert.NoError(t, err)
	assert.Empty(t, p)
	assert.Equal(t, []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}, must(ParseTrustedProxies("192.0.2.9/24")))
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestIsJSONContentType(t *testing.T) {
	for ct, want := range map[string]bool{
		"":                                  true,
		"application/json":                  true,
		"application/json; charset=utf-8":   true,
		"Application/JSON":                  true,
		"application/vnd.api+json":          true,
		"application/x-www-form-urlencoded": false,
		"text/plain":                        false,
		"text/json":                         false,
		"multipart/form-data; boundary=x":   false,
	} {
		assert.Equal(t, want, isJSONContentType(ct), ct)
	}
}

func TestLaxBooleans(t *testing.T) {
	cases := map[string]any{ // value → true/false, or the error type
		`true`: true, `false`: false, `1`: true, `0`: false,
		`"yes"`: true, `"ON"`: true, `"t"`: true, `"off"`: false, `"No"`: false, `"0"`: false,
		`2`: "bool_parsing", `"maybe"`: "bool_parsing", `[]`: "bool_type", `{}`: "bool_type", `null`: "bool_type",
	}
	for raw, want := range cases {
		f := newFields(body{kind: bodyJSON, raw: []byte(`{"x":` + raw + `}`), obj: map[string]json.RawMessage{"x": json.RawMessage(raw)}}, true)
		got := f.boolean("x", false)
		if b, ok := want.(bool); ok {
			require.NotNil(t, got, raw)
			assert.Equal(t, b, *got, raw)
			assert.Empty(t, f.errs, raw)
			continue
		}
		assert.Nil(t, got, raw)
		require.Len(t, f.errs, 1, raw)
		assert.Equal(t, want, f.errs[0].Type, raw)
	}
}
