package conformance

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/zincware/zndraw-auth-go/core"
)

// The limit cases check, from outside, the kit's rate limits and its
// answers to account lockout, code guessing, address probing and mail
// flooding. They run while the server's limits are on (needLimits). What
// they take from the suite's own per-address budgets is declared like any
// case's (uses, costs), so the runner keeps every run within half of each;
// the cases that must exceed a per-address limit to see its 429 do that
// from made-up addresses (needForwarded).

// wantLimited checks a 429 {"detail":"TOO_MANY_REQUESTS"} with a positive
// integer Retry-After.
func (c *caseT) wantLimited(r *response) {
	c.Helper()
	c.wantBody(r, 429, `{"detail":"TOO_MANY_REQUESTS"}`)
	if n, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || n < 1 {
		c.Errorf("%s: Retry-After %q, want a positive number of seconds", r, r.Header.Get("Retry-After"))
	}
}

// ownAddress is the address the per-user limit cases send from: a made-up
// one when the server believes the suite's X-Forwarded-For, else the
// suite's own ("").
func (c *caseT) ownAddress() string {
	if c.s.t.ForwardedFor {
		return madeUpAddress()
	}
	return ""
}

// perUserCost is what a per-user limit case takes from the suite's
// per-address budget b: max+1 requests, unless it can send them from a
// made-up address; plus the registration of its own user.
func perUserCost(b budget, max func(Limits) int) func(s *suite) spend {
	return func(s *suite) spend {
		var sp spend
		sp[budgetRegister] = 1
		if !s.t.ForwardedFor {
			sp[b] = max(s.limits) + 1
		}
		return sp
	}
}

// perUserLimit checks a limit of max requests per user and hour (setting):
// a fresh user's probe answers status and detail max times, then 429.
func (c *caseT) perUserLimit(max int, setting string, probe func(u *user, from string) *response, status int, detail string) {
	c.Helper()
	if max <= 0 {
		c.Skipf("no per-user limit (%s)", setting)
	}
	u := c.newOwnUser("prober", kindU)
	from := c.ownAddress()
	for range max {
		c.wantDetail(probe(u, from), status, detail)
	}
	c.wantLimited(probe(u, from))
}

// unknownCode is a random CLI user code that matches no challenge (but for
// a chance of one in 36^8 per live challenge).
func unknownCode() string {
	b := make([]byte, core.CLICodeLength)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = core.CLICodeAlphabet[int(b[i])%len(core.CLICodeAlphabet)]
	}
	return string(b)
}

// limitCases are the kit's rate limits and its limits on lockout,
// guessing, probing and mail flooding.
func limitCases() []testCase {
	return []testCase{
		{id: "LIM1_reject_approved_by_other", name: "an approved CLI challenge cannot be denied by another user, nor by an impersonation token acting as one (404); its approver and a superuser can (204)",
			why:   "only the person who approved a CLI login, or an admin, may take it back",
			users: 2, uses: spend{budgetCLI: 2, budgetCode: 2}, fn: func(c *caseT) {
				approver, stranger := c.newUser("approver", kindU), c.newUser("stranger", kindU)
				ch := c.createChallenge()
				c.wantApproved(c.approve(ch.Code, approver.Token))
				c.wantDetail(c.reject(ch.Code, stranger.Token), 404, "Challenge not found")
				imp := c.bearer(c.must(c.mint(stranger.ID, c.adminToken()), 200))
				c.wantDetail(c.reject(ch.Code, imp), 404, "Challenge not found")
				c.wantBody(c.reject(ch.Code, approver.Token), 204, "")
				c.want(c.poll(ch), 404)

				other := c.createChallenge()
				c.wantApproved(c.approve(other.Code, approver.Token))
				c.wantBody(c.reject(other.Code, c.adminToken()), 204, "")
			}},
		{id: "LIM2_reset_policy_first", name: "[policy] POST reset-password with a spent token and password \"m\": 400 RESET_PASSWORD_INVALID_PASSWORD (the policy answers before the token's fingerprint is hashed); with a good password 400 RESET_PASSWORD_BAD_TOKEN",
			why:   "a refused password costs the server no hashing, so guesses cannot tie up its CPU",
			needs: needMailbox, users: 1, uses: spend{budgetForgot: 1, budgetReset: 3}, fn: func(c *caseT) {
				u := c.newUser("u", kindU)
				c.forgot(u.Email)
				tok := c.mailToken(MailReset, u.Email, "")
				c.wantBody(c.send("POST", c.p().reset(), "", map[string]any{"token": tok, "password": newPassword()}), 200, "null")
				c.wantInvalidPassword(c.send("POST", c.p().reset(), "", map[string]any{"token": tok, "password": "m"}), "RESET_PASSWORD_INVALID_PASSWORD")
				c.wantDetail(c.send("POST", c.p().reset(), "", map[string]any{"token": tok, "password": newPassword()}), 400, "RESET_PASSWORD_BAD_TOKEN")
			}},
		{id: "LIM3_familiar_source_budget", name: "a deactivated account, from an address it logged in from: its right password counts like a wrong one, and that address has its own budget of wrong passwords, then 429 with Retry-After",
			why:   "an attacker who locks an account out for everyone else does not lock out its owner where the owner logs in",
			needs: needLimits, users: 1, fn: func(c *caseT) {
				perFamiliar, _ := c.s.limits.LoginBudgets()
				if perFamiliar == 0 {
					c.Skipf("familiar sources are off (ZNDRAW_AUTH_RATE_LIMIT_LOGIN_FAILURES_PER_FAMILIAR_SOURCE_PER_HOUR, ZNDRAW_AUTH_RATE_LIMIT_FAMILIAR_SOURCES_PER_ACCOUNT)")
				}
				u := c.newUser("owner", kindU)
				c.loginToken(u.Email, u.Password) // this address is now familiar to the account
				c.patchUser(u.ID, map[string]any{"is_active": false})
				for i := range perFamiliar {
					pw := u.Password
					if i%2 == 1 {
						pw = newPassword()
					}
					c.wantDetail(c.login(u.Email, pw), 400, "LOGIN_BAD_CREDENTIALS")
				}
				c.wantLimited(c.do(request{method: "POST", path: c.p().login(), ctype: "application/x-www-form-urlencoded",
					body: []byte(url.Values{"username": {u.Email}, "password": {u.Password}}.Encode()), expect429: true}))
			}},
		{id: "LIM4_email_change_limit", name: "PATCH /users/me {email} probing a taken address: 400 UPDATE_USER_EMAIL_ALREADY_EXISTS up to ZNDRAW_AUTH_RATE_LIMIT_EMAIL_CHANGES_PER_USER_PER_HOUR, then 429 with Retry-After",
			why:   "each answer tells whether an address has an account: the limit bounds that probing",
			needs: needLimits, costs: perUserCost(budgetEmail, func(l Limits) int { return l.EmailChangesPerUserPerHour }), fn: func(c *caseT) {
				c.perUserLimit(c.s.limits.EmailChangesPerUserPerHour, "ZNDRAW_AUTH_RATE_LIMIT_EMAIL_CHANGES_PER_USER_PER_HOUR",
					func(u *user, from string) *response {
						return c.do(request{method: "PATCH", path: c.p().me(), token: u.Token, ctype: "application/json",
							body: jsonBody(map[string]any{"email": c.s.admin.email}), from: from, expect429: true})
					}, 400, "UPDATE_USER_EMAIL_ALREADY_EXISTS")
			}},
		{id: "LIM5_cli_code_guess_limit", name: "PATCH /auth/cli-login/{code} with codes that match nothing: 404 up to ZNDRAW_AUTH_RATE_LIMIT_CLI_CODE_FAILURES_PER_USER_PER_HOUR, then 429 with Retry-After",
			why:   "a guessed code would log the victim's CLI into the guesser's account; the limit makes guessing hopeless",
			needs: needLimits, costs: perUserCost(budgetCode, func(l Limits) int { return l.CLICodeFailuresPerUserPerHour }), fn: func(c *caseT) {
				c.perUserLimit(c.s.limits.CLICodeFailuresPerUserPerHour, "ZNDRAW_AUTH_RATE_LIMIT_CLI_CODE_FAILURES_PER_USER_PER_HOUR",
					func(u *user, from string) *response {
						return c.do(request{method: "PATCH", path: c.p().cliCode(unknownCode()), token: u.Token, from: from, expect429: true})
					}, 404, "Challenge not found")
			}},
		{id: "LIM6_reset_mail_cap", name: "forgot-password for one address past ZNDRAW_AUTH_RATE_LIMIT_MAILS_PER_ACCOUNT_PER_HOUR: still 202 null, but no further token is delivered",
			why:   "nobody can flood someone's inbox with reset mails, and the answer still does not tell whether the account exists",
			needs: needLimits | needMailbox, users: 1, costs: func(s *suite) spend { return spend{budgetForgot: s.limits.MailsPerAccountPerHour + 1} }, fn: func(c *caseT) {
				n := c.s.limits.MailsPerAccountPerHour
				if n <= 0 {
					c.Skipf("reset mails are not capped (ZNDRAW_AUTH_RATE_LIMIT_MAILS_PER_ACCOUNT_PER_HOUR)")
				}
				u := c.newUser("u", kindU)
				last := ""
				for range n {
					c.forgot(u.Email)
					last = c.mailToken(MailReset, u.Email, last)
				}
				c.forgot(u.Email)
				for deadline := time.Now().Add(mailWait / 3); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
					if tok, err := c.s.t.Mailbox.Token(c.Context(), MailReset, u.Email); err == nil && tok != last {
						c.Fatalf("a reset token was delivered past the cap of %d mails per address", n)
					}
				}
			}},
		{id: "LIM7_cli_poll_interval", name: "a second poll of one challenge within the announced interval: 429 with Retry-After; after it: 200 pending",
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
		{id: "LIM8_login_per_address", name: "logins from one address beyond ZNDRAW_AUTH_RATE_LIMIT_LOGIN_PER_IP_PER_MINUTE: 429 with Retry-After; another address is not refused",
			why:   "bounds password guessing from one address, across accounts",
			needs: needLimits | needForwarded, fn: func(c *caseT) {
				c.wantLimit(budgets[budgetLogin], func(from string) request {
					form := url.Values{"username": {c.newEmail("guess")}, "password": {"guessed-password"}}
					return request{method: "POST", path: c.p().login(), body: []byte(form.Encode()), ctype: "application/x-www-form-urlencoded", from: from}
				})
			}},
		{id: "LIM9_register_per_address", name: "registrations from one address beyond ZNDRAW_AUTH_RATE_LIMIT_REGISTER_PER_IP_PER_HOUR: 429 with Retry-After; another address is not refused",
			why:   "bounds mass account creation from one address",
			needs: needLimits | needForwarded, fn: func(c *caseT) {
				// A too-short password: counted, refused, no user created.
				c.wantLimit(budgets[budgetRegister], func(from string) request {
					return request{method: "POST", path: c.p().register(), ctype: "application/json",
						body: jsonBody(map[string]any{"email": c.newEmail("flood"), "password": "m"}), from: from}
				})
			}},
		{id: "LIM10_forgot_per_address", name: "forgot-password from one address beyond ZNDRAW_AUTH_RATE_LIMIT_FORGOT_PASSWORD_PER_IP_PER_HOUR: 429 with Retry-After",
			why:   "bounds the mail a stranger can make the server send",
			needs: needLimits | needForwarded | needResetVerify, fn: func(c *caseT) {
				c.wantLimit(budgets[budgetForgot], func(from string) request {
					return request{method: "POST", path: c.p().forgot(), ctype: "application/json", body: jsonBody(map[string]any{"email": c.newEmail("nobody")}), from: from}
				})
			}},
		{id: "LIM11_verify_per_address", name: "request-verify-token from one address beyond ZNDRAW_AUTH_RATE_LIMIT_FORGOT_PASSWORD_PER_IP_PER_HOUR: 429 with Retry-After",
			why:   "bounds the mail a stranger can make the server send",
			needs: needLimits | needForwarded | needResetVerify, fn: func(c *caseT) {
				c.wantLimit(budgets[budgetVerify], func(from string) request {
					return request{method: "POST", path: c.p().requestVerify(), ctype: "application/json", body: jsonBody(map[string]any{"email": c.newEmail("nobody")}), from: from}
				})
			}},
		{id: "LIM12_cli_create_per_address", name: "CLI challenges from one address beyond ZNDRAW_AUTH_RATE_LIMIT_CLI_LOGIN_CREATE_PER_IP_PER_HOUR: 429 with Retry-After",
			why:   "bounds the challenges (rows kept for a day) one address can create",
			needs: needLimits | needForwarded, fn: func(c *caseT) {
				c.wantLimit(budgets[budgetCLI], func(from string) request {
					return request{method: "POST", path: c.p().cli(), from: from}
				})
			}},
		{id: "LIM13_login_failures_per_account", name: "wrong passwords for one account from addresses it never logged in from, beyond its shared budget (ZNDRAW_AUTH_RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR less the familiar sources' shares): then 429 from any new address",
			why:   "bounds guessing one account's password however many addresses the attacker has",
			needs: needLimits | needForwarded, users: 1, fn: func(c *caseT) {
				u := c.newUser("target", kindU)
				_, limit := c.s.limits.LoginBudgets()
				if limit <= 0 {
					c.Skipf("no per-account limit (ZNDRAW_AUTH_RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR=0)")
				}
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
