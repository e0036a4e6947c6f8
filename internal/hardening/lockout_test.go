package hardening_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zincware/zndraw-auth-go/core"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// from is the header that makes a request come from addr through the
// trusted proxy (the servers of these tests trust 127.0.0.1).
func from(addr string) map[string]string { return map[string]string{"X-Forwarded-For": addr} }

// withDefaultLimits turns on the default rate limits, as a deployment has
// them.
func withDefaultLimits() option {
	return withSettings(func(s *core.Settings) { s.RateLimit = core.DefaultSettings().RateLimit })
}

// withHooks adds a set of hooks to the server's.
func withHooks(h core.Hooks) option {
	return func(c *serverConfig) { c.extraHooks = append(c.extraHooks, h) }
}

// attack sends wrong passwords for one account from several addresses, as
// fast as the server answers, until stop.
type attack struct {
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	verified atomic.Int64 // 400: a password was checked
	refused  atomic.Int64 // 429
	other    atomic.Int64 // anything else (must stay 0)
}

// startAttack starts one goroutine per address.
func startAttack(s *server, email string, addrs []string) *attack {
	ctx, cancel := context.WithCancel(context.Background())
	a := &attack{cancel: cancel}
	for i, addr := range addrs {
		a.wg.Add(1)
		go func() {
			defer a.wg.Done()
			for n := 0; ctx.Err() == nil; n++ {
				r, err := s.try(ctx, request{method: "POST", path: "/auth/jwt/login", header: from(addr),
					form: url.Values{"username": {email}, "password": {fmt.Sprintf("guess-%d-%d", i, n)}}})
				switch {
				case err != nil && ctx.Err() != nil:
					return
				case err == nil && r.status == http.StatusBadRequest:
					a.verified.Add(1)
				case err == nil && r.status == http.StatusTooManyRequests:
					a.refused.Add(1)
				default:
					a.other.Add(1)
				}
				time.Sleep(200 * time.Microsecond)
			}
		}()
	}
	return a
}

// stop ends the attack and waits for its goroutines.
func (a *attack) stop() {
	a.cancel()
	a.wg.Wait()
}

// waitVerified waits until the attack had n passwords checked.
func (a *attack) waitVerified(t *testing.T, n int64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for a.verified.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("the attack had %d passwords checked in 30 s, want %d", a.verified.Load(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// retryAfter is the Retry-After of a reply, in seconds (0 if none).
func retryAfter(r reply) int {
	n, _ := strconv.Atoi(r.header.Get("Retry-After"))
	return n
}

// TestSmartLockoutOwnerKeepsAWayIn: with the default limits, an attack
// from 5 addresses runs for the whole test. It locks the account for every
// unfamiliar address (the right password answers 429 there), and gets at
// most the account's 100 wrong passwords an hour checked (in fact the 50 the
// unfamiliar sources share). The owner logs in at the first try from the
// address they used before, hour after hour; from a new address they are
// locked out like everyone, until a completed password reset from there
// lets them in at the first try.
func TestSmartLockoutOwnerKeepsAWayIn(t *testing.T) {
	s := newServer(t, memstore.New(), withProxies("127.0.0.1/32"), withDefaultLimits())
	owner := s.user("admin@example.com", true)
	rl := s.svc.Settings().RateLimit
	_, sharedBudget := rl.LoginBudgets()
	shared := int64(sharedBudget)
	const home, road, bystander = "198.51.100.10", "192.0.2.200", "192.0.2.77"

	requireStatus(t, s.login(owner.Email, userPassword, from(home)), http.StatusOK, "")

	atk := startAttack(s, owner.Email, []string{"203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4", "203.0.113.5"})
	defer atk.stop()

	// Hour 1: the attack spends the shared budget.
	atk.waitVerified(t, shared)
	locked := s.login(owner.Email, userPassword, from(bystander))
	if requireLimited(t, locked, 3600); retryAfter(locked) <= 60 {
		t.Fatalf("the bystander's 429 has Retry-After %d: the per-IP limit, not the account's lock", retryAfter(locked))
	}
	requireStatus(t, s.login(owner.Email, userPassword, from(home)), http.StatusOK, "")
	hour1 := atk.verified.Load()

	// Hour 2: the attack goes on and locks the account again.
	s.clock.Advance(time.Hour)
	atk.waitVerified(t, hour1+shared)
	requireLimited(t, s.login(owner.Email, userPassword, from(bystander)), 3600)
	requireStatus(t, s.login(owner.Email, userPassword, from(home)), http.StatusOK, "")

	// On the road the owner is locked out like everyone else, until a
	// completed reset from there.
	requireLimited(t, s.login(owner.Email, userPassword, from(road)), 3600)
	requireStatus(t, s.do(request{method: "POST", path: "/auth/forgot-password", header: from(road),
		json: map[string]string{"email": owner.Email}}), http.StatusAccepted, "")
	s.drain()
	tok := s.mail.last("reset", owner.Email)
	requireStatus(t, s.do(request{method: "POST", path: "/auth/reset-password", header: from(road),
		json: map[string]string{"token": tok, "password": "a new password after the attack"}}), http.StatusOK, "")
	requireStatus(t, s.login(owner.Email, "a new password after the attack", from(road)), http.StatusOK, "")
	requireStatus(t, s.login(owner.Email, "a new password after the attack", from(home)), http.StatusOK, "")
	hour2 := atk.verified.Load() - hour1

	atk.stop()
	if n := atk.other.Load(); n != 0 {
		t.Fatalf("%d attack requests got neither 400 nor 429", n)
	}
	// Two passwords were in use in hour 2 (before and after the reset),
	// each with its own budget.
	if hour1 > shared || hour2 > 2*shared || hour1 > int64(rl.LoginFailuresPerAccountPerHour) {
		t.Fatalf("passwords checked for the attacker: %d in hour 1, %d in hour 2; want at most %d per password (%d per hour in all)",
			hour1, hour2, shared, rl.LoginFailuresPerAccountPerHour)
	}
	t.Logf("attack from 5 addresses: %d wrong passwords checked in hour 1, %d in hour 2 (two passwords, %d each at most), %d answered 429; "+
		"right password from an unfamiliar address → 429 Retry-After=%ds; owner from the familiar address → 200 at the first try in both hours; "+
		"from a new address after a completed reset there → 200 at the first try",
		hour1, hour2, shared, atk.refused.Load(), retryAfter(locked))
}

// TestLockoutWithMailCapUsedUp: the attacker who locks the account for
// unfamiliar addresses can also use up the account's reset mails, so the
// owner's own forgot-password from a new address delivers nothing this
// hour. The mails the attacker's requests caused went to the owner, though,
// and each of their links works until it expires or a reset succeeds: the
// owner who reads their mail gets in from the new address at once.
func TestLockoutWithMailCapUsedUp(t *testing.T) {
	s := newServer(t, memstore.New(), withProxies("127.0.0.1/32"), withDefaultLimits())
	owner := s.user("admin@example.com", true)
	rl := s.svc.Settings().RateLimit
	_, shared := rl.LoginBudgets()
	const road = "192.0.2.201"

	atk := startAttack(s, owner.Email, []string{"203.0.113.11", "203.0.113.12", "203.0.113.13", "203.0.113.14", "203.0.113.15"})
	atk.waitVerified(t, int64(shared))
	atk.stop()
	for i := range rl.MailsPerAccountPerHour + 2 {
		requireStatus(t, s.do(request{method: "POST", path: "/auth/forgot-password", header: from(fmt.Sprintf("203.0.113.%d", 20+i)),
			json: map[string]string{"email": owner.Email}}), http.StatusAccepted, "")
	}
	s.drain()
	sent := s.mail.count("reset", owner.Email)
	if sent != rl.MailsPerAccountPerHour {
		t.Fatalf("%d reset mails sent for %d requests, want the cap %d", sent, rl.MailsPerAccountPerHour+2, rl.MailsPerAccountPerHour)
	}

	requireLimited(t, s.login(owner.Email, userPassword, from(road)), 3600)
	requireStatus(t, s.do(request{method: "POST", path: "/auth/forgot-password", header: from(road),
		json: map[string]string{"email": owner.Email}}), http.StatusAccepted, "")
	s.drain()
	if n := s.mail.count("reset", owner.Email); n != sent {
		t.Fatalf("the owner's own forgot-password sent a mail past the cap (%d, want %d)", n, sent)
	}

	// The first mail the attacker caused, read by the owner.
	tok := s.mail.first("reset", owner.Email)
	requireStatus(t, s.do(request{method: "POST", path: "/auth/reset-password", header: from(road),
		json: map[string]string{"token": tok, "password": "a new password from the inbox"}}), http.StatusOK, "")
	requireStatus(t, s.login(owner.Email, "a new password from the inbox", from(road)), http.StatusOK, "")
	// The other links died with the old password.
	requireStatus(t, s.do(request{method: "POST", path: "/auth/reset-password", header: from(road),
		json: map[string]string{"token": s.mail.last("reset", owner.Email), "password": "the attacker's choice"}}),
		http.StatusBadRequest, core.CodeResetPasswordBadToken)
}

// TestSmartLockoutBudgets: the account's budget is split exactly: each
// familiar source has its own, every other source shares the rest, and
// the sum is the account's cap. The familiar source is remembered in the
// store, so another instance on the same database honours it.
func TestSmartLockoutBudgets(t *testing.T) {
	const total, perFamiliar, familiar = 20, 2, 5 // shared: 20 − 5×2 = 10
	sa, sb, kind := sharedStores(t)
	clk := newClock()
	lim := withLimits(func(r *core.RateLimitSettings) {
		r.LoginFailuresPerAccountPerHour = total
		r.LoginFailuresPerFamiliarSourcePerHour = perFamiliar
		r.FamiliarSourcesPerAccount = familiar
		r.FamiliarSourceLifetime = 24 * time.Hour
	})
	a := newServer(t, sa, withClock(clk), withProxies("127.0.0.1/32"), lim)
	b := newServer(t, sb, withClock(clk), withProxies("127.0.0.1/32"), lim)
	u := a.user("owner@example.com", false)
	const home = "2001:db8:aa:1::10"
	requireStatus(t, a.login(u.Email, userPassword, from(home)), http.StatusOK, "")

	checked := 0
	for i := range 40 { // 40 unfamiliar addresses, on instance B
		r := b.login(u.Email, "wrong password", from(fmt.Sprintf("203.0.113.%d", i+1)))
		if r.status == http.StatusBadRequest {
			checked++
			continue
		}
		requireLimited(t, r, 3600)
	}
	if checked != total-familiar*perFamiliar {
		t.Fatalf("%d wrong passwords checked from unfamiliar addresses, want %d", checked, total-familiar*perFamiliar)
	}
	// Another address of the owner's /64 is the same source.
	requireStatus(t, b.login(u.Email, userPassword, from("2001:db8:aa:1::99")), http.StatusOK, "")
	ownWrong := 0
	for range 5 {
		r := b.login(u.Email, "typo", from(home))
		if r.status == http.StatusBadRequest {
			ownWrong++
			continue
		}
		requireLimited(t, r, 3600)
	}
	if ownWrong != perFamiliar {
		t.Fatalf("%d wrong passwords checked from the familiar source, want its own budget %d", ownWrong, perFamiliar)
	}
	if checked+ownWrong > total {
		t.Fatalf("%d wrong passwords checked in all, cap %d", checked+ownWrong, total)
	}
	t.Logf("%s: cap %d/h: %d checked from 40 unfamiliar addresses on instance B, then 429; the owner's source (remembered on A) → 200 on B, its own budget %d, then 429",
		kind, total, checked, ownWrong)
}

// TestLockoutInactiveRightPasswordCounts: the right password of a
// deactivated account is answered like a wrong one and counts like one: it
// refunds nothing.
func TestLockoutInactiveRightPasswordCounts(t *testing.T) {
	const limit = 3
	s := newServer(t, memstore.New(), withProxies("127.0.0.1/32"),
		withLimits(func(r *core.RateLimitSettings) { r.LoginFailuresPerAccountPerHour = limit }))
	u := s.user("gone@example.com", false)
	f := false
	if _, err := s.svc.UpdateUser(t.Context(), u, core.UserUpdate{IsActive: &f}, core.RequestMeta{}); err != nil {
		t.Fatal(err)
	}
	for i := range limit {
		pw := "wrong password"
		if i%2 == 0 {
			pw = userPassword
		}
		requireStatus(t, s.login(u.Email, pw, from(fmt.Sprintf("203.0.113.%d", i+1))), http.StatusBadRequest, core.CodeLoginBadCredentials)
	}
	requireLimited(t, s.login(u.Email, userPassword, from("203.0.113.99")), 3600)
	t.Logf("deactivated account, cap %d: %d attempts (the right password among them) → 400, the next → 429", limit, limit)
}
