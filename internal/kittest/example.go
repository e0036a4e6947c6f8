package kittest

import (
	"bytes"
	"context"
	"flag"
	"log/slog"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/zincware/zndraw-auth-go/serve"
)

// ExampleRun is the run function of an example server (examples/*/main.go):
// it serves until ctx ends.
type ExampleRun func(ctx context.Context, flags *serve.Flags, logger *slog.Logger) error

// Logs is a concurrency-safe buffer of an example server's log lines.
type Logs struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *Logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns every line logged so far.
func (l *Logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var listening = regexp.MustCompile(`msg="listening on (http://[^"]+)"`)

// StartExample runs an example server as its main does, with args as its
// command line plus -addr 127.0.0.1:0, and returns its base URL (read
// from its "listening on" log line) and its logs. The server stops, and
// run must return nil, when t ends.
func StartExample(t *testing.T, run ExampleRun, args ...string) (string, *Logs) {
	t.Helper()
	fs := flag.NewFlagSet("example", flag.ContinueOnError)
	flags := serve.NewFlags(fs)
	if err := fs.Parse(append([]string{"-addr", "127.0.0.1:0"}, args...)); err != nil {
		t.Fatal(err)
	}
	logs := &Logs{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, flags, slog.New(slog.NewTextHandler(logs, nil))) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("the example server stopped with %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("the example server did not stop")
		}
	})
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := listening.FindStringSubmatch(logs.String()); m != nil {
			return m[1], logs
		}
		select {
		case err := <-done:
			t.Fatalf("the example server stopped: %v\n%s", err, logs.String())
		default:
		}
	}
	t.Fatalf("the example server did not log where it listens:\n%s", logs.String())
	return "", nil
}
