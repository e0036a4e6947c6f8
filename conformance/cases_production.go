package conformance

import (
	"net/url"
	"time"
)

// productionCases check what a deployment owner relies on beyond the
// reference's wire format: the headers every answer carries, the error
// shapes and the answer during a store outage.
func productionCases() []testCase {
	return []testCase{
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
				// A deployment may answer 503 for a moment after the restore
				// (its pool reconnects): still an outage answer while waiting.
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
