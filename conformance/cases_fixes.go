package conformance

import (
	"strings"
)

// fixCases are where the kit is deliberately better than the reference
// (revocation, impersonation, races, validation) and that are not about
// CLI login, tokens or hostile input.
func fixCases() []testCase {
	return []testCase{
		{id: "FIX27_host_headers_replaced", name: "a host that set Content-Type and Cache-Control before the kit writes: the kit's answer carries its own, once", why: "a host's own defaults must not make the kit's answers cacheable or mistyped", needs: needDemo, users: 1, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			for _, tok := range []string{"", "garbage", u.Token} {
				r := c.get(demoPreset, tok)
				want := 401
				if tok == u.Token {
					want = 200
				}
				c.want(r, want)
				ct, cc := r.Header.Values("Content-Type"), r.Header.Values("Cache-Control")
				if len(ct) != 1 || ct[0] != "application/json" || len(cc) != 1 || cc[0] != "no-store" {
					c.Errorf("%s: Content-Type %q, Cache-Control %q: want exactly application/json and no-store, the host's preset replaced", r, ct, cc)
				}
			}
		}},
		{id: "FIX1_logout_revokes", name: "logout revokes its token; the user's other tokens keep working", why: "logout really ends the session (the reference's JWTs stay valid until they expire)", users: 1, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			other := c.loginToken(u.Email, u.Password)
			c.wantBody(c.do(request{method: "POST", path: c.p().logout(), token: u.Token}), 204, "")
			c.want(c.get(c.p().me(), u.Token), 401)
			c.want(c.do(request{method: "POST", path: c.p().logout(), token: u.Token}), 401)
			c.wantMe(other, u)
			c.wantMe(c.loginToken(u.Email, u.Password), u)
		}},
		{id: "FIX2_password_change_revokes", name: "PATCH /users/me {password} revokes earlier tokens; a token minted right after works", why: "a password change ends every earlier session, e.g. a thief's", users: 1, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			second := c.loginToken(u.Email, u.Password)
			c.must(c.send("PATCH", c.p().me(), u.Token, map[string]any{"password": "changed-password"}), 200)
			fresh := c.loginToken(u.Email, "changed-password")
			c.want(c.get(c.p().me(), u.Token), 401)
			c.want(c.get(c.p().me(), second), 401)
			c.wantMe(fresh, u)
			// A superuser setting the password revokes as well.
			c.patchUser(u.ID, map[string]any{"password": "changed-again"})
			c.want(c.get(c.p().me(), fresh), 401)
			c.wantMe(c.loginToken(u.Email, "changed-again"), u)
		}},
		{id: "FIX3_deactivation_revokes", name: "deactivation revokes every token; after reactivation only new logins work", why: "deactivating an account ends its sessions for good", users: 1, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			c.patchUser(u.ID, map[string]any{"is_active": false})
			c.want(c.get(c.p().me(), u.Token), 401)
			c.patchUser(u.ID, map[string]any{"is_active": true})
			c.want(c.get(c.p().me(), u.Token), 401)
			c.wantMe(c.loginToken(u.Email, u.Password), u)
		}},
		impersonationFix(),
		{id: "FIX5_null_is_422", name: "null for email or a flag in PATCH is a 422, never a 500; null password is \"not set\"", why: "the reference answers 500 to these; a 422 tells the client what is wrong", users: 1, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			c.want422(c.send("PATCH", c.p().me(), u.Token, `{"email":null}`), []any{"body", "email"})
			for _, field := range []string{"email", "is_active", "is_superuser", "is_verified"} {
				c.want422(c.send("PATCH", c.p().user(u.ID), c.adminToken(), `{"`+field+`":null}`), []any{"body", field})
			}
			c.want(c.send("PATCH", c.p().me(), u.Token, `{"password":null}`), 200)
			c.wantMe(c.loginToken(u.Email, u.Password), u)
		}},
		{id: "FIX6_register_race", name: "64 concurrent registrations of one address in case variants: one 201, the rest 400 REGISTER_USER_ALREADY_EXISTS", why: "concurrent registrations cannot create two accounts for one address", uses: spend{budgetRegister: 64}, fn: func(c *caseT) {
			email := c.newEmail("race")
			at := strings.IndexByte(email, '@')
			variants := []string{email, upper(email), strings.ToUpper(email[:at]) + email[at:], email[:at] + strings.ToUpper(email[at:])}
			rs := c.parallel(64, func(i int) request {
				return request{method: "POST", path: c.p().register(), ctype: "application/json",
					body: jsonBody(map[string]any{"email": variants[i%len(variants)], "password": newPassword()})}
			})
			created := 0
			for _, r := range rs {
				switch {
				case r == nil:
				case r.Status == 201:
					created++
					c.deleteLater(c.userRead(r).ID)
				default:
					c.wantDetail(r, 400, "REGISTER_USER_ALREADY_EXISTS")
				}
			}
			if created != 1 {
				c.Errorf("%d registrations succeeded, want exactly 1", created)
			}
		}},
		{id: "FIX7_unknown_fields_ignored", name: "unknown JSON fields are ignored (register, PATCH)", why: "clients cannot set ids or hashes through extra fields", users: 1, uses: spend{budgetRegister: 1}, fn: func(c *caseT) {
			forged := randomUUID()
			email := c.newEmail("extra")
			_, u := c.registerNew(map[string]any{"email": email, "password": newPassword(), "id": forged, "hashed_password": "x", "unknown": []int{1}})
			if u.ID == forged {
				c.Errorf("register honoured a client-chosen id")
			}
			tok := c.newUser("u", kindU)
			r := c.send("PATCH", c.p().me(), tok.Token, map[string]any{"unknown": true, "id": forged})
			if c.want(r, 200) && c.userRead(r).ID != tok.ID {
				c.Errorf("%s: the id changed", r)
			}
		}},
		{id: "FIX8_password_policy", name: "password policy: at least 8 characters, at most 4096 bytes, on register, PATCH and reset", why: "the kit's password policy (the reference has none), counted in characters", users: 1, uses: spend{budgetRegister: 7}, fn: func(c *caseT) {
			for _, tc := range []struct {
				password string
				ok       bool
			}{
				{"m", false},
				{"1234567", false},
				{"12345678", true},
				{strings.Repeat("é", 7), false}, // 14 bytes, 7 characters
				{strings.Repeat("é", 8), true},
				{strings.Repeat("p", 4096), true},
				{strings.Repeat("p", 4097), false},
			} {
				email := c.newEmail("policy")
				r := c.register(email, tc.password)
				if tc.ok {
					if c.want(r, 201) {
						c.deleteLater(c.userRead(r).ID)
						c.loginToken(email, tc.password)
					}
				} else {
					c.wantInvalidPassword(r, "REGISTER_INVALID_PASSWORD")
				}
			}
			u := c.newUser("u", kindU)
			c.wantInvalidPassword(c.send("PATCH", c.p().me(), u.Token, map[string]any{"password": strings.Repeat("p", 4097)}), "UPDATE_USER_INVALID_PASSWORD")
			c.wantInvalidPassword(c.send("PATCH", c.p().user(u.ID), c.adminToken(), map[string]any{"password": "1234567"}), "UPDATE_USER_INVALID_PASSWORD")
			c.wantMe(c.loginToken(u.Email, u.Password), u)
		}},
		{id: "FIX9_reset_token_once", name: "16 concurrent resets with one token: exactly one 200, the rest 400 RESET_PASSWORD_BAD_TOKEN", why: "a reset token works once, even under concurrency", needs: needMailbox, users: 1, uses: spend{budgetForgot: 1, budgetReset: 16}, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			c.forgot(u.Email)
			tok := c.mailToken(MailReset, u.Email, "")
			pw := make([]string, 16)
			rs := c.parallel(16, func(i int) request {
				pw[i] = newPassword()
				return request{method: "POST", path: c.p().reset(), ctype: "application/json", body: jsonBody(map[string]any{"token": tok, "password": pw[i]})}
			})
			winner := -1
			for i, r := range rs {
				switch {
				case r == nil:
				case r.Status == 200:
					if winner >= 0 {
						c.Errorf("two resets with one token succeeded")
					}
					winner = i
				default:
					c.wantDetail(r, 400, "RESET_PASSWORD_BAD_TOKEN")
				}
			}
			if winner < 0 {
				c.Fatalf("no reset succeeded")
			}
			c.wantMe(c.loginToken(u.Email, pw[winner]), u)
		}},
		{id: "FIX10_verify_token_once", name: "16 concurrent verifications with one token: exactly one 200, the rest 400 VERIFY_USER_ALREADY_VERIFIED", why: "a verification token works once, even under concurrency", needs: needMailbox, users: 1, uses: spend{budgetVerify: 1}, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			c.requestVerify(u.Email)
			tok := c.mailToken(MailVerify, u.Email, "")
			rs := c.parallel(16, func(int) request {
				return request{method: "POST", path: c.p().verify(), ctype: "application/json", body: jsonBody(map[string]any{"token": tok})}
			})
			ok := 0
			for _, r := range rs {
				switch {
				case r == nil:
				case r.Status == 200:
					ok++
				default:
					c.wantDetail(r, 400, "VERIFY_USER_ALREADY_VERIFIED")
				}
			}
			if ok != 1 {
				c.Errorf("%d verifications succeeded, want exactly 1", ok)
			}
		}},
	}
}
