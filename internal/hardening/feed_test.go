package hardening_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/internal/pgtest"
	bunstore "github.com/zincware/zndraw-auth-go/storage/bun"
)

// feedless is a Store whose change feed, if any, is hidden from the
// Service: only the methods of core.Store are promoted.
type feedless struct{ core.Store }

// feedBackend is one database two instances share, with a change feed.
type feedBackend struct {
	name string
	url  func(t *testing.T) string
}

// feedBackends are a SQLite file and (with pgtest.Env) PostgreSQL.
var feedBackends = []feedBackend{{"sqlite-file", sqliteFileURL}, {"postgres", pgSchemaURL}}

// waitFeedLive waits (at most 15 s) until s's change feed is live and has
// gone live at least subscriptions times, and returns how long that took.
func waitFeedLive(t *testing.T, s *server, subscriptions uint64) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		st := s.svc.ChangeFeedStatus()
		if st.State == core.ChangeFeedLive && st.Subscriptions >= subscriptions {
			return time.Since(start)
		}
		if time.Since(start) > 15*time.Second {
			t.Fatalf("the change feed is not live again after 15 s: %+v", st)
		}
		time.Sleep(time.Millisecond)
	}
}

// eventually polls check (at most 10 s) until it returns "", and returns
// how long that took; otherwise it fails t with check's last answer.
func eventually(t *testing.T, what string, check func() string) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		msg := check()
		if msg == "" {
			return time.Since(start)
		}
		if time.Since(start) > 10*time.Second {
			t.Fatalf("%s: after 10 s still %s", what, msg)
		}
		time.Sleep(time.Millisecond)
	}
}

// status returns "" if r has status want, else a description of r.
func status(r reply, want int) string {
	if r.status == want {
		return ""
	}
	return r.String()
}

// TestFeedTwoInstances: two instances (two services, two servers, two
// connection pools) on one database, with a clock that never moves, so that
// no cache entry ever expires: each kind of change made on instance A, and
// by plain SQL from a third connection, reaches instance B through the
// database's change feed. B has seen (and cached) every token before the
// change; it is polled until it answers the new state.
func TestFeedTwoInstances(t *testing.T) {
	for _, fb := range feedBackends {
		t.Run(fb.name, func(t *testing.T) {
			rawURL := fb.url(t)
			_, sa := openBun(t, rawURL)
			_, sb := openBun(t, rawURL)
			sqlDB, _ := openBun(t, rawURL) // another program
			clk := newClock()
			a := newServer(t, sa, withClock(clk))
			b := newServer(t, sb, withClock(clk))
			waitFeedLive(t, a, 1)
			waitFeedLive(t, b, 1)
			admin := a.user("admin@example.com", true)
			adminA := a.token(admin.Email, userPassword)
			n := 0
			// fresh creates a user and a token that B has checked twice
			// (a token's "not revoked" is cached from its second check).
			fresh := func(superuser bool) (core.User, string) {
				n++
				u := a.user(fmt.Sprintf("u%d@example.com", n), superuser)
				tok := a.token(u.Email, userPassword)
				requireStatus(t, b.me(tok), http.StatusOK, "")
				requireStatus(t, b.me(tok), http.StatusOK, "")
				return u, tok
			}
			rejects := func(tok string) func() string {
				return func() string { return status(b.me(tok), http.StatusUnauthorized) }
			}
			took := map[string]time.Duration{}

			u, tok := fresh(false)
			requireStatus(t, a.do(request{method: "POST", path: "/auth/jwt/logout", token: tok}), http.StatusNoContent, "")
			took["logout"] = eventually(t, "logout", rejects(tok))

			u, tok = fresh(false)
			if err := a.svc.LogoutEverywhere(context.Background(), u, core.RequestMeta{}); err != nil {
				t.Fatal(err)
			}
			took["logout everywhere"] = eventually(t, "logout everywhere", rejects(tok))

			u, tok = fresh(false)
			requireStatus(t, a.do(request{method: "PATCH", path: "/users/me", token: tok, json: map[string]string{"password": "changed on a 123"}}), http.StatusOK, "")
			took["password change"] = eventually(t, "password change", rejects(tok))

			u, tok = fresh(false)
			requireStatus(t, a.do(request{method: "POST", path: "/auth/reset-password", json: map[string]string{"token": a.resetToken(u.Email), "password": "reset on a 1234"}}), http.StatusOK, "")
			took["password reset"] = eventually(t, "password reset", rejects(tok))

			u, tok = fresh(false)
			requireStatus(t, a.do(request{method: "PATCH", path: "/users/" + u.ID.String(), token: adminA, json: map[string]bool{"is_active": false}}), http.StatusOK, "")
			took["deactivation"] = eventually(t, "deactivation", rejects(tok))

			u, tok = fresh(false)
			requireStatus(t, a.do(request{method: "DELETE", path: "/users/" + u.ID.String(), token: adminA}), http.StatusNoContent, "")
			took["deletion"] = eventually(t, "deletion", rejects(tok))

			u, tok = fresh(false)
			requireStatus(t, a.do(request{method: "PATCH", path: "/users/me", token: tok, json: map[string]string{"email": fmt.Sprintf("renamed%d@example.com", n)}}), http.StatusOK, "")
			took["email change"] = eventually(t, "email change", func() string {
				if r := b.me(tok); r.field("email") != fmt.Sprintf("renamed%d@example.com", n) {
					return r.String()
				}
				return ""
			})

			u, tok = fresh(false)
			requireStatus(t, a.do(request{method: "POST", path: "/auth/verify", json: map[string]string{"token": a.verifyToken(u.Email)}}), http.StatusOK, "")
			took["verification"] = eventually(t, "verification", func() string {
				if r := b.me(tok); !bodyHas(r, `"is_verified":true`) {
					return r.String()
				}
				return ""
			})

			// Demotion: the demoted admin's own tokens die (a demotion
			// moves the token version on), on the superuser route (always
			// read from the store), and so do the impersonation tokens the
			// admin minted (checked through the cache).
			boss, bossTok := fresh(true)
			target, _ := fresh(false)
			imp := a.do(request{method: "POST", path: "/admin/users/" + target.ID.String() + "/token", token: bossTok})
			requireStatus(t, imp, http.StatusOK, "")
			impTok := imp.field("access_token")
			requireStatus(t, b.me(impTok), http.StatusOK, "")
			requireStatus(t, b.do(request{method: "GET", path: "/users/" + target.ID.String(), token: bossTok}), http.StatusOK, "")
			requireStatus(t, a.do(request{method: "PATCH", path: "/users/" + boss.ID.String(), token: adminA, json: map[string]bool{"is_superuser": false}}), http.StatusOK, "")
			took["demotion (superuser route)"] = eventually(t, "demotion", func() string {
				return status(b.do(request{method: "GET", path: "/users/" + target.ID.String(), token: bossTok}), http.StatusUnauthorized)
			})
			took["demotion (impersonation fence)"] = eventually(t, "impersonation fence", rejects(impTok))

			u, tok = fresh(false)
			execSQL(t, sqlDB, `UPDATE "user" SET is_active = false WHERE id = ?`, u.ID.String())
			took["plain SQL UPDATE is_active"] = eventually(t, "plain SQL deactivation", rejects(tok))

			u, tok = fresh(false)
			execSQL(t, sqlDB, `DELETE FROM "user" WHERE id = ?`, u.ID.String())
			took["plain SQL DELETE"] = eventually(t, "plain SQL deletion", rejects(tok))

			for _, s := range []*server{a, b} {
				// A loss is safe (the instance reads the store until it
				// has subscribed again), but should not happen here.
				if st := s.svc.ChangeFeedStatus(); st.Losses != 0 {
					t.Logf("the feed was lost %d times (a heavily loaded machine?); logs:\n%s", st.Losses, s.logs.String())
				}
			}
			t.Logf("%s: B answered the new state after (first poll included): %v", fb.name, took)
			_ = u
		})
	}
}

// execSQL runs q on db.
func execSQL(t *testing.T, db *bun.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// bodyHas reports whether r's body contains s.
func bodyHas(r reply, s string) bool { return strings.Contains(string(r.body), s) }

// TestFeedFaultsPostgres kills, under load, first the change-feed
// connections alone (pg_terminate_backend of the listeners) and then every
// connection of both instances (pools and listeners), and after each fault
// makes more changes on A and by plain SQL. Instance B is hammered all the
// while by four clients with every token: the valid ones must get 200 or
// 503; a token revoked (or of a user deactivated) before the load, or one
// that B has rejected once, must never get a 200 again. After each fault B
// must be back on its fast path (the feed live again) without a restart.
// Only the test's own connections are terminated (pgtest.TerminateBackends
// selects them by application_name).
func TestFeedFaultsPostgres(t *testing.T) {
	rawURL := pgSchemaURL(t) // skips without PostgreSQL
	_, sa := openBun(t, rawURL)
	_, sb := openBun(t, rawURL)
	sqlDB, _ := openBun(t, rawURL)
	clk := newClock()
	a := newServer(t, sa, withClock(clk))
	b := newServer(t, sb, withClock(clk))
	waitFeedLive(t, a, 1)
	waitFeedLive(t, b, 1)

	// Eight users with one token each; B has checked them all.
	const users = 8
	var (
		us   []core.User
		toks []string
	)
	for i := range users {
		u := a.user(fmt.Sprintf("load%d@example.com", i), false)
		us, toks = append(us, u), append(toks, a.token(u.Email, userPassword))
		requireStatus(t, b.me(toks[i]), http.StatusOK, "")
	}
	// dead[i] is when B first rejected token i (zero: not yet); from then
	// on a 200 for it is a violation.
	var mu sync.Mutex
	dead := make([]time.Time, users)
	kill := func(what string, i int) {
		t.Helper()
		d := eventually(t, what, func() string {
			r, err := b.try(context.Background(), request{method: "GET", path: "/users/me", token: toks[i]})
			if err != nil {
				return err.Error()
			}
			if r.status == http.StatusUnauthorized {
				mu.Lock()
				if dead[i].IsZero() {
					dead[i] = time.Now()
				}
				mu.Unlock()
				return ""
			}
			return r.String()
		})
		t.Logf("%s: B rejects it %v after the write returned", what, d.Round(time.Microsecond))
	}
	// retry repeats a write through an outage.
	retry := func(what string, f func() error) {
		t.Helper()
		eventually(t, what, func() string {
			if err := f(); err != nil {
				return err.Error()
			}
			return ""
		})
	}
	logout := func(i int) func() error {
		return func() error {
			r, err := a.try(context.Background(), request{method: "POST", path: "/auth/jwt/logout", token: toks[i]})
			if err == nil && r.status != http.StatusNoContent {
				err = fmt.Errorf("logout: %s", r)
			}
			return err
		}
	}
	deactivate := func(i int) func() error {
		return func() error {
			_, err := sqlDB.ExecContext(context.Background(), `UPDATE "user" SET is_active = false WHERE id = ?`, us[i].ID.String())
			return err
		}
	}
	retry("logout 0", logout(0))
	kill("logout before the load", 0)
	retry("deactivate 1", deactivate(1))
	kill("deactivation before the load", 1)

	l := hammer(b, 4, func(w, i int) (request, int) {
		k := (w + i) % users
		return request{method: "GET", path: "/users/me", token: toks[k]}, k
	})
	time.Sleep(200 * time.Millisecond)

	var killed [2]int
	var back [2]time.Duration
	for phase, what := range []string{"the listeners were killed", "every connection was killed"} {
		killed[phase] = pgtest.TerminateBackends(t, rawURL, phase == 0)
		killedAt := time.Now()
		logoutTok, deactTok := 2+2*phase, 3+2*phase
		retry("logout", logout(logoutTok))
		kill("logout right after "+what, logoutTok)
		retry("deactivation", deactivate(deactTok))
		kill("plain-SQL deactivation right after "+what, deactTok)
		waitFeedLive(t, b, uint64(phase+2))
		back[phase] = time.Since(killedAt)
		time.Sleep(200 * time.Millisecond)
	}
	results := l.stop()

	var ok, unavailable, wrong, resurrected int
	for _, r := range results {
		switch r.status {
		case http.StatusOK:
			ok++
			if d := dead[r.tag]; !d.IsZero() && r.start.After(d) {
				resurrected++
			}
		case http.StatusServiceUnavailable:
			unavailable++
		case http.StatusUnauthorized:
			if r.tag >= 6 { // never revoked nor deactivated
				wrong++
			}
		default:
			wrong++
		}
	}
	t.Logf("PostgreSQL: %d requests to B under load: %d×200, %d×503; listeners killed (%d backends): feed live again on B after %v; every connection killed (%d backends): live again after %v",
		len(results), ok, unavailable, killed[0], back[0].Round(time.Millisecond), killed[1], back[1].Round(time.Millisecond))
	if resurrected != 0 || wrong != 0 {
		t.Fatalf("%d answers of 200 for a revoked token or a deactivated user, %d wrong answers", resurrected, wrong)
	}
	if killed[0] < 1 || killed[1] < 3 {
		t.Errorf("terminated %d listeners and %d connections, want at least 1 and 3", killed[0], killed[1])
	}
	for i := 6; i < users; i++ {
		requireStatus(t, b.me(toks[i]), http.StatusOK, "")
	}
	for _, s := range []*server{a, b} {
		if st := s.svc.ChangeFeedStatus(); st.State != core.ChangeFeedLive || st.Losses < 2 {
			t.Errorf("feed status after the faults: %+v", st)
		}
	}
}

// TestFeedSilentPostgres freezes the network between instance B and
// PostgreSQL (nothing is closed, nothing gets through: a partition), right
// before A revokes a token B has cached, while four clients hammer B with
// it. B's feed must notice the silence by its heartbeat and stop trusting
// its caches within the feed's silence bound: no request that starts more
// than 0.75 s after the freeze may get a 200 (B runs on the wall clock;
// its store calls time out after 1 s, so it answers 503 until the network
// is back). After the thaw B must be back on its fast path by itself, and
// reject the token.
func TestFeedSilentPostgres(t *testing.T) {
	schemaURL, proxied, proxy := proxiedPostgres(t) // skips without PostgreSQL
	_, sa := openBun(t, schemaURL)
	_, sb := openBun(t, proxied, bunstore.WithTimeout(time.Second))
	a := newServer(t, sa, withSystemClock())
	b := newServer(t, sb, withSystemClock())
	b.client.Timeout = 10 * time.Second
	waitFeedLive(t, b, 1)
	user := a.user("silent@example.com", false)
	tok := a.token(user.Email, userPassword)
	requireStatus(t, b.me(tok), http.StatusOK, "")

	l := hammer(b, 4, func(int, int) (request, int) { return request{method: "GET", path: "/users/me", token: tok}, 0 })
	time.Sleep(200 * time.Millisecond)
	proxy.Freeze()
	frozenAt := time.Now()
	requireStatus(t, a.do(request{method: "POST", path: "/auth/jwt/logout", token: tok}), http.StatusNoContent, "")
	var downAfter time.Duration
	for time.Since(frozenAt) < 2*time.Second {
		if downAfter == 0 && b.svc.ChangeFeedStatus().State != core.ChangeFeedLive {
			downAfter = time.Since(frozenAt)
		}
		time.Sleep(time.Millisecond)
	}
	proxy.Thaw()
	thawedAt := time.Now()
	waitFeedLive(t, b, 2)
	back := time.Since(thawedAt)
	eventually(t, "B rejects the revoked token after the thaw", func() string { return status(b.me(tok), http.StatusUnauthorized) })
	results := l.stop()

	bound := frozenAt.Add(750 * time.Millisecond)
	var stale, late, unavailable, wrong int
	for _, r := range results {
		switch {
		case r.status == http.StatusOK && r.start.After(frozenAt) && r.start.Before(bound):
			stale++ // from the cache, within the documented window
		case r.status == http.StatusOK && r.start.After(bound):
			late++
		case r.status == http.StatusServiceUnavailable:
			unavailable++
		case r.status == http.StatusOK, r.status == http.StatusUnauthorized:
		default:
			wrong++
		}
	}
	t.Logf("PostgreSQL behind a frozen network: %d requests to B; feed marked down %v after the freeze; %d×200 from the cache within 0.75 s, %d×200 later (impossible), %d×503; fast path back %v after the thaw",
		len(results), downAfter.Round(time.Millisecond), stale, late, unavailable, back.Round(time.Millisecond))
	if late != 0 || wrong != 0 {
		t.Fatalf("%d stale 200s after the bound, %d wrong answers", late, wrong)
	}
	if downAfter == 0 || downAfter > 750*time.Millisecond {
		t.Errorf("the silent feed was marked down after %v, want within 0.75 s", downAfter)
	}
}
