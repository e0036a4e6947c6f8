package hardening_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
	"github.com/zincware/zndraw-auth-go/internal/barrier"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// tooManyBody is the exact body of a limited request.
const tooManyBody = `{"detail":"TOO_MANY_REQUESTS"}`

// requireLimited asserts a 429 with the contract body and an integer
// Retry-After in [1, max] seconds, and returns Retry-After.
func requireLimited(t *testing.T, r reply, max int) int {
	t.Helper()
	if r.status != http.StatusTooManyRequests || string(r.body) != tooManyBody {
		t.Fatalf("want 429 %s, got %s", tooManyBody, r)
	}
	ra := r.header.Get("Retry-After")
	n, err := strconv.Atoi(ra)
	if err != nil || n < 1 || n > max {
		t.Fatalf("Retry-After = %q, want an integer in [1, %d]", ra, max)
	}
	return n
}

// requireStatus asserts a status (and, when wantDetail is not "", the
// detail).
func requireStatus(t *testing.T, r reply, status int, wantDetail string) {
	t.Helper()
	if r.status != status || (wantDetail != "" && r.detail() != wantDetail) {
		t.Fatalf("want %d %s, got %s", status, wantDetail, r)
	}
}

// TestRateLimitLoginPerIP: the per-IP login limit answers 429 with
// Retry-After, blocks even correct credentials from that IP, and ends with
// its window.
func TestRateLimitLoginPerIP(t *testing.T) {
	const limit = 3
	s := newServer(t, memstore.New(), withLimits(func(r *core.RateLimitSettings) { r.LoginPerIPPerMinute = limit }))
	s.user("ip@example.com", false)
	for i := range limit {
		requireStatus(t, s.login(fmt.Sprintf("nobody%d@example.com", i), "wrong password", nil), http.StatusBadRequest, core.CodeLoginBadCredentials)
	}
	retry := requireLimited(t, s.login("ip@example.com", userPassword, nil), 60)
	s.clock.Advance(time.Duration(retry) * time.Second)
	requireStatus(t, s.login("ip@example.com", userPassword, nil), http.StatusOK, "")
	t.Logf("login per IP: limit %d/min; attempt %d (right password) → 429 Retry-After=%ds; %ds later → 200", limit, limit+1, retry, retry)
}

// TestRateLimitLoginPerAccount: failed logins are capped per account
// (whatever the client IP); past the cap even the right password gets 429;
// other accounts and forgot-password keep working; after the window the
// account works again (no permanent lockout an attacker could trigger).
func TestRateLimitLoginPerAccount(t *testing.T) {
	const limit = 3
	s := newServer(t, memstore.New(), withProxies("127.0.0.1/32"),
		withLimits(func(r *core.RateLimitSettings) { r.LoginFailuresPerAccountPerHour = limit }))
	s.user("victim@example.com", false)
	s.user("bystander@example.com", false)
	allowed := 0
	var retry int
	for i := range limit + 2 {
		// Every attempt from another client IP: the cap is per account.
		r := s.login("victim@example.com", "wrong password", map[string]string{"X-Forwarded-For": fmt.Sprintf("203.0.113.%d", i+1)})
		if r.status == http.StatusTooManyRequests {
			retry = requireLimited(t, r, 3600)
			break
		}
		requireStatus(t, r, http.StatusBadRequest, core.CodeLoginBadCredentials)
		allowed++
	}
	if allowed != limit {
		t.Fatalf("%d wrong passwords were checked before the first 429, want exactly %d", allowed, limit)
	}
	requireLimited(t, s.login("victim@example.com", userPassword, nil), 3600)
	requireLimited(t, s.login("VICTIM@example.com", userPassword, nil), 3600)
	requireStatus(t, s.login("bystander@example.com", userPassword, nil), http.StatusOK, "")
	requireStatus(t, s.do(request{method: "POST", path: "/auth/forgot-password", json: map[string]string{"email": "victim@example.com"}}), http.StatusAccepted, "")

	s.clock.Advance(time.Hour)
	requireStatus(t, s.login("victim@example.com", userPassword, nil), http.StatusOK, "")
	t.Logf("per account: %d failures from %d IPs allowed, then 429 (right password too, Retry-After=%ds); other account 200; after 1 h → 200", allowed, allowed, retry)
}

// TestRateLimitPerIPRoutes: registration, forgot-password, request-verify
// and CLI challenge creation are limited per client IP (ASVS 2.4.1).
func TestRateLimitPerIPRoutes(t *testing.T) {
	const limit = 2
	cases := []struct {
		name string
		set  func(*core.RateLimitSettings)
		req  func(i int) request
		ok   int
	}{
		{"register", func(r *core.RateLimitSettings) { r.RegisterPerIPPerHour = limit }, func(i int) request {
			return request{method: "POST", path: "/auth/register", json: map[string]string{"email": fmt.Sprintf("new%d@example.com", i), "password": userPassword}}
		}, http.StatusCreated},
		{"forgot-password", func(r *core.RateLimitSettings) { r.ForgotPasswordPerIPPerHour = limit }, func(int) request {
			return request{method: "POST", path: "/auth/forgot-password", json: map[string]string{"email": "someone@example.com"}}
		}, http.StatusAccepted},
		{"request-verify-token", func(r *core.RateLimitSettings) { r.ForgotPasswordPerIPPerHour = limit }, func(int) request {
			return request{method: "POST", path: "/auth/request-verify-token", json: map[string]string{"email": "someone@example.com"}}
		}, http.StatusAccepted},
		{"cli-login create", func(r *core.RateLimitSettings) { r.CLILoginCreatePerIPPerHour = limit }, func(int) request {
			return request{method: "POST", path: "/auth/cli-login"}
		}, http.StatusOK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, memstore.New(), withLimits(tc.set))
			for i := range limit {
				requireStatus(t, s.do(tc.req(i)), tc.ok, "")
			}
			retry := requireLimited(t, s.do(tc.req(limit)), 3600)
			s.clock.Advance(time.Duration(retry) * time.Second)
			requireStatus(t, s.do(tc.req(limit+1)), tc.ok, "")
			t.Logf("%s: limit %d/h per IP; request %d → 429 Retry-After=%ds; after it → %d", tc.name, limit, limit+1, retry, tc.ok)
		})
	}
}

// TestRateLimitCLIPoll: polling one challenge faster than
// CLILoginPollInterval (1 s) gets 429 with Retry-After; polling every second
// never does; and under 64 concurrent polls of an approved challenge exactly
// one gets the token.
func TestRateLimitCLIPoll(t *testing.T) {
	s := newServer(t, memstore.New(), withLimits(func(*core.RateLimitSettings) {}))
	u := s.user("cli@example.com", false)
	userTok := s.token(u.Email, userPassword)
	create := s.do(request{method: "POST", path: "/auth/cli-login"})
	requireStatus(t, create, http.StatusOK, "")
	if got := create.body; !jsonHasNumber(got, "interval", 1) {
		t.Fatalf("create response does not announce interval 1: %s", got)
	}
	code, secret := create.field("code"), create.field("secret")

	requireStatus(t, s.poll(code, secret), http.StatusOK, "")
	retry := requireLimited(t, s.poll(code, secret), 1)

	const paced = 10
	for i := range paced {
		s.clock.Advance(time.Second)
		if r := s.poll(code, secret); r.status != http.StatusOK || r.field("status") != "pending" {
			t.Fatalf("paced poll %d (1 s apart): %s", i, r)
		}
	}

	requireStatus(t, s.do(request{method: "PATCH", path: "/auth/cli-login/" + code, token: userTok}), http.StatusOK, "")
	s.clock.Advance(time.Second)
	var c tally
	var mu sync.Mutex
	var tokens []string
	barrier.Run(64, func(int) {
		r, err := s.try(t.Context(), request{method: "GET", path: "/auth/cli-login/" + code + "?secret=" + secret})
		if err != nil {
			t.Errorf("poll: %v", err)
			return
		}
		c.add(r)
		if tok := r.field("token"); tok != "" {
			mu.Lock()
			tokens = append(tokens, tok)
			mu.Unlock()
		}
	})
	if len(tokens) != 1 || c.fivexx() != 0 || c.count(200)+c.count(429)+c.count(404) != 64 {
		t.Fatalf("64 concurrent polls: %d tokens (want 1); %s", len(tokens), &c)
	}
	requireStatus(t, s.me(tokens[0]), http.StatusOK, "")
	if n := s.redeemed.Load(); n != 1 {
		t.Fatalf("OnCLILoginRedeemed fired %d times, want 1", n)
	}
	s.clock.Advance(time.Second)
	requireStatus(t, s.poll(code, secret), http.StatusNotFound, "Challenge not found")
	t.Logf("CLI poll: 2nd poll within 1 s → 429 Retry-After=%ds; %d polls 1 s apart → 0×429; 64 concurrent polls of the approved challenge: %s; tokens minted: %d", retry, paced, &c, len(tokens))
}

// jsonHasNumber reports whether the JSON object b has the number want at
// key.
func jsonHasNumber(b []byte, key string, want float64) bool {
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		return false
	}
	v, ok := m[key].(float64)
	return ok && v == want
}

// TestRateLimitDisabled: RateLimit.Enabled=false switches every limit off,
// however small the configured values.
func TestRateLimitDisabled(t *testing.T) {
	s := newServer(t, memstore.New(), withSettings(func(st *core.Settings) {
		st.RateLimit = core.RateLimitSettings{Enabled: false, LoginFailuresPerAccountPerHour: 1, LoginPerIPPerMinute: 1,
			RegisterPerIPPerHour: 1, ForgotPasswordPerIPPerHour: 1, CLILoginCreatePerIPPerHour: 1}
	}))
	s.user("free@example.com", false)
	const n = 6
	var c tally
	for i := range n {
		c.add(s.login("free@example.com", "wrong password", nil))
		c.add(s.do(request{method: "POST", path: "/auth/register", json: map[string]string{"email": fmt.Sprintf("r%d@example.com", i), "password": userPassword}}))
		c.add(s.do(request{method: "POST", path: "/auth/forgot-password", json: map[string]string{"email": "free@example.com"}}))
		c.add(s.do(request{method: "POST", path: "/auth/request-verify-token", json: map[string]string{"email": "free@example.com"}}))
		c.add(s.do(request{method: "POST", path: "/auth/cli-login"}))
	}
	code, secret := s.challenge()
	for range n {
		c.add(s.poll(code, secret)) // no clock advance: faster than the interval
	}
	c.add(s.login("free@example.com", userPassword, nil))
	if c.count(429) != 0 || c.fivexx() != 0 {
		t.Fatalf("with rate limiting disabled: %s", &c)
	}
	t.Logf("disabled: %d requests at limits of 1 → %s", 5*n+n+1, &c)
}

// TestRateLimitForwardedForUntrusted: X-Forwarded-For from a peer that is not
// a trusted proxy is ignored, so a spoofed header cannot reset the per-IP
// bucket (ASVS 4.1.3).
func TestRateLimitForwardedForUntrusted(t *testing.T) {
	const limit = 3
	s := newServer(t, memstore.New(), withLimits(func(r *core.RateLimitSettings) { r.LoginPerIPPerMinute = limit }))
	for i := range limit {
		hdr := map[string]string{"X-Forwarded-For": fmt.Sprintf("198.51.100.%d", i+1), "X-Real-IP": fmt.Sprintf("192.0.2.%d", i+1)}
		requireStatus(t, s.login("nobody@example.com", "wrong password", hdr), http.StatusBadRequest, "")
	}
	requireLimited(t, s.login("nobody@example.com", "wrong password", map[string]string{"X-Forwarded-For": "198.51.100.99"}), 60)
	requireLimited(t, s.login("nobody@example.com", "wrong password", nil), 60)
	t.Logf("untrusted peer: %d logins with %d different spoofed X-Forwarded-For → the next (new spoofed address) is 429", limit, limit)
}

// TestRateLimitForwardedForTrusted: from a configured proxy the client is
// the right-most untrusted X-Forwarded-For address: it is the bucket, and
// addresses a client prepends to the header do not change it.
func TestRateLimitForwardedForTrusted(t *testing.T) {
	const limit = 3
	s := newServer(t, memstore.New(), withProxies("127.0.0.1/32"),
		withLimits(func(r *core.RateLimitSettings) { r.LoginPerIPPerMinute = limit }))
	xff := func(v string) map[string]string { return map[string]string{"X-Forwarded-For": v} }
	for range limit {
		requireStatus(t, s.login("nobody@example.com", "wrong password", xff("203.0.113.7")), http.StatusBadRequest, "")
	}
	requireLimited(t, s.login("nobody@example.com", "wrong password", xff("203.0.113.7")), 60)
	requireLimited(t, s.login("nobody@example.com", "wrong password", xff("198.51.100.1, 203.0.113.7")), 60)
	requireStatus(t, s.login("nobody@example.com", "wrong password", xff("203.0.113.8")), http.StatusBadRequest, "")
	requireStatus(t, s.login("nobody@example.com", "wrong password", nil), http.StatusBadRequest, "")
	t.Logf("trusted proxy 127.0.0.1/32: XFF 203.0.113.7 limited after %d; \"198.51.100.1, 203.0.113.7\" still limited; 203.0.113.8 and the proxy itself have their own buckets", limit)
}

// TestRateLimitSharedAcrossInstances: two instances on one database count
// failed logins together, so alternating between them gains nothing.
func TestRateLimitSharedAcrossInstances(t *testing.T) {
	const limit = 4
	sa, sb, kind := sharedStores(t)
	clk := newClock()
	lim := withLimits(func(r *core.RateLimitSettings) { r.LoginFailuresPerAccountPerHour = limit; r.LoginPerIPPerMinute = 100 })
	a := newServer(t, sa, withClock(clk), lim)
	b := newServer(t, sb, withClock(clk), lim)
	a.user("shared@example.com", false)
	for i := range limit {
		srv := a
		if i%2 == 1 {
			srv = b
		}
		requireStatus(t, srv.login("shared@example.com", "wrong password", nil), http.StatusBadRequest, core.CodeLoginBadCredentials)
	}
	requireLimited(t, a.login("shared@example.com", userPassword, nil), 3600)
	requireLimited(t, b.login("shared@example.com", userPassword, nil), 3600)
	clk.Advance(time.Hour)
	requireStatus(t, b.login("shared@example.com", userPassword, nil), http.StatusOK, "")
	t.Logf("%s: %d failures alternating A/B, then 429 on A and on B; after 1 h 200", kind, limit)
}

// TestRateLimitLoginPerAccountConcurrent: the per-account cap must hold
// when the wrong passwords arrive at the same time, from different IPs
// (ASVS 4.0.3 2.2.1, 15.4.2 TOCTOU). The kit checks the failure counter
// before verifying and increments it after, so every attempt that passed
// the check before the first failure was recorded is verified.
func TestRateLimitLoginPerAccountConcurrent(t *testing.T) {
	const limit = 3
	s := newServer(t, memstore.New(), withHasher(password.New(timingParams())), withProxies("127.0.0.1/32"),
		withLimits(func(r *core.RateLimitSettings) { r.LoginFailuresPerAccountPerHour = limit }))
	s.user("victim@example.com", false)
	var c tally
	barrier.Run(32, func(i int) {
		r, err := s.try(t.Context(), request{method: "POST", path: "/auth/jwt/login",
			form:   url.Values{"username": {"victim@example.com"}, "password": {"wrong password"}},
			header: map[string]string{"X-Forwarded-For": fmt.Sprintf("203.0.113.%d", i+1)}})
		if err != nil {
			t.Errorf("login: %v", err)
			return
		}
		c.add(r)
	})
	t.Logf("32 concurrent wrong passwords from 32 IPs, cap %d: %s", limit, &c)
	if n := c.count(http.StatusBadRequest); n > limit {
		t.Fatalf("%d wrong passwords were verified, cap is %d", n, limit)
	}
}
