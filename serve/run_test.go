package serve_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zincware/zndraw-auth-go/internal/logtest"
	"github.com/zincware/zndraw-auth-go/serve"
)

// drainer counts Drain and Close calls, and records their order.
type drainer struct {
	calls, closes int
	order         []string
}

func (d *drainer) Drain(context.Context) error {
	d.calls++
	d.order = append(d.order, "drain")
	return nil
}

func (d *drainer) Close() error {
	d.closes++
	d.order = append(d.order, "close")
	return nil
}

// TestListenAndServe: the address actually bound is logged through slog
// as "listening on http://ADDR", the server answers, and when the context
// ends it shuts down, waits for the deliveries, closes the drainer (the
// Service's change feed), and ListenAndServe returns nil.
func TestListenAndServe(t *testing.T) {
	logs := &logtest.Buffer{}
	logger := slog.New(slog.NewTextHandler(logs, nil))
	ctx, cancel := context.WithCancel(t.Context())
	srv := serve.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("hello")) }), serve.Timeouts{})
	done := make(chan error, 1)
	d := &drainer{}
	go func() { done <- serve.ListenAndServe(ctx, "127.0.0.1:0", srv, logger, d) }()

	listening := regexp.MustCompile(`msg="listening on (http://127\.0\.0\.1:\d+)"`)
	var url string
	for deadline := time.Now().Add(5 * time.Second); url == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := listening.FindStringSubmatch(logs.String()); m != nil {
			url = m[1]
		}
	}
	if url == "" {
		t.Fatalf("no listening line in %q", logs.String())
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if string(body) != "hello" {
		t.Errorf("body %q", body)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("ListenAndServe: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ListenAndServe did not return after the context ended")
	}
	if d.calls != 1 || d.closes != 1 || strings.Join(d.order, ",") != "drain,close" {
		t.Errorf("Drain called %d times, Close %d times, in the order %v; want each once at shutdown, Drain first", d.calls, d.closes, d.order)
	}
	for _, want := range []string{"shutting down", "stopped"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q: %s", want, logs.String())
		}
	}
}

// TestRunListenError: an address that cannot be bound is the error.
func TestRunListenError(t *testing.T) {
	srv := serve.NewServer(http.NotFoundHandler(), serve.Timeouts{})
	err := serve.ListenAndServe(t.Context(), "256.0.0.1:1", srv, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "256.0.0.1") {
		t.Errorf("err = %v", err)
	}
}

// TestRunAddressInUse: an address another process holds is one line that
// says so and what to do, and still wraps the system's error.
func TestRunAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	srv := serve.NewServer(http.NotFoundHandler(), serve.Timeouts{})
	err = serve.ListenAndServe(t.Context(), ln.Addr().String(), srv, slog.New(slog.DiscardHandler))
	if !errors.Is(err, syscall.EADDRINUSE) {
		t.Fatalf("err = %v, want EADDRINUSE", err)
	}
	want := ln.Addr().String() + " is already in use by another process: stop it, or listen on another address"
	if !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "\n") {
		t.Errorf("err = %q, want one line starting %q", err, want)
	}
}
