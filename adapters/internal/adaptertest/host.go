package adaptertest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/zincware/zndraw-auth-go/httpapi"
)

// testApprovalPageHost: the approval page names the service by the host
// the browser asked for, the same on every adapter (net/http keeps Host
// out of the request's header fields, fasthttp does not).
func testApprovalPageHost(t *testing.T, serve Server) {
	f := NewFixture(t)
	base := serve(t, App{Config: httpapi.Config{Service: f.Service, ApprovalPage: true}})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	for _, host := range []string{u.Host, "auth.example.com"} {
		r := Do(t, base, "GET", "/auth/cli-login/approve", "", "", "", func(req *http.Request) { req.Host = host })
		want := "a command-line tool to <strong>" + host + "</strong>"
		if r.Status != http.StatusOK || !strings.Contains(r.Body, want) {
			t.Errorf("Host %s: %d, page lacks %q:\n%s", host, r.Status, want, r.Body)
		}
	}
}
