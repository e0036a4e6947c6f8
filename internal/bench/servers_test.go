package bench_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/zincware/zndraw-auth-go/core/password"
	"github.com/zincware/zndraw-auth-go/internal/bench"
)

var testParams = password.TestParams

// TestServers checks what the benchmarks and the load harness rely on:
// every adapter's protected route lets the fixture's token through and
// refuses a request without it, and the unprotected route answers anyone.
func TestServers(t *testing.T) {
	for _, a := range bench.Adapters {
		t.Run(a.Name, func(t *testing.T) {
			st, err := bench.OpenStore(t.Context(), bench.Memory, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = st.Close() })
			fx, err := bench.NewFixture(t.Context(), st, testParams)
			if err != nil {
				t.Fatal(err)
			}
			srv, err := a.New(fx.Service)
			if err != nil {
				t.Fatal(err)
			}
			for _, tc := range []struct {
				path, token string
				want        int
			}{
				{bench.ProtectedPath, fx.Token, http.StatusOK},
				{bench.ProtectedPath, "", http.StatusUnauthorized},
				{bench.ProtectedPath, fx.Token + "x", http.StatusUnauthorized},
				{bench.UnprotectedPath, fx.Token, http.StatusOK},
				{bench.UnprotectedPath, "", http.StatusOK},
			} {
				if got := status(t, srv, tc.path, tc.token); got != tc.want {
					t.Errorf("GET %s with token %t: status %d, want %d", tc.path, tc.token != "", got, tc.want)
				}
			}
		})
	}
}

// status serves one GET of path in process and returns the status.
func status(t *testing.T, srv bench.Server, path, token string) int {
	t.Helper()
	switch s := srv.(type) {
	case *bench.NetHTTPServer:
		return statusHTTP(s.Handler, path, token)
	case *bench.GinServer:
		return statusHTTP(s.Engine, path, token)
	case *bench.FiberServer:
		var req fasthttp.Request
		req.Header.SetMethod(fasthttp.MethodGet)
		req.SetRequestURI(path)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		var ctx fasthttp.RequestCtx
		ctx.Init(&req, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}, nil)
		s.App.Handler()(&ctx)
		return ctx.Response.StatusCode()
	}
	t.Fatalf("unknown server %T", srv)
	return 0
}

func statusHTTP(h http.Handler, path, token string) int {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w.Code
}
