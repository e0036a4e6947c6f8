package httpapi

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestMetaReadsEveryForwardedForLine: the client address comes from all
// X-Forwarded-For field lines joined in order, so a line a trusted proxy
// appends wins over the one the client sent.
func TestMetaReadsEveryForwardedForLine(t *testing.T) {
	a := &API{proxies: must(ParseTrustedProxies("127.0.0.1"))}
	for _, tc := range []struct {
		lines []string
		want  string
	}{
		{nil, "127.0.0.1"},
		{[]string{"203.0.113.9"}, "203.0.113.9"},
		{[]string{"203.0.113.66", "198.51.100.7"}, "198.51.100.7"},
		{[]string{"203.0.113.66, 203.0.113.67", "198.51.100.7, 127.0.0.1"}, "198.51.100.7"},
		{[]string{"garbage", "198.51.100.7"}, "198.51.100.7"},
		{[]string{"198.51.100.7", "garbage"}, "127.0.0.1"},
	} {
		h := http.Header{}
		for _, l := range tc.lines {
			h.Add("X-Forwarded-For", l)
		}
		r := &Request{Context: context.Background(), RemoteAddr: "127.0.0.1:4000", Headers: h}
		assert.Equal(t, tc.want, a.Meta(r).ClientIP, "%q", tc.lines)
	}
}
