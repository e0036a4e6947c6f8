package conformance

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// productionCases check what a deployment owner relies on beyond the
// reference's wire format: the rate limits, the headers every answer
// carries, the error shapes and the answer during a store outage.
func productionCases() []testCase {
	return []testCase{
		{id: "LIM1_cli_poll_interval", name: "a second poll of one challenge within the announced interval: 429 with Retry-After; after it: 200 pending",
			why:   "CLI clients poll in a loop; the interval keeps a stuck or hostile client from hammering the store",
			needs: needLimits, uses: spend{budgetCLI: 1}, fn: func(c *caseT) {
				ch := c.createChallenge()
				iv, _ := ch.Interval.Int64()
				if iv <= 0 {
					c.Skipf("the server announces no poll interval (ZNDRAW_AUTH_CLI_LOGIN_POLL_INTERVAL_SECONDS=0)")
				}
				path := c.p().poll(ch.Code, ch.Secret)
				c.wantBody(c.get(path, ""), 200, pendingBody)
				r := c.get(path, "")
				if !c.want(r, 429) {
					return
				}
				if n, _ := strconv.Atoi(r.Header.Get("Retry-After")); int64(n) > iv {
					c.Errorf("%s: Retry-After beyond the announced interval of %d s", r, iv)
				}
				if err := c.s.sleep(c.Context(), time.Duration(iv)*time.Second+50*time.Millisecond); err != nil {
					c.Fatalf("%v", err)
				}
				c.wantBody(c.get(path, ""), 200, pendingBody)
			}},
		{id: "LIM2_login_per_address", name: "logins from one address beyond ZNDRAW_AUTH_RATE_LIMIT_LOGIN_PER_IP_PER_MINUTE: 429 with Retry-After; another address is not refused",
			why:   "bounds password guessing from one address, across accounts",
			needs: needLimits | needForwarded, fn: func(c *caseT) {
				c.wantLimit(budgets[budgetLogin], func(from string) request {
					form := url.Values{"username": {c.newEmail("guess")}, "password": {"guessed-password"}}
					return request{method: "POST", path: c.p().login(), body: []byte(form.Encode()), ctype: "application/x-www-form-urlencoded", from: from}
				})
			}},
		{id: "LIM3_register_per_address", name: "registrations from one address beyond ZNDRAW_AUTH_RATE_LIMIT_REGISTER_PER_IP_PER_HOUR: 429 with Retry-After; another address is not refused",
			why:   "bounds mass account creation from one address",
			needs: needLimits | needForwarded, fn: func(c *caseT) {
				// A too-short password: counted, refused, no user created.
				c.wantLimit(budgets[budgetRegister], func(from string) request {
					return request{method: "POST", path: c.p().register(), ctype: "application/json",
						body: jsonBody(map[string]any{"email": c.newEmail("flood"), "password": "m"}), from: from}
				})
			}},
		{id: "LIM4_forgot_per_address", name: "forgot-password from one address beyond ZNDRAW_AUTH_RATE_LIMIT_FORGOT_PASSWORD_PER_IP_PER_HOUR: 429 with Retry-After",
			why:   "bounds the mail a stranger can make the server send",
			needs: needLimits | needForwarded | needResetVerify, fn: func(c *caseT) {
				c.wantLimit(budgets[budgetForgot], func(from string) request {
					return request{method: "POST", path: c.p().forgot(), ctype: "application/json", body: jsonBody(map[string]any{"email": c.newEmail("nobody")}), from: from}
				})
			}},
		{id: "LIM5_verify_per_address", name: "request-verify-token from one address beyond ZNDRAW_AUTH_RATE_LIMIT_FORGOT_PASSWORD_PER_IP_PER_HOUR: 429 with Retry-After",
			why:   "bounds the mail a stranger can make the server send",
			needs: needLimits | needForwarded | needResetVerify, fn: func(c *caseT) {
				c.wantLimit(budgets[budgetVerify], func(from string) request {
					return request{method: "POST", path: c.p().requestVerify(), ctype: "application/json", body: jsonBody(map[string]any{"email": c.newEmail("nobody")}), from: from}
				})
			}},
		{id: "LIM6_cli_create_per_address", name: "CLI challenges from one address beyond ZNDRAW_AUTH_RATE_LIMIT_CLI_LOGIN_CREATE_PER_IP_PER_HOUR: 429 with Retry-After",
			why:   "bounds the challenges (rows kept for a day) one address can create",
			needs: needLimits | needForwarded, fn: func(c *caseT) {
				c.wantLimit(budgets[budgetCLI], func(from string) request {
					return request{method: "POST", path: c.p().cli(), from: from}
				})
			}},
		{id: "LIM7_login_failures_per_account", name: "wrong passwords for one account beyond ZNDRAW_AUTH_RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR, from several addresses: then 429 from a new address",
			why:   "bounds guessing one account's password however many addresses the attacker has",
			needs: needLimits | needForwarded, users: 1, fn: func(c *caseT) {
				u := c.newUser("target", kindU)
				limit := c.s.limits.LoginFailuresPerAccountPerHour
				perAddress := max(c.s.limits.LoginPerIPPerMinute/2, 1)
				var froms []string
				guess := func(i int) request {
					for len(froms) <= i/perAddress {
						froms = append(froms, madeUpAddress())
					}
					form := url.Values{"username": {u.Email}, "password": {fmt.Sprintf("wrong-%d", i)}}
					return request{method: "POST", path: c.p().login(), body: []byte(form.Encode()), ctype: "application/x-www-form-urlencoded", from: froms[i/perAddress]}
				}
				t0 := c.s.serverNow()
				failed := 0
				for _, r := range c.parallel(limit, guess) {
					if r != nil && r.Status == 400 {
						failed++
					} else if r != nil {
						c.Errorf("%s: want 400 LOGIN_BAD_CREDENTIALS for guess %d of %d", r, failed+1, limit)
					}
				}
				if failed != limit && sameWindow(t0, c.s.serverNow(), time.Hour) {
					c.Fatalf("%d of %d wrong passwords were answered 400, want all", failed, limit)
				}
				r := c.do(request{method: "POST", path: c.p().login(), body: []byte(url.Values{"username": {u.Email}, "password": {"one-more"}}.Encode()),
					ctype: "application/x-www-form-urlencoded", from: madeUpAddress()})
				if r.Status != 429 && sameWindow(t0, c.s.serverNow(), time.Hour) {
					c.Errorf("%s: after %d wrong passwords want 429 from any new address", r, limit)
				}
			}},
		{id: "OPS1_no_store", name: "every kind of answer (tokens, users, errors, 204) carries Cache-Control: no-store",
			why:   "tokens and personal data must not land in browser or proxy caches",
			users: 1, uses: spend{budgetCLI: 1}, fn: func(c *caseT) {
				u := c.newUser("u", kindU)
				p := c.p()
				for _, r := range []*response{
					c.login(u.Email, u.Password),
					c.login(u.Email, "wrong-password"),
					c.get(p.me(), u.Token),
					c.get(p.me(), ""),
					c.get(p.user(u.ID), u.Token),
					c.get(p.user(randomUUID()), c.adminToken()),
					c.do(request{method: "GET", path: p.login()}),
					c.send("POST", p.register(), "", `{}`),
					c.mint(u.ID, c.adminToken()),
					c.do(request{method: "POST", path: p.cli()}),
					c.do(request{method: "POST", path: p.logout(), token: c.loginToken(u.Email, u.Password)}),
				} {
					// checkInvariants holds every answer to this; the list
					// names the kinds of answers it covers.
					if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
						c.Errorf("%s: Cache-Control %q", r, cc)
					}
				}
			}},
		{id: "OPS2_error_shapes", name: "every error is JSON {\"detail\": ...}: a code string, {code, reason}, a fixed text, or FastAPI's 422 list; 405 names Allow",
			why:   "clients of zndraw-auth parse these bodies; one shape for every error keeps them working",
			users: 1, uses: spend{budgetRegister: 1}, fn: func(c *caseT) {
				u := c.newUser("u", kindU)
				p := c.p()
				c.wantDetail(c.login(u.Email, "wrong-password"), 400, "LOGIN_BAD_CREDENTIALS")
				c.wantInvalidPassword(c.register(c.newEmail("short"), "m"), "REGISTER_INVALID_PASSWORD")
				c.wantBody(c.get(p.me(), ""), 401, bodyUnauthorized)
				c.wantBody(c.get(p.user(u.ID), u.Token), 403, bodyForbidden)
				c.wantDetail(c.get(p.user(randomUUID()), c.adminToken()), 404, "Not Found")
				c.wantDetail(c.mint(randomUUID(), c.adminToken()), 404, "User not found")
				c.wantDetail(c.get(p.poll("ZZZZZZZZ", "x"), ""), 404, "Challenge not found")
				r := c.do(request{method: "GET", path: p.login()})
				c.wantBody(r, 405, bodyMethodNotAllowed)
				if allow := r.Header.Get("Allow"); allow != "POST" {
					c.Errorf("%s: Allow %q, want POST", r, allow)
				}
				c.wantDetail(c.do(request{method: "PATCH", path: p.me(), token: u.Token, body: make([]byte, 2<<20), ctype: "application/json"}), 413, "Request Entity Too Large")
				c.want422(c.send("PATCH", p.me(), u.Token, `{"email":1}`), []any{"body", "email"})
			}},
		{id: "OPS3_store_outage", name: "while the store is down: 503 {\"detail\":\"SERVICE_UNAVAILABLE\"} (never a 500 or a hang); afterwards tokens and logins work again",
			why:   "a database outage must fail closed with an answer clients can retry, and the service must recover without a restart",
			needs: needOutage, users: 1, fn: func(c *caseT) {
				u := c.newUser("u", kindU)
				t, p := c.s.t, c.p()
				if err := t.Outage.Down(c.Context()); err != nil {
					c.Fatalf("taking the store down (%s): %v", c.s.names("Outage"), err)
				}
				restored := false
				c.Cleanup(func() {
					if !restored {
						_ = t.Outage.Up(c.Context())
					}
				})
				me := request{method: "GET", path: p.me(), token: u.Token, outage: true}
				c.waitFor("the store to be unavailable (GET /users/me answering 503)", me, 503)
				form := []byte(url.Values{"username": {u.Email}, "password": {u.Password}}.Encode())
				for _, req := range []request{
					{method: "POST", path: p.login(), body: form, ctype: "application/x-www-form-urlencoded", outage: true},
					{method: "POST", path: p.register(), body: jsonBody(map[string]any{"email": c.newEmail("outage"), "password": newPassword()}), ctype: "application/json", outage: true},
					{method: "POST", path: p.cli(), outage: true},
					{method: "GET", path: p.user(u.ID), token: c.adminToken(), outage: true},
				} {
					c.wantDetail(c.do(req), 503, "SERVICE_UNAVAILABLE")
				}
				if err := t.Outage.Up(c.Context()); err != nil {
					c.Fatalf("bringing the store back: %v", err)
				}
				restored = true
				me.outage = false
				c.waitFor("the service to recover (GET /users/me answering 200 with the token from before the outage)", me, 200)
				c.wantMe(c.loginToken(u.Email, u.Password), u)
			}},
	}
}

// waitFor repeats req (a second apart) until it answers want, for at most
// 20 seconds, and stops the case if it never does.
func (c *caseT) waitFor(what string, req request, want int) {
	c.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		r := c.do(req)
		if r.Status == want {
			return
		}
		if time.Now().After(deadline) {
			c.Fatalf("waited 20 s for %s: %s", what, r)
		}
		timer := time.NewTimer(250 * time.Millisecond)
		select {
		case <-timer.C:
		case <-c.Context().Done():
			timer.Stop()
			c.Fatalf("cancelled while waiting for %s", what)
		}
	}
}

// madeUpAddress is a random address of the IPv6 documentation prefix
// 2001:db8::/32, each in its own /64, which no real client has.
func madeUpAddress() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("2001:db8:%x:%x::%x", binary.BigEndian.Uint16(b[0:]), binary.BigEndian.Uint16(b[2:]), binary.BigEndian.Uint16(b[4:])|1)
}

// sameWindow reports whether the Unix times a and b fall in one fixed
// window of the server's limits (windows start at multiples of w).
func sameWindow(a, b int64, w time.Duration) bool {
	sec := int64(w / time.Second)
	return a/sec == b/sec
}

// wantLimit checks a per-address limit from made-up addresses: limit
// requests at once are answered, one more is refused with 429 and a
// Retry-After within the window, and a request from another address is
// not refused. A window that ends during the burst relaxes the count.
func (c *caseT) wantLimit(spec budgetSpec, req func(from string) request) {
	c.Helper()
	limit := spec.limit(c.s.limits)
	if limit <= 0 {
		c.Skipf("the server's %s is 0 (no limit)", spec.setting)
	}
	from := madeUpAddress()
	t0 := c.s.serverNow()
	refused, answered := 0, 0
	var first429 *response
	for _, r := range c.parallel(limit+1, func(int) request { return req(from) }) {
		switch {
		case r == nil:
		case r.Status == 429:
			refused++
			if first429 == nil {
				first429 = r
			}
		case r.Status >= 400 && r.Status != 400:
			c.Errorf("%s: want an answer or 429", r)
		default:
			answered++
		}
	}
	if !sameWindow(t0, c.s.serverNow(), spec.window) {
		// The window ended during the burst: a few more find the limit.
		for i := 0; first429 == nil && i <= limit; i++ {
			if r := c.do(req(from)); r.Status == 429 {
				first429 = r
			}
		}
	} else if refused != 1 || answered != limit {
		c.Errorf("%d %s at once from %s: %d answered and %d refused with 429, want %d and 1 (%s=%d)",
			limit+1, spec.what, from, answered, refused, limit, spec.setting, limit)
	}
	if first429 == nil {
		c.Fatalf("no 429 after %d %s from one address: is %s higher than %d on this server? (pass %s)",
			limit+1, spec.what, spec.setting, limit, c.s.names("Limits"))
	}
	if n, _ := strconv.Atoi(first429.Header.Get("Retry-After")); time.Duration(n)*time.Second > spec.window {
		c.Errorf("%s: Retry-After beyond the %s window", first429, spec.window)
	}
	if r := c.do(req(madeUpAddress())); r.Status == 429 {
		c.Errorf("%s: another address is refused too: the limit must count per address", r)
	}
}
