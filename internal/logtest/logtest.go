// Package logtest captures what a test's slog logger writes, as JSON
// lines, for tests that check the kit's log output (security events, one
// line per event, no secrets).
package logtest

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/zincware/zndraw-auth-go/core"
)

// Buffer is the io.Writer of a logger, safe for the server's and the
// test's goroutines at once.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Logger returns a logger that writes JSON lines of every level to b.
func (b *Buffer) Logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// Write implements io.Writer.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Reset forgets what was written so far.
func (b *Buffer) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Reset()
}

// Records decodes every line; a line that is not JSON fails t.
func (b *Buffer) Records(t testing.TB) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		out = append(out, m)
	}
	return out
}

// Find returns the records whose msg contains sub.
func (b *Buffer) Find(t testing.TB, sub string) []map[string]any {
	t.Helper()
	return b.filter(t, func(r map[string]any) bool {
		msg, _ := r["msg"].(string)
		return strings.Contains(msg, sub)
	})
}

// Events returns the security events named name (the records with the
// message core.SecurityEventMessage).
func (b *Buffer) Events(t testing.TB, name string) []map[string]any {
	t.Helper()
	return b.filter(t, func(r map[string]any) bool {
		return r["msg"] == core.SecurityEventMessage && r["event"] == name
	})
}

// filter returns the records keep accepts.
func (b *Buffer) filter(t testing.TB, keep func(map[string]any) bool) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, r := range b.Records(t) {
		if keep(r) {
			out = append(out, r)
		}
	}
	return out
}
