package bench_test

import (
	"testing"

	"github.com/zincware/zndraw-auth-go/internal/bench"
)

// benchServer returns the in-process benchmark of GET path on srv.
func benchServer(b *testing.B, srv bench.Server, path, token string) func(*testing.B) {
	switch s := srv.(type) {
	case *bench.NetHTTPServer:
		return bench.ServeHTTP(s.Handler, path, token)
	case *bench.GinServer:
		return bench.ServeHTTP(s.Engine, path, token)
	case *bench.FiberServer:
		return bench.ServeFast(s.App.Handler(), path, token)
	}
	b.Fatalf("no in-process benchmark for %T", srv)
	return nil
}
