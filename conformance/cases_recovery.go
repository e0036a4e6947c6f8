package conformance

import (
	"errors"
	"time"
)

// mailWait bounds how long a case waits for a token to be delivered.
const mailWait = 3 * time.Second

// mailToken waits for a token of kind for email other than not (the token
// of an earlier request) and stops the case if none arrives.
func (c *caseT) mailToken(kind, email, not string) string {
	c.Helper()
	deadline := time.Now().Add(mailWait)
	for {
		tok, err := c.s.t.Mailbox.Token(c.Context(), kind, email)
		if err == nil && tok != "" && tok != not {
			return tok
		}
		if err != nil && !errors.Is(err, ErrNoMail) {
			c.Fatalf("mailbox: %v", err)
		}
		if time.Now().After(deadline) {
			c.Fatalf("no %s token was delivered to %s", kind, email)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// noMail reports a failure if a token of kind was delivered to email.
func (c *caseT) noMail(kind, email string) {
	c.Helper()
	if c.s.t.Mailbox == nil {
		return
	}
	if tok, err := c.s.t.Mailbox.Token(c.Context(), kind, email); err == nil && tok != "" {
		c.Errorf("a %s token was delivered to %s, want none", kind, email)
	}
}

// forgot posts forgot-password for email and expects 202 null.
func (c *caseT) forgot(email string) {
	c.Helper()
	c.wantBody(c.send("POST", c.p().forgot(), "", map[string]any{"email": email}), 202, "null")
}

// requestVerify posts request-verify-token for email and expects 202 null.
func (c *caseT) requestVerify(email string) {
	c.Helper()
	c.wantBody(c.send("POST", c.p().requestVerify(), "", map[string]any{"email": email}), 202, "null")
}

// resetCases are fastapi-users' reset-password router tests (P1–P11,
// tests/test_router_reset.py).
func resetCases() []testCase {
	resetToken := func(c *caseT, u *user) string {
		c.forgot(u.Email)
		return c.mailToken(MailReset, u.Email, "")
	}
	return []testCase{
		{id: "P1_forgot_empty", name: "POST forgot-password {}: 422", why: "forgot-password validates its body", needs: needResetVerify, fn: func(c *caseT) {
			c.want422(c.send("POST", c.p().forgot(), "", `{}`), []any{"body", "email"})
		}},
		{id: "P2_forgot_unknown", name: "POST forgot-password of an unknown email: 202 null, no token", why: "the same 202 for unknown addresses: no account enumeration, no mail", needs: needResetVerify, uses: spend{budgetForgot: 1}, fn: func(c *caseT) {
			email := c.newEmail("lancelot")
			c.forgot(email)
			c.noMail(MailReset, email)
		}},
		{id: "P3_forgot_inactive", name: "POST forgot-password of an inactive user: 202 null, no token", why: "deactivated accounts get no reset mail", needs: needResetVerify, users: 1, uses: spend{budgetForgot: 1}, fn: func(c *caseT) {
			i := c.newUser("i", kindI)
			c.forgot(i.Email)
			c.noMail(MailReset, i.Email)
		}},
		{id: "P4_forgot", name: "POST forgot-password of an active user: 202 null, a token is delivered", why: "an active account's owner gets a reset token", needs: needResetVerify, users: 1, uses: spend{budgetForgot: 1}, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			c.forgot(u.Email)
			if c.s.t.Mailbox != nil {
				c.mailToken(MailReset, u.Email, "")
			}
		}},
		{id: "P5_reset_empty", name: "POST reset-password {}: 422", why: "reset-password validates its body", needs: needResetVerify, fn: func(c *caseT) {
			c.want422(c.send("POST", c.p().reset(), "", `{}`), []any{"body", "token"}, []any{"body", "password"})
		}},
		{id: "P6_reset_no_token", name: "POST reset-password without token: 422", why: "a reset needs its token", needs: needResetVerify, fn: func(c *caseT) {
			c.want422(c.send("POST", c.p().reset(), "", map[string]any{"password": "guinevere-pw"}), []any{"body", "token"})
		}},
		{id: "P7_reset_no_password", name: "POST reset-password without password: 422", why: "a reset needs the new password", needs: needResetVerify, fn: func(c *caseT) {
			c.want422(c.send("POST", c.p().reset(), "", map[string]any{"token": "foo"}), []any{"body", "password"})
		}},
		{id: "P8_reset_bad_token", name: "POST reset-password with an invalid token: 400 RESET_PASSWORD_BAD_TOKEN", why: "garbage and tokens signed with another key are refused with the documented code", needs: needResetVerify, uses: spend{budgetReset: 3}, fn: func(c *caseT) {
			for _, tok := range []string{"foo", "a.b.c", forge("HS256", []byte("test-secret-key"), nil, map[string]any{"sub": randomUUID(), "aud": "fastapi-users:reset", "exp": time.Now().Add(time.Hour).Unix()})} {
				c.wantDetail(c.send("POST", c.p().reset(), "", map[string]any{"token": tok, "password": "guinevere-pw"}), 400, "RESET_PASSWORD_BAD_TOKEN")
			}
		}},
		{id: "P9_reset_inactive", name: "POST reset-password with a valid token of a now inactive user: 400 RESET_PASSWORD_BAD_TOKEN", why: "a reset token dies when its account is deactivated", needs: needMailbox, users: 1, uses: spend{budgetForgot: 1, budgetReset: 1}, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			tok := resetToken(c, u)
			c.patchUser(u.ID, map[string]any{"is_active": false})
			c.wantDetail(c.send("POST", c.p().reset(), "", map[string]any{"token": tok, "password": "guinevere-pw"}), 400, "RESET_PASSWORD_BAD_TOKEN")
		}},
		{id: "P10_reset_invalid_password", name: "[policy] POST reset-password with password \"m\": 400 RESET_PASSWORD_INVALID_PASSWORD", why: "the password policy holds for resets, and a refused reset keeps the old password", needs: needMailbox, users: 1, uses: spend{budgetForgot: 1, budgetReset: 1}, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			tok := resetToken(c, u)
			c.wantInvalidPassword(c.send("POST", c.p().reset(), "", map[string]any{"token": tok, "password": "m"}), "RESET_PASSWORD_INVALID_PASSWORD")
			c.loginToken(u.Email, u.Password) // unchanged
		}},
		{id: "P11_reset", name: "POST reset-password with a valid token: 200 null; the password changed, the token is spent, old sessions revoked", why: "a reset changes the password once, and ends the sessions a thief might hold", needs: needMailbox, users: 1, uses: spend{budgetForgot: 1, budgetReset: 2}, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			tok := resetToken(c, u)
			c.wantBody(c.send("POST", c.p().reset(), "", map[string]any{"token": tok, "password": "guinevere-new"}), 200, "null")
			c.wantDetail(c.login(u.Email, u.Password), 400, "LOGIN_BAD_CREDENTIALS")
			fresh := c.loginToken(u.Email, "guinevere-new")
			c.wantDetail(c.send("POST", c.p().reset(), "", map[string]any{"token": tok, "password": "guinevere-again"}), 400, "RESET_PASSWORD_BAD_TOKEN")
			c.want(c.get(c.p().me(), u.Token), 401)
			c.wantMe(fresh, u)
		}},
	}
}

// verifyCases are fastapi-users' verify router tests (V1–V11,
// tests/test_router_verify.py).
func verifyCases() []testCase {
	verifyToken := func(c *caseT, u *user) string {
		c.requestVerify(u.Email)
		return c.mailToken(MailVerify, u.Email, "")
	}
	verify := func(c *caseT, tok string) *response {
		return c.send("POST", c.p().verify(), "", map[string]any{"token": tok})
	}
	return []testCase{
		{id: "V1_request_verify_empty", name: "POST request-verify-token {}: 422", why: "request-verify-token validates its body", needs: needResetVerify, fn: func(c *caseT) {
			c.want422(c.send("POST", c.p().requestVerify(), "", `{}`), []any{"body", "email"})
		}},
		{id: "V2_request_verify_invalid_email", name: "POST request-verify-token with an invalid email: 422", why: "addresses are validated like everywhere else", needs: needResetVerify, fn: func(c *caseT) {
			c.want422(c.send("POST", c.p().requestVerify(), "", map[string]any{"email": "king.arthur"}), []any{"body", "email"})
		}},
		{id: "V3_request_verify_unknown", name: "POST request-verify-token of an unknown email: 202 null", why: "the same 202 for unknown addresses: no account enumeration", needs: needResetVerify, uses: spend{budgetVerify: 1}, fn: func(c *caseT) {
			email := c.newEmail("lancelot")
			c.requestVerify(email)
			c.noMail(MailVerify, email)
		}},
		{id: "V4_request_verify_inactive", name: "POST request-verify-token of an inactive user: 202 null, no token", why: "deactivated accounts get no verification mail", needs: needResetVerify, users: 1, uses: spend{budgetVerify: 1}, fn: func(c *caseT) {
			i := c.newUser("i", kindI)
			c.requestVerify(i.Email)
			c.noMail(MailVerify, i.Email)
		}},
		{id: "V5_request_verify_verified", name: "POST request-verify-token of a verified user: 202 null, no token", why: "verified accounts get no second verification mail", needs: needResetVerify, users: 1, uses: spend{budgetVerify: 1}, fn: func(c *caseT) {
			v := c.newUser("v", kindV)
			c.requestVerify(v.Email)
			c.noMail(MailVerify, v.Email)
		}},
		{id: "V6_request_verify", name: "POST request-verify-token of an unverified active user: 202 null, a token is delivered", why: "an unverified account's owner gets a verification token", needs: needResetVerify, users: 1, uses: spend{budgetVerify: 1}, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			c.requestVerify(u.Email)
			if c.s.t.Mailbox != nil {
				c.mailToken(MailVerify, u.Email, "")
			}
		}},
		{id: "V7_verify_empty", name: "POST verify {}: 422", why: "verify validates its body", needs: needResetVerify, fn: func(c *caseT) {
			c.want422(c.send("POST", c.p().verify(), "", `{}`), []any{"body", "token"})
		}},
		{id: "V8_verify_bad_token", name: "POST verify with a bad token: 400 VERIFY_USER_BAD_TOKEN", why: "a bad token gets the documented code", needs: needResetVerify, fn: func(c *caseT) {
			c.wantDetail(verify(c, "foo"), 400, "VERIFY_USER_BAD_TOKEN")
		}},
		{id: "V9_verify_deleted_user", name: "POST verify with the token of a deleted user: 400 VERIFY_USER_BAD_TOKEN", why: "a token of a deleted account is refused", needs: needMailbox, users: 1, uses: spend{budgetVerify: 1}, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			tok := verifyToken(c, u)
			c.must(c.do(request{method: "DELETE", path: c.p().user(u.ID), token: c.adminToken()}), 204)
			c.wantDetail(verify(c, tok), 400, "VERIFY_USER_BAD_TOKEN")
		}},
		{id: "V10_verify_already_verified", name: "POST verify for an already verified user: 400 VERIFY_USER_ALREADY_VERIFIED", why: "verifying twice gets the documented code", needs: needMailbox, users: 1, uses: spend{budgetVerify: 1}, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			tok := verifyToken(c, u)
			c.patchUser(u.ID, map[string]any{"is_verified": true})
			c.wantDetail(verify(c, tok), 400, "VERIFY_USER_ALREADY_VERIFIED")
		}},
		{id: "V11_verify", name: "POST verify with a valid token: 200 UserRead, verified; a second use: 400 VERIFY_USER_ALREADY_VERIFIED", why: "verification works once", needs: needMailbox, users: 1, uses: spend{budgetVerify: 1}, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			tok := verifyToken(c, u)
			r := verify(c, tok)
			if c.want(r, 200) {
				if got := c.userRead(r); got.ID != u.ID || !got.IsVerified {
					c.Errorf("%s: want %s verified", r, u.ID)
				}
			}
			c.wantDetail(verify(c, tok), 400, "VERIFY_USER_ALREADY_VERIFIED")
		}},
	}
}
