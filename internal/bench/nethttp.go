package bench

import (
	"context"
	"net"
	"net/http"
	"time"

	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/httpapi"
)

// NetHTTPServer is the net/http adapter's measured server.
type NetHTTPServer struct {
	// Handler serves every route; benchmarks call it in-process.
	Handler http.Handler
	srv     *http.Server
}

// NewNetHTTP mounts the kit and the measured routes on an http.ServeMux.
func NewNetHTTP(svc *core.Service) (*NetHTTPServer, error) {
	kit, err := nethttpauth.New(httpapi.Config{Service: svc})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	kit.Mount(mux)
	hello := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = core.UserFromContext(r.Context())
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write(HelloBody)
	})
	mux.Handle("GET "+ProtectedPath, kit.RequireUser(hello))
	mux.Handle("GET "+UnprotectedPath, hello)
	return &NetHTTPServer{Handler: mux, srv: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}}, nil
}

// Serve serves on ln until Shutdown.
func (s *NetHTTPServer) Serve(ln net.Listener) error {
	err := s.srv.Serve(ln)
	if err == http.ErrServerClosed {
		return nil
	}
	return err
}

// Shutdown stops Serve.
func (s *NetHTTPServer) Shutdown(ctx context.Context) error { return s.srv.Shutdown(ctx) }

// DiscardResponseWriter is an http.ResponseWriter that keeps only the
// status, for in-process handler benchmarks (httptest.ResponseRecorder
// buffers the body and allocates per request, which would blur the
// middleware's own cost). Reset it between requests.
type DiscardResponseWriter struct {
	header http.Header
	// Status is the status written (200 if the handler only wrote a body).
	Status int
}

// Header returns the response header map.
func (w *DiscardResponseWriter) Header() http.Header {
	if w.header == nil {
		w.header = make(http.Header)
	}
	return w.header
}

// Write discards b.
func (w *DiscardResponseWriter) Write(b []byte) (int, error) {
	if w.Status == 0 {
		w.Status = http.StatusOK
	}
	return len(b), nil
}

// WriteHeader records status.
func (w *DiscardResponseWriter) WriteHeader(status int) {
	if w.Status == 0 {
		w.Status = status
	}
}

// Reset clears the status and the header map (keeping its storage).
func (w *DiscardResponseWriter) Reset() {
	w.Status = 0
	clear(w.header)
}
