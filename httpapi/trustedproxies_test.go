package httpapi_test

import (
	"strings"
	"testing"

	"github.com/zincware/zndraw-auth-go/httpapi"
)

// TestParseTrustedProxiesErrors: a bad entry is named, with what would be
// accepted, on one line.
func TestParseTrustedProxiesErrors(t *testing.T) {
	for _, list := range []string{"bogus", "10.0.0.1, bogus", "10.0.0.0/33", "10.0.0.1:80"} {
		_, err := httpapi.ParseTrustedProxies(list)
		if err == nil {
			t.Fatalf("ParseTrustedProxies(%q) succeeded", list)
		}
		bad := strings.TrimSpace(list[strings.LastIndex(list, ",")+1:])
		for _, want := range []string{`"` + bad + `"`, "IP address", "CIDR", "10.0.0.0/8"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("ParseTrustedProxies(%q) = %q, lacks %q", list, err, want)
			}
		}
		if strings.Contains(err.Error(), "ParseAddr") || strings.Contains(err.Error(), "\n") {
			t.Errorf("ParseTrustedProxies(%q) = %q: Go internals or several lines", list, err)
		}
	}
}
