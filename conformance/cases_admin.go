package conformance

import "strings"

// mint asks POST /admin/users/{id}/token as token.
func (c *caseT) mint(id, token string) *response {
	c.Helper()
	return c.do(request{method: "POST", path: c.p().adminToken(id), token: token})
}

// adminCases are zndraw-auth's admin token tests (Z38–Z42,
// tests/test_admin_token.py).
func adminCases() []testCase {
	return []testCase{
		{id: "Z38_admin_mint", name: "admin POST /admin/users/{id}/token: 200 bearer; the token acts as the target", why: "zndraw's admin tooling acts as a user with a minted token", users: 1, fn: func(c *caseT) {
			u := c.newUser("target", kindU)
			tok := c.bearer(c.must(c.mint(u.ID, c.adminToken()), 200))
			c.activeRoute(tok, u)
			c.wantMe(tok, u)
		}},
		{id: "Z39_mint_as_user", name: "a non-superuser POST /admin/users/{id}/token: 403", why: "only superusers mint tokens for others", users: 2, fn: func(c *caseT) {
			u, other := c.newUser("u", kindU), c.newUser("other", kindU)
			c.want(c.mint(other.ID, u.Token), 403)
		}},
		{id: "Z40_mint_missing_user", name: "admin POST /admin/users/<nil uuid>/token: 404 User not found", why: "404 User not found for a missing target", fn: func(c *caseT) {
			c.wantDetail(c.mint("00000000-0000-0000-0000-000000000000", c.adminToken()), 404, "User not found")
		}},
		{id: "Z41_mint_claims", name: "the minted token has sub = target and impersonated_by", why: "minted tokens name their target and the minting admin", users: 1, fn: func(c *caseT) {
			u := c.newUser("target", kindU)
			p := c.mustDecode(c.bearer(c.must(c.mint(u.ID, c.adminToken()), 200)))
			if p.claims["sub"] != u.ID {
				c.Errorf("sub = %v, want %s", p.claims["sub"], u.ID)
			}
			if _, ok := p.claims["impersonated_by"]; !ok {
				c.Errorf("no impersonated_by claim in %v", p.claims)
			}
		}},
		{id: "Z42_mint_no_token", name: "POST /admin/users/{id}/token without a token: 401", why: "minting needs a token", users: 1, fn: func(c *caseT) {
			u := c.newUser("target", kindU)
			c.want(c.mint(u.ID, ""), 401)
		}},
	}
}

// adminExtraCases check admin behaviour the reference's tests leave
// unasserted (X4–X7).
func adminExtraCases() []testCase {
	return []testCase{
		{id: "X4_mint_inactive_target", name: "admin mint for an inactive target: 404 User not found", why: "no tokens for deactivated accounts", users: 1, fn: func(c *caseT) {
			i := c.newUser("i", kindI)
			c.wantDetail(c.mint(i.ID, c.adminToken()), 404, "User not found")
		}},
		{id: "X5_mint_non_uuid", name: "admin mint with a non-UUID id: 422 at path.user_id; 401 unauthenticated, 403 for a user", why: "path validation (422) and auth (401/403) answers of the mint route", users: 1, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			c.want422(c.mint("not-a-uuid", c.adminToken()), []any{"path", "user_id"})
			c.want(c.mint("not-a-uuid", ""), 401)
			c.want(c.mint("not-a-uuid", u.Token), 403)
		}},
		{id: "X6_error_details", name: "the error details: Not Found, User not found, Challenge not found", why: "the exact detail texts clients match on", fn: func(c *caseT) {
			c.wantDetail(c.get(c.p().user(randomUUID()), c.adminToken()), 404, "Not Found")
			c.wantDetail(c.mint(randomUUID(), c.adminToken()), 404, "User not found")
			c.wantDetail(c.get(c.p().poll("ZZZZZZZZ", "x"), ""), 404, "Challenge not found")
		}},
		{id: "X7_users_id_lenient_uuid", name: "GET /users/{id} accepts what Python's uuid.UUID accepts (hex, braces, urn:uuid:, upper case)", why: "clients written against the Python service send ids in every form Python accepts", users: 1, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			hex := strings.ReplaceAll(u.ID, "-", "")
			for _, id := range []string{hex, "%7B" + u.ID + "%7D", "urn:uuid:" + u.ID, strings.ToUpper(u.ID)} {
				r := c.get(c.p().user(id), c.adminToken())
				if c.want(r, 200) && c.userRead(r).ID != u.ID {
					c.Errorf("%s: want %s", r, u.ID)
				}
			}
		}},
	}
}

// impersonationFix is the impersonation fence: a token an admin minted for
// another user cannot act as an admin, and dies with its minter's powers
// (the reference lets it do anything its target may).
func impersonationFix() testCase {
	return testCase{id: "FIX4_impersonation_fence", name: "impersonation tokens: 403 on /admin and /users/{id}, 401 once the minting admin is demoted, deactivated or deleted", why: "an admin's impersonation token cannot act as an admin, and dies with the admin's powers", users: 6, fn: func(c *caseT) {
		// The minting admin is a superuser of its own, so the configured
		// admin stays intact.
		minter := c.newUser("minter", kindS)
		target := c.newUser("target", kindS) // a superuser: only the fence stops it
		other := c.newUser("other", kindU)
		imp := c.bearer(c.must(c.mint(target.ID, minter.Token), 200))
		if p := c.mustDecode(imp); p.claims["impersonated_by"] != minter.ID {
			c.Errorf("impersonated_by = %v, want %s", p.claims["impersonated_by"], minter.ID)
		}
		c.wantMe(imp, target)
		c.want(c.mint(other.ID, imp), 403)
		c.want(c.get(c.p().user(other.ID), imp), 403)
		c.want(c.send("PATCH", c.p().user(other.ID), imp, map[string]any{"is_superuser": true}), 403)
		c.want(c.do(request{method: "DELETE", path: c.p().user(other.ID), token: imp}), 403)
		if c.s.t.DemoRoutes {
			c.want(c.get(demoSuperuser, imp), 403)
		}
		if got := c.userRead(c.get(c.p().user(other.ID), c.adminToken())); got.IsSuperuser {
			c.Errorf("a forbidden PATCH promoted %s", other.Email)
		}
		// The token dies with its minter's powers.
		for _, kill := range []struct {
			name string
			do   func(u *user)
		}{
			{"demoted", func(u *user) { c.patchUser(u.ID, map[string]any{"is_superuser": false}) }},
			{"deactivated", func(u *user) { c.patchUser(u.ID, map[string]any{"is_active": false}) }},
			{"deleted", func(u *user) {
				c.must(c.do(request{method: "DELETE", path: c.p().user(u.ID), token: c.adminToken()}), 204)
			}},
		} {
			m := c.newUser("minter-"+kill.name, kindS)
			tok := c.bearer(c.must(c.mint(other.ID, m.Token), 200))
			c.wantMe(tok, other)
			kill.do(m)
			if r := c.get(c.p().me(), tok); r.Status != 401 {
				c.Errorf("minter %s: %s: want 401", kill.name, r)
			}
		}
	}}
}
