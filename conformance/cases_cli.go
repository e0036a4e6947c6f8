package conformance

import (
	"encoding/json"
	"regexp"
	"strings"
)

// challenge is the answer to POST /auth/cli-login.
type challenge struct {
	Code       string      `json:"code"`
	Secret     string      `json:"secret"`
	ApproveURL string      `json:"approve_url"`
	ExpiresIn  json.Number `json:"expires_in"`
	Interval   json.Number `json:"interval"`
}

// createChallenge starts a CLI login and returns the challenge (200
// required).
func (c *caseT) createChallenge() challenge {
	c.Helper()
	r := c.must(c.do(request{method: "POST", path: c.p().cli()}), 200)
	var ch challenge
	dec := json.NewDecoder(strings.NewReader(string(r.Body)))
	dec.UseNumber()
	if err := dec.Decode(&ch); err != nil || ch.Code == "" || ch.Secret == "" {
		c.Fatalf("%s: not a challenge (%v)", r, err)
	}
	return ch
}

func (c *caseT) approve(code, token string) *response {
	c.Helper()
	return c.do(request{method: "PATCH", path: c.p().cliCode(code), token: token})
}

func (c *caseT) reject(code, token string) *response {
	c.Helper()
	return c.do(request{method: "DELETE", path: c.p().cliCode(code), token: token})
}

// wantApproved checks an approve answer: exactly {"status":"approved"}.
func (c *caseT) wantApproved(r *response) {
	c.Helper()
	c.wantBody(r, 200, `{"status":"approved"}`)
}

// redeemed checks a successful poll, {"status":"approved","token":"<jwt>"},
// and returns the token ("" after a reported failure).
func (c *caseT) redeemed(r *response) string {
	c.Helper()
	if !c.want(r, 200) || !c.wantKeys(r.String(), r.Body, "status", "token") {
		return ""
	}
	var v struct {
		Status string  `json:"status"`
		Token  *string `json:"token"`
	}
	if !decodeInto(r.Body, &v) || v.Status != "approved" || v.Token == nil || strings.Count(*v.Token, ".") != 2 {
		c.Errorf("%s: want status approved and a token", r)
		return ""
	}
	return *v.Token
}

const pendingBody = `{"status":"pending","token":null}`

var (
	codePattern   = regexp.MustCompile(`^[A-Z0-9]{8}$`)
	secretPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)
)

// cliCases are zndraw-auth's CLI login tests (Z26–Z37,
// tests/test_cli_login.py).
func cliCases() []testCase {
	return []testCase{
		{id: "Z26_cli_create", name: "POST /auth/cli-login: 200 {code, secret, approve_url, expires_in, interval}", why: "the device-code challenge the zndraw CLI starts with, in its exact shape", uses: spend{budgetCLI: 2}, fn: func(c *caseT) {
			r := c.must(c.do(request{method: "POST", path: c.p().cli()}), 200)
			c.wantKeys(r.String(), r.Body, "code", "secret", "approve_url", "expires_in", "interval")
			ch := c.createChallenge()
			if !codePattern.MatchString(ch.Code) {
				c.Errorf("code %q: want 8 characters of A-Z0-9", ch.Code)
			}
			if !secretPattern.MatchString(ch.Secret) {
				c.Errorf("secret: want 43 base64url characters, got %d", len(ch.Secret))
			}
			if !strings.Contains(ch.ApproveURL, ch.Code) {
				c.Errorf("approve_url %q does not name the code %s", ch.ApproveURL, ch.Code)
			}
			exp, err1 := ch.ExpiresIn.Int64()
			iv, err2 := ch.Interval.Int64()
			if err1 != nil || err2 != nil || exp <= 0 || iv < 0 {
				c.Errorf("expires_in %s, interval %s: want whole seconds, expires_in > 0", ch.ExpiresIn, ch.Interval)
			}
			if lt := c.s.t.ChallengeLifetime; lt > 0 && exp != int64(lt.Seconds()) {
				c.Errorf("expires_in %d, want the configured lifetime %d", exp, int64(lt.Seconds()))
			}
		}},
		{id: "Z27_cli_poll_pending", name: "poll right after creation: 200 {\"status\":\"pending\",\"token\":null}", why: "the CLI polls until approval; pending has this exact body", uses: spend{budgetCLI: 1}, fn: func(c *caseT) {
			c.wantBody(c.poll(c.createChallenge()), 200, pendingBody)
		}},
		{id: "Z28_cli_poll_wrong_secret", name: "poll with a wrong secret: 404 Challenge not found", why: "only the CLI that holds the secret can poll", uses: spend{budgetCLI: 1}, fn: func(c *caseT) {
			ch := c.createChallenge()
			c.wantDetail(c.get(c.p().poll(ch.Code, "wrong-secret"), ""), 404, "Challenge not found")
		}},
		{id: "Z29_cli_poll_unknown", name: "poll of an unknown code: 404 Challenge not found", why: "unknown codes are 404", fn: func(c *caseT) {
			c.wantDetail(c.get(c.p().poll("ZZZZZZZZ", "doesnt-matter"), ""), 404, "Challenge not found")
		}},
		{id: "Z30_cli_approve", name: "PATCH /auth/cli-login/{code} with a user token: 200 {\"status\":\"approved\"}", why: "a signed-in user approves the CLI's code", users: 1, uses: spend{budgetCLI: 1}, fn: func(c *caseT) {
			u := c.newUser("browser", kindU)
			c.wantApproved(c.approve(c.createChallenge().Code, u.Token))
		}},
		{id: "Z31_cli_approve_no_token", name: "PATCH /auth/cli-login/{code} without a token: 401", why: "approving needs a signed-in user, and a refused approval leaves it pending", uses: spend{budgetCLI: 1}, fn: func(c *caseT) {
			ch := c.createChallenge()
			c.want(c.approve(ch.Code, ""), 401)
			c.wantBody(c.poll(ch), 200, pendingBody)
		}},
		{id: "Z32_cli_full_flow", name: "create, approve, poll: 200 approved with a token of the approver", why: "the whole CLI login: the CLI gets a working token of the approver", users: 1, uses: spend{budgetCLI: 1}, fn: func(c *caseT) {
			u := c.newUser("browser", kindU)
			ch := c.createChallenge()
			c.wantApproved(c.approve(ch.Code, u.Token))
			if tok := c.redeemed(c.poll(ch)); tok != "" {
				c.activeRoute(tok, u)
				c.wantMe(tok, u)
			}
		}},
		{id: "Z33_cli_poll_once", name: "a second poll after the token was handed out: 404", why: "the token is handed out once", users: 1, uses: spend{budgetCLI: 1}, fn: func(c *caseT) {
			u := c.newUser("browser", kindU)
			ch := c.createChallenge()
			c.wantApproved(c.approve(ch.Code, u.Token))
			c.redeemed(c.poll(ch))
			c.wantDetail(c.poll(ch), 404, "Challenge not found")
		}},
		{id: "Z34_cli_reject", name: "DELETE /auth/cli-login/{code} with a token: 204; then poll 404", why: "a user can refuse a login they did not start", users: 1, uses: spend{budgetCLI: 1}, fn: func(c *caseT) {
			u := c.newUser("browser", kindU)
			ch := c.createChallenge()
			c.wantBody(c.reject(ch.Code, u.Token), 204, "")
			c.wantDetail(c.poll(ch), 404, "Challenge not found")
		}},
		{id: "Z35_cli_reject_no_token", name: "DELETE /auth/cli-login/{code} without a token: 401", why: "refusing needs a signed-in user", uses: spend{budgetCLI: 1}, fn: func(c *caseT) {
			ch := c.createChallenge()
			c.want(c.reject(ch.Code, ""), 401)
			c.wantBody(c.poll(ch), 200, pendingBody)
		}},
		{id: "Z36_cli_poll_expired", name: "poll after the challenge expired: 410 Challenge expired (404 with a wrong secret)", why: "challenges expire (410), and only the secret holder learns that", needs: needExpiry, uses: spend{budgetCLI: 1}, fn: func(c *caseT) {
			ch := c.createChallenge()
			c.expireChallenges()
			c.wantDetail(c.poll(ch), 410, "Challenge expired")
			c.wantDetail(c.get(c.p().poll(ch.Code, "wrong-secret"), ""), 404, "Challenge not found")
		}},
		{id: "Z37_cli_approve_expired", name: "approve after the challenge expired: 410 Challenge expired", why: "expired challenges cannot be approved", needs: needExpiry, users: 1, uses: spend{budgetCLI: 1}, fn: func(c *caseT) {
			u := c.newUser("browser", kindU)
			ch := c.createChallenge()
			c.expireChallenges()
			c.wantDetail(c.approve(ch.Code, u.Token), 410, "Challenge expired")
		}},
	}
}

// cliExtraCases check CLI login behaviour the reference's tests leave
// unasserted (X1–X3).
func cliExtraCases() []testCase {
	return []testCase{
		{id: "X1_cli_approved_then_expired", name: "poll of an approved challenge after expiry: 410, no token; approving it again: 404", why: "an approved but unredeemed challenge still expires", needs: needExpiry, users: 1, uses: spend{budgetCLI: 1, budgetCode: 1}, fn: func(c *caseT) {
			u := c.newUser("browser", kindU)
			ch := c.createChallenge()
			c.wantApproved(c.approve(ch.Code, u.Token))
			c.expireChallenges()
			c.wantDetail(c.poll(ch), 410, "Challenge expired")
			c.wantDetail(c.approve(ch.Code, c.loginToken(u.Email, u.Password)), 404, "Challenge not found")
		}},
		{id: "X2_cli_approve_twice", name: "approving an approved challenge again: 404 Challenge not found; the first approver keeps it", why: "nobody can take over a challenge someone else approved", users: 2, uses: spend{budgetCLI: 1, budgetCode: 2}, fn: func(c *caseT) {
			u, other := c.newUser("browser", kindU), c.newUser("other", kindU)
			ch := c.createChallenge()
			c.wantApproved(c.approve(ch.Code, u.Token))
			c.wantDetail(c.approve(ch.Code, other.Token), 404, "Challenge not found")
			c.wantDetail(c.approve(ch.Code, u.Token), 404, "Challenge not found")
			if tok := c.redeemed(c.poll(ch)); tok != "" {
				c.wantMe(tok, u)
			}
		}},
		{id: "X3_cli_poll_without_secret", name: "poll without the secret query parameter: 422 at query.secret; an empty secret: 404", why: "the secret is required and compared exactly; codes are case-sensitive", uses: spend{budgetCLI: 1}, fn: func(c *caseT) {
			ch := c.createChallenge()
			c.want422(c.get(c.p().cliCode(ch.Code), ""), []any{"query", "secret"})
			c.wantDetail(c.get(c.p().cliCode(ch.Code)+"?secret=", ""), 404, "Challenge not found")
			c.wantDetail(c.get(c.p().poll(strings.ToLower(ch.Code), ch.Secret), ""), 404, "Challenge not found")
			c.wantBody(c.poll(ch), 200, pendingBody)
		}},
	}
}

// cliFixCases are where the kit's CLI login is deliberately better than
// the reference's (exactly-once redemption and approval, re-checked
// approvers).
func cliFixCases() []testCase {
	return []testCase{
		{id: "FIX11_cli_poll_exactly_once", name: "64 concurrent polls of an approved challenge: exactly one 200 with a token, the rest 404 (or 429 within the poll interval while limits are on)", why: "the CLI token is handed out exactly once, even to concurrent pollers", users: 1, uses: spend{budgetCLI: 1}, fn: func(c *caseT) {
			u := c.newUser("browser", kindU)
			ch := c.createChallenge()
			c.wantApproved(c.approve(ch.Code, u.Token))
			rs := c.parallel(64, func(int) request { return request{method: "GET", path: c.p().poll(ch.Code, ch.Secret)} })
			winners := 0
			for _, r := range rs {
				switch {
				case r == nil:
				case r.Status == 200:
					winners++
					if tok := c.redeemed(r); tok != "" {
						c.wantMe(tok, u)
					}
				case r.Status == 429 && c.s.limits.Enabled:
					// Polled within the interval of the winner's poll
					// (checkInvariants checks body and Retry-After).
				default:
					c.wantDetail(r, 404, "Challenge not found")
				}
			}
			if winners != 1 {
				c.Errorf("%d polls got the token, want exactly 1", winners)
			}
		}},
		{id: "FIX12_cli_reject_keeps_audit", name: "reject: pending/approved → 204 and polls 404; redeemed, rejected or unknown → 404", why: "refused and redeemed challenges cannot be revived or erased", users: 1, uses: spend{budgetCLI: 3, budgetCode: 4}, fn: func(c *caseT) {
			u := c.newUser("browser", kindU)
			// pending → rejected; a second reject, an approval and a poll all 404.
			ch := c.createChallenge()
			c.wantBody(c.reject(ch.Code, u.Token), 204, "")
			c.wantDetail(c.reject(ch.Code, u.Token), 404, "Challenge not found")
			c.wantDetail(c.approve(ch.Code, u.Token), 404, "Challenge not found")
			c.wantDetail(c.poll(ch), 404, "Challenge not found")
			// approved (not redeemed) → rejected; the token is never handed out.
			ch = c.createChallenge()
			c.wantApproved(c.approve(ch.Code, u.Token))
			c.wantBody(c.reject(ch.Code, u.Token), 204, "")
			c.wantDetail(c.poll(ch), 404, "Challenge not found")
			// redeemed: kept for audit, cannot be deleted.
			ch = c.createChallenge()
			c.wantApproved(c.approve(ch.Code, u.Token))
			c.redeemed(c.poll(ch))
			c.wantDetail(c.reject(ch.Code, u.Token), 404, "Challenge not found")
			// unknown.
			c.wantDetail(c.reject("ZZZZZZZZ", u.Token), 404, "Challenge not found")
		}},
		{id: "FIX13_cli_approver_rechecked", name: "the approver is re-checked at redemption: deactivated or deleted → poll 404, no token", why: "a deactivated or deleted approver's CLI login gets no token", users: 2, uses: spend{budgetCLI: 2}, fn: func(c *caseT) {
			for _, kill := range []struct {
				name string
				do   func(u *user)
			}{
				{"deactivated", func(u *user) { c.patchUser(u.ID, map[string]any{"is_active": false}) }},
				{"deleted", func(u *user) {
					c.must(c.do(request{method: "DELETE", path: c.p().user(u.ID), token: c.adminToken()}), 204)
				}},
			} {
				u := c.newUser("browser", kindU)
				ch := c.createChallenge()
				c.wantApproved(c.approve(ch.Code, u.Token))
				kill.do(u)
				r := c.poll(ch)
				if r.Status != 404 {
					c.Errorf("approver %s: %s: want 404 and no token", kill.name, r)
				}
			}
		}},
		{id: "FIX14_cli_approve_once", name: "64 concurrent approvals: exactly one 200, the rest 404 (or 429 past the limit of codes that match nothing); the token is the winner's", why: "concurrent approvals cannot hand one CLI login to two users", users: 2, uses: spend{budgetCLI: 1, budgetCode: 63}, fn: func(c *caseT) {
			a, b := c.newUser("browser-a", kindU), c.newUser("browser-b", kindU)
			ch := c.createChallenge()
			rs := c.parallel(64, func(i int) request {
				tok := a.Token
				if i%2 == 1 {
					tok = b.Token
				}
				return request{method: "PATCH", path: c.p().cliCode(ch.Code), token: tok}
			})
			var winner *user
			wins := 0
			for i, r := range rs {
				switch {
				case r == nil:
				case r.Status == 200:
					wins++
					c.wantApproved(r)
					winner = a
					if i%2 == 1 {
						winner = b
					}
				case r.Status == 429 && c.s.limits.Enabled:
					// Past the limit of codes that match nothing
					// (checkInvariants checks body and Retry-After).
				default:
					c.wantDetail(r, 404, "Challenge not found")
				}
			}
			if wins != 1 {
				c.Fatalf("%d approvals succeeded, want exactly 1", wins)
			}
			if tok := c.redeemed(c.poll(ch)); tok != "" {
				c.wantMe(tok, winner)
			}
		}},
		{id: "FIX15_delete_cli_approver", name: "deleting a user who approved CLI logins: 204", why: "deleting a user is not blocked by the challenges they approved", users: 1, uses: spend{budgetCLI: 2}, fn: func(c *caseT) {
			u := c.newUser("browser", kindU)
			ch := c.createChallenge()
			c.wantApproved(c.approve(ch.Code, u.Token))
			c.redeemed(c.poll(ch))
			pending := c.createChallenge()
			c.wantApproved(c.approve(pending.Code, u.Token))
			c.wantBody(c.do(request{method: "DELETE", path: c.p().user(u.ID), token: c.adminToken()}), 204, "")
			c.wantDetail(c.poll(pending), 404, "Challenge not found")
		}},
	}
}
