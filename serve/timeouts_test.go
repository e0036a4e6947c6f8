package serve_test

import (
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/zincware/zndraw-auth-go/internal/conntest"
	"github.com/zincware/zndraw-auth-go/serve"
)

func TestNewServerTakesTheDefaults(t *testing.T) {
	d := serve.DefaultTimeouts()
	srv := serve.NewServer(http.NotFoundHandler(), serve.Timeouts{})
	if srv.ReadHeaderTimeout != d.ReadHeader || srv.ReadTimeout != d.Read || srv.WriteTimeout != d.Write ||
		srv.IdleTimeout != d.Idle || srv.MaxHeaderBytes != d.MaxHeaderBytes {
		t.Errorf("NewServer(h, Timeouts{}) = %+v, want the defaults %+v", srv, d)
	}
	for name, v := range map[string]time.Duration{"ReadHeader": d.ReadHeader, "Read": d.Read, "Write": d.Write, "Idle": d.Idle} {
		if v <= 0 || v > 2*time.Minute+1 {
			t.Errorf("default %s = %s", name, v)
		}
	}
	if d.ReadHeader > d.Read || d.Idle <= 60*time.Second {
		t.Errorf("defaults %+v: ReadHeader must not exceed Read, Idle must outlast a proxy's 60 s", d)
	}
}

// TestNewServerClosesSlowClients: with the limits NewServer sets (scaled
// down here so the test is quick), a client that trickles its headers or
// its body, or keeps an idle keep-alive connection, is cut off within the
// limit and not before.
func TestNewServerClosesSlowClients(t *testing.T) {
	limits := serve.Timeouts{ReadHeader: 300 * time.Millisecond, Read: 600 * time.Millisecond, Write: 2 * time.Second, Idle: 400 * time.Millisecond}
	srv := serve.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = w.Write([]byte("ok"))
	}), limits)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	addr := ln.Addr().String()
	const slack = 2 * time.Second
	for _, tc := range []struct {
		name  string
		limit time.Duration
		run   func() time.Duration
	}{
		{"slow header", limits.ReadHeader, func() time.Duration { return conntest.SlowHeader(t, addr, limits.ReadHeader+slack) }},
		{"slow body", limits.Read, func() time.Duration { return conntest.SlowBody(t, addr, "/", limits.Read+slack) }},
		{"idle keep-alive", limits.Idle, func() time.Duration { return conntest.Idle(t, addr, "/", limits.Idle+slack) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.run(); got < tc.limit/2 {
				t.Errorf("closed after %s, long before the limit %s: something else closed it", got, tc.limit)
			}
		})
	}
}
