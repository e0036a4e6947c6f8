package hardening_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	bunstore "github.com/zincware/zndraw-auth-go/storage/bun"
)

// TestPostgresOutageMidLoad cuts the TCP connection between the store and a
// real PostgreSQL while four clients hammer GET /users/me (valid token) and
// POST /auth/jwt/login (valid credentials), then restores it. Every
// request carried valid credentials, so any 400, 401 or 5xx other than 503
// is a wrong answer. The service runs on the wall clock with the default
// UserCacheTTL: a token check may answer from what it read up to that long
// before the cut (the documented staleness), but a 200 for a request that
// started later than that after the cut and ended before the restore is
// impossible without a database and counts as wrong too. The service must
// recover by itself, within 5 s.
func TestPostgresOutageMidLoad(t *testing.T) {
	_, proxied, proxy := proxiedPostgres(t) // skips without PostgreSQL
	_, st := openBun(t, proxied, bunstore.WithTimeout(time.Second))
	s := newServer(t, st, withSystemClock())
	s.client.Timeout = 10 * time.Second
	ttl := s.svc.Settings().UserCacheTTL
	s.user("load@example.com", false)
	tok := s.token("load@example.com", userPassword)

	const workers = 4
	l := hammer(s, workers, func(w, i int) (request, int) {
		if (i+w)%2 == 1 {
			return request{method: "POST", path: "/auth/jwt/login", form: url.Values{"username": {"load@example.com"}, "password": {userPassword}}}, 1
		}
		return request{method: "GET", path: "/users/me", token: tok}, 0
	})
	time.Sleep(time.Second)
	proxy.Cut()
	cutAt := time.Now()
	time.Sleep(ttl + time.Second)
	restoreAt := time.Now()
	if err := proxy.Restore(); err != nil {
		t.Errorf("proxy restore: %v", err)
	}
	// Let the load run until the service answered 200 again (at most 5 s),
	// plus half a second of steady state.
	deadline := restoreAt.Add(5 * time.Second)
	var recoveredAt time.Time
	for time.Now().Before(deadline) && recoveredAt.IsZero() {
		time.Sleep(20 * time.Millisecond)
		for _, r := range l.snapshot() {
			if r.status == http.StatusOK && r.start.After(restoreAt) && (recoveredAt.IsZero() || r.end.Before(recoveredAt)) {
				recoveredAt = r.end
			}
		}
	}
	time.Sleep(500 * time.Millisecond)
	results := l.stop()

	var total, ok, unavailable, wrong, impossible, duringCut, cached int
	stale := cutAt.Add(ttl) // from here on, no answer may come from before the cut
	for _, r := range results {
		total++
		inside := r.start.After(stale) && r.end.Before(restoreAt)
		switch r.status {
		case http.StatusOK:
			ok++
			if inside {
				impossible++
			} else if r.start.After(cutAt) && r.end.Before(restoreAt) {
				cached++
			}
		case http.StatusServiceUnavailable:
			unavailable++
		default:
			wrong++
		}
		if inside {
			duringCut++
		}
	}
	recovery := time.Duration(-1)
	if !recoveredAt.IsZero() {
		recovery = recoveredAt.Sub(restoreAt)
	}
	t.Logf("PostgreSQL via TCP proxy, %d workers, cut %v, UserCacheTTL %v: %d requests, %d×200, %d×503, %d wrong (400/401/5xx≠503/transport); during the cut: %d×200 from the cache within the TTL, %d×200 after it (impossible; of %d requests); recovery %v after restore",
		workers, restoreAt.Sub(cutAt).Round(time.Millisecond), ttl, total, ok, unavailable, wrong, cached, impossible, duringCut, recovery.Round(time.Millisecond))
	if wrong != 0 || impossible != 0 {
		t.Fatalf("wrong answers: %d, impossible 200s: %d", wrong, impossible)
	}
	if unavailable == 0 {
		t.Fatal("no request saw the outage: the cut did not take effect")
	}
	if recoveredAt.IsZero() {
		t.Fatal("no 200 within 5 s of restoring the connection")
	}
}
