package conformance

import (
	"crypto/rand"
	"strconv"
	"time"

	"github.com/zincware/zndraw-auth-go/core"
)

// The limit cases check, from outside, the kit's answers to account
// lockout, code guessing, address probing and mail flooding. Those that
// need to know the server's limits run only when Target.RateLimits gives
// them, and only when they spend at most half of the per-address budget
// they draw on: every request of the suite comes from one address, which
// real users may share.

// rateLimits returns the server's limits, or skips the case when they are
// unknown or off.
func (c *caseT) rateLimits() core.RateLimitSettings {
	c.Helper()
	if !c.s.limits.Enabled || !c.s.limitsKnown {
		c.Skipf("the server's rate limits are unknown or off")
	}
	return c.s.limits.RateLimitSettings
}

// halfOf skips the case when spending spent requests of a per-address
// budget of budget (0: no limit) would use more than half of it.
func (c *caseT) halfOf(spent, budget int, setting string) {
	c.Helper()
	if budget > 0 && spent > budget/2 {
		c.Skipf("needs %d requests of a per-address budget of %d (%s): more than half", spent, budget, setting)
	}
}

// wantLimited checks a 429 {"detail":"TOO_MANY_REQUESTS"} with a positive
// integer Retry-After.
func (c *caseT) wantLimited(r *response) {
	c.Helper()
	c.wantBody(r, 429, `{"detail":"TOO_MANY_REQUESTS"}`)
	if n, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || n < 1 {
		c.Errorf("%s: Retry-After %q, want a positive number of seconds", r, r.Header.Get("Retry-After"))
	}
}

// perUserLimit checks a limit of max requests per user and hour (setting)
// whose requests also draw on a per-address budget (ipMax, ipSetting): a
// fresh user's probe answers status and detail max times, then 429.
func (c *caseT) perUserLimit(max int, setting string, ipMax int, ipSetting string, probe func(*user) *response, status int, detail string) {
	c.Helper()
	if max <= 0 {
		c.Skipf("no per-user limit (%s)", setting)
	}
	c.halfOf(max+1, ipMax, ipSetting)
	u := c.newUser("prober", kindU)
	for range max {
		c.wantDetail(probe(u), status, detail)
	}
	c.wantLimited(probe(u))
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

// limitCases are the kit's limits on lockout, guessing, probing and mail
// flooding.
func limitCases() []testCase {
	return []testCase{
		{id: "LIM1_reject_approved_by_other", name: "an approved CLI challenge cannot be denied by another user, nor by an impersonation token acting as one (404); its approver and a superuser can (204)", fn: func(c *caseT) {
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
		{id: "LIM2_reset_policy_first", name: "[policy] POST reset-password with a spent token and password \"m\": 400 RESET_PASSWORD_INVALID_PASSWORD (the policy answers before the token's fingerprint is hashed); with a good password 400 RESET_PASSWORD_BAD_TOKEN", needs: needMailbox, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			c.forgot(u.Email)
			tok := c.mailToken(MailReset, u.Email, "")
			c.wantBody(c.send("POST", c.p().reset(), "", map[string]any{"token": tok, "password": newPassword()}), 200, "null")
			c.wantInvalidPassword(c.send("POST", c.p().reset(), "", map[string]any{"token": tok, "password": "m"}), "RESET_PASSWORD_INVALID_PASSWORD")
			c.wantDetail(c.send("POST", c.p().reset(), "", map[string]any{"token": tok, "password": newPassword()}), 400, "RESET_PASSWORD_BAD_TOKEN")
		}},
		{id: "LIM3_familiar_source_budget", name: "a deactivated account, from an address it logged in from: its right password counts like a wrong one, and that address has its own budget of wrong passwords, then 429 with Retry-After", fn: func(c *caseT) {
			rl := c.rateLimits()
			perFamiliar, _ := rl.LoginBudgets()
			if perFamiliar == 0 {
				c.Skipf("familiar sources are off (ZNDRAW_AUTH_RATE_LIMIT_LOGIN_FAILURES_PER_FAMILIAR_SOURCE_PER_HOUR, ZNDRAW_AUTH_RATE_LIMIT_FAMILIAR_SOURCES_PER_ACCOUNT)")
			}
			c.halfOf(perFamiliar+2, rl.LoginPerIPPerMinute, "ZNDRAW_AUTH_RATE_LIMIT_LOGIN_PER_IP_PER_MINUTE")
			u := c.newUser("owner", kindU) // logs in: this address is familiar to the account
			c.patchUser(u.ID, map[string]any{"is_active": false})
			for i := range perFamiliar {
				pw := u.Password
				if i%2 == 1 {
					pw = newPassword()
				}
				c.wantDetail(c.login(u.Email, pw), 400, "LOGIN_BAD_CREDENTIALS")
			}
			c.wantLimited(c.login(u.Email, u.Password))
		}},
		{id: "LIM4_email_change_limit", name: "PATCH /users/me {email} probing a taken address: 400 UPDATE_USER_EMAIL_ALREADY_EXISTS up to the per-user limit, then 429 with Retry-After", fn: func(c *caseT) {
			rl := c.rateLimits()
			c.perUserLimit(rl.EmailChangesPerUserPerHour, "ZNDRAW_AUTH_RATE_LIMIT_EMAIL_CHANGES_PER_USER_PER_HOUR",
				rl.EmailChangesPerIPPerHour, "ZNDRAW_AUTH_RATE_LIMIT_EMAIL_CHANGES_PER_IP_PER_HOUR",
				func(u *user) *response {
					return c.send("PATCH", c.p().me(), u.Token, map[string]any{"email": c.s.admin.email})
				}, 400, "UPDATE_USER_EMAIL_ALREADY_EXISTS")
		}},
		{id: "LIM5_cli_code_guess_limit", name: "PATCH /auth/cli-login/{code} with codes that match nothing: 404 up to the per-user limit, then 429 with Retry-After", fn: func(c *caseT) {
			rl := c.rateLimits()
			c.perUserLimit(rl.CLICodeFailuresPerUserPerHour, "ZNDRAW_AUTH_RATE_LIMIT_CLI_CODE_FAILURES_PER_USER_PER_HOUR",
				rl.CLICodeFailuresPerIPPerHour, "ZNDRAW_AUTH_RATE_LIMIT_CLI_CODE_FAILURES_PER_IP_PER_HOUR",
				func(u *user) *response { return c.approve(unknownCode(), u.Token) }, 404, "Challenge not found")
		}},
		{id: "LIM6_reset_mail_cap", name: "forgot-password for one address past the per-address mail cap: still 202 null, but no further token is delivered", needs: needMailbox, fn: func(c *caseT) {
			rl := c.rateLimits()
			n := rl.MailsPerAccountPerHour
			if n <= 0 {
				c.Skipf("reset mails are not capped (ZNDRAW_AUTH_RATE_LIMIT_MAILS_PER_ACCOUNT_PER_HOUR)")
			}
			c.halfOf(n+1, rl.ForgotPasswordPerIPPerHour, "ZNDRAW_AUTH_RATE_LIMIT_FORGOT_PASSWORD_PER_IP_PER_HOUR")
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
	}
}
