package hardening_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// TestSecurityEventsLogged: a successful login is one log line, in the
// Service's one shape;
// 300 failed logins with the lockout they cause, and 120 failed resets
// with the per-address limit they run into,
// leave a trace, aggregated so that the flood adds a handful of lines; no
// line carries a password or a token.
func TestSecurityEventsLogged(t *testing.T) {
	s := newServer(t, memstore.New(), withProxies("127.0.0.1/32"), withDefaultLimits())
	admin := s.user("admin@example.com", true)
	user := s.user("user@example.com", false)

	s.logs.Reset()
	tok := s.token(user.Email, userPassword)
	recs := s.logs.Records(t)
	if len(recs) != 1 || recs[0]["event"] != "login" || recs[0]["method"] != "password" ||
		recs[0]["user_id"] != user.ID.String() || recs[0]["client_ip"] != "127.0.0.1" {
		t.Fatalf("a successful login logged %d lines, want exactly one login event with user_id and client_ip: %v", len(recs), recs)
	}

	var logins tally
	for i := range 300 {
		logins.add(s.login(admin.Email, fmt.Sprintf("wrong-password-%d", i), from(fmt.Sprintf("203.0.113.%d", i%10+1))))
	}
	var resets tally
	for i := range 120 {
		resets.add(s.do(request{method: "POST", path: "/auth/reset-password", header: from(fmt.Sprintf("198.51.100.%d", i%3+1)),
			json: map[string]string{"token": fmt.Sprintf("not.a-token.%d", i), "password": "whatever password"}}))
	}
	if logins.count(http.StatusBadRequest) == 0 || logins.count(http.StatusTooManyRequests) == 0 ||
		resets.count(http.StatusBadRequest) == 0 || resets.count(http.StatusTooManyRequests) == 0 {
		t.Fatalf("logins %s, resets %s: want failures and refusals", &logins, &resets)
	}

	count := map[string]int{}
	for _, r := range s.logs.Records(t) {
		if ev, _ := r["event"].(string); ev != "" {
			count[ev]++
			if r["client_ip"] == nil || r["client_ip"] == "" {
				t.Errorf("event %s without client_ip: %v", ev, r)
			}
		}
	}
	// login_failed: 1st, 10th (and 100th, if reached) of the account's
	// hour; login_locked once; rate_limited once per address and window;
	// reset_failed: 1st and 10th per address; rate_limited: once per
	// address whose reset budget (30 an hour) ran out.
	for ev, max := range map[string]int{"login_failed": 3, "login_locked": 1, "reset_failed": 6, "rate_limited": 3} {
		if count[ev] == 0 || count[ev] > max {
			t.Errorf("%d %s lines, want 1 to %d", count[ev], ev, max)
		}
	}
	logs := s.logs.String()
	for _, secret := range []string{"wrong-password-0", "wrong-password-299", userPassword, tok, "not.a-token.7"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log contains %q", secret)
		}
	}
	t.Logf("1 successful login → 1 line; 300 failed logins from 10 addresses (%s) and 120 failed resets from 3 (%s) → %v (%d lines in all)",
		&logins, &resets, count, len(s.logs.Records(t)))
}
