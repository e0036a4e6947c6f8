package hardening_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/zincware/zndraw-auth-go/core"
)

// TestHostileUserAgentIsStoredSafely: a CLI challenge created with a
// User-Agent holding NUL, invalid UTF-8, control or bidirectional
// characters, or multi-byte characters past the 512-byte cap is created on
// every store (never a 5xx: PostgreSQL refuses NUL and invalid UTF-8, the
// SQL store refused NUL), and what is kept is valid UTF-8 of at most 512
// bytes without them.
func TestHostileUserAgentIsStoredSafely(t *testing.T) {
	agents := []string{
		"curl/8\x00evil",
		"\xff\xfe\xfd",
		"ok\r\nX-Injected: 1",
		"release\u202Egnp.exe",
		strings.Repeat("€", 300), // 900 bytes: the cap falls inside a character
	}
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			store, _ := be.open(t)
			s := newServer(t, store)
			ctx := context.Background()
			for _, ua := range agents {
				c, err := s.svc.CreateCLIChallenge(ctx, core.RequestMeta{ClientIP: "192.0.2.1", UserAgent: ua})
				if err != nil {
					t.Fatalf("User-Agent %q: %v", ua, err)
				}
				stored, err := store.GetChallenge(ctx, c.Code)
				if err != nil {
					t.Fatal(err)
				}
				kept := stored.UserAgent
				if !utf8.ValidString(kept) || len(kept) > 512 || strings.ContainsAny(kept, "\x00\r\n\u202E") {
					t.Errorf("User-Agent %q kept as %q", ua, kept)
				}
			}
			// Over HTTP, what net/http lets through reaches the store the same way.
			for _, ua := range agents[1:] {
				if strings.ContainsAny(ua, "\r\n") {
					continue
				}
				r := s.do(request{method: "POST", path: "/auth/cli-login", header: map[string]string{"User-Agent": ua}})
				if r.status != http.StatusOK {
					t.Errorf("POST /auth/cli-login with User-Agent %q: %s, want 200", ua, r)
				}
			}
		})
	}
}
