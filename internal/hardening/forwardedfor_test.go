package hardening_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/zincware/zndraw-auth-go/core"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// TestForwardedForEveryLine: behind a trusted proxy that appends its own
// X-Forwarded-For line (HAProxy's option forwardfor), a client that sends a
// line of its own, different every time, still shares one per-IP bucket:
// the address the proxy appended.
func TestForwardedForEveryLine(t *testing.T) {
	const limit = 5
	s := newServer(t, memstore.New(), withProxies("127.0.0.1"), withLimits(func(r *core.RateLimitSettings) { r.LoginPerIPPerMinute = limit }))
	login := func(i int) int {
		form := url.Values{"username": {"nobody@example.com"}, "password": {"wrong password"}}.Encode()
		req, err := http.NewRequestWithContext(t.Context(), "POST", s.url+"/auth/jwt/login", strings.NewReader(form))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Add("X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i+1)) // sent by the client
		req.Header.Add("X-Forwarded-For", "198.51.100.7")                   // appended by the proxy
		resp, err := s.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	for i := range limit {
		if got := login(i); got != http.StatusBadRequest {
			t.Fatalf("login %d: %d, want 400", i+1, got)
		}
	}
	if got := login(limit); got != http.StatusTooManyRequests {
		t.Fatalf("login %d with a new forged line: %d, want 429 (one bucket: the proxy's line)", limit+1, got)
	}
	t.Logf("%d logins, each with a different client-sent X-Forwarded-For line before the proxy's: the next one is 429", limit)
}
