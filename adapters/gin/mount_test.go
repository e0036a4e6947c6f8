package ginauth_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	ginauth "github.com/zincware/zndraw-auth-go/adapters/gin"
	"github.com/zincware/zndraw-auth-go/adapters/internal/adaptertest"
	"github.com/zincware/zndraw-auth-go/httpapi"
)

// TestMountRegistersOnlyServedMethods: in debug mode gin prints one line
// per registered route; Mount registers each endpoint for the methods it
// serves, so the lines are exactly the route table's (not nine per path),
// and the other methods still get the kit's JSON 405 with its Allow.
func TestMountRegistersOnlyServedMethods(t *testing.T) {
	f := adaptertest.NewFixture(t)
	kit, err := ginauth.New(httpapi.Config{Service: f.Service, ApprovalPage: true, OpenAPI: true})
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, ep := range kit.Endpoints() {
		want += len(ep.Methods)
	}

	var out bytes.Buffer
	prevMode, prevWriter := gin.Mode(), gin.DefaultWriter
	gin.SetMode(gin.DebugMode)
	gin.DefaultWriter = &out
	r := gin.New()
	kit.Mount(r)
	gin.SetMode(prevMode)
	gin.DefaultWriter = prevWriter
	r.NoRoute(ginauth.NotFoundHandler())

	routes := 0
	for _, l := range strings.Split(out.String(), "\n") {
		if strings.Contains(l, "-->") {
			routes++
		}
	}
	if routes != want {
		t.Errorf("gin printed %d route lines, want %d (one per endpoint and method):\n%s", routes, want, out.String())
	}

	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	for _, tc := range []struct{ method, path, allow string }{
		{"PUT", "/users/me", "GET, PATCH, DELETE"},
		{"GET", "/auth/jwt/login", "POST"},
		{"HEAD", "/auth/register", "POST"},
		{"OPTIONS", "/users/0b7f9e1c-0000-4000-8000-000000000000", "GET, PATCH, DELETE"},
		{"PUT", "/auth/cli-login/approve", "GET, POST"},
		{"POST", "/openapi.json", "GET"},
	} {
		res := adaptertest.Do(t, srv.URL, tc.method, tc.path, "", "", "")
		wantBody := `{"detail":"Method Not Allowed"}`
		if tc.method == "HEAD" {
			wantBody = ""
		}
		if res.Status != http.StatusMethodNotAllowed || res.Header.Get("Allow") != tc.allow ||
			res.Body != wantBody || res.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s %s: %d Allow %q %q %q", tc.method, tc.path, res.Status, res.Header.Get("Allow"), res.Header.Get("Content-Type"), res.Body)
		}
	}
	if res := adaptertest.Do(t, srv.URL, "PUT", "/nope", "", "", ""); res.Status != http.StatusNotFound {
		t.Errorf("PUT /nope: %d, want the NoRoute 404", res.Status)
	}
}
