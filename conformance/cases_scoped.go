package conformance

import "time"

// forgeKey is the key the suite signs forged tokens with: the server's
// secret when known (then only the claim under test is wrong), else the
// reference tests' "test-secret-key".
func (c *caseT) forgeKey() []byte {
	if k := c.s.t.SecretKey; k != "" {
		return []byte(k)
	}
	return []byte("test-secret-key")
}

// scopedCases are zndraw-auth's scoped-session tests (Z43–Z50,
// tests/test_scoped_session.py), run against a current_active_user route,
// which answers the standard 401 body. (Hosts that want the scoped
// dependency's own details on a route of theirs call
// httpapi.API.AuthenticateScoped; its test is in package httpapi.)
func scopedCases() []testCase {
	forged := func(claims func(c *caseT) map[string]any) func(*caseT) {
		return func(c *caseT) {
			for _, withExp := range []bool{false, true} {
				cl := claims(c)
				if withExp {
					// A valid exp (far enough ahead for a server clock
					// that was moved forward), so the claim under test is
					// the only reason to refuse the token.
					cl["exp"] = time.Now().Add(24 * time.Hour).Unix()
				}
				c.want(c.get(c.activeRoutePath(), forge("HS256", c.forgeKey(), nil, cl)), 401)
			}
		}
	}
	return []testCase{
		{id: "Z43_scoped_valid", name: "a valid login token: 200 with the user's email and id", why: "zndraw's long-poll endpoints accept a valid token", users: 1, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			c.activeRoute(u.Token, u)
			c.wantMe(u.Token, u)
			if c.s.t.DemoRoutes {
				c.wantOptional(u.Token, u)
			}
		}},
		{id: "Z44_scoped_no_token", name: "no token: 401", why: "and refuse a missing one", fn: func(c *caseT) {
			c.want(c.get(c.activeRoutePath(), ""), 401)
		}},
		{id: "Z45_scoped_invalid_jwt", name: "Bearer not-a-valid-jwt: 401", why: "and a malformed one", fn: func(c *caseT) {
			c.want(c.get(c.activeRoutePath(), "not-a-valid-jwt"), 401)
		}},
		{id: "Z46_scoped_expired", name: "an HS256 token with exp 0: 401", why: "and an expired one", fn: func(c *caseT) {
			c.want(c.get(c.activeRoutePath(), forge("HS256", c.forgeKey(), nil, map[string]any{
				"sub": "00000000-0000-0000-0000-000000000000", "aud": "fastapi-users:auth", "exp": 0})), 401)
		}},
		{id: "Z47_scoped_bad_sub", name: "sub not a UUID: 401", why: "and one whose subject is not a user id", fn: forged(func(c *caseT) map[string]any {
			return map[string]any{"sub": "not-a-uuid", "aud": "fastapi-users:auth"}
		})},
		{id: "Z48_scoped_no_sub", name: "no sub: 401", why: "and one without subject", fn: forged(func(c *caseT) map[string]any {
			return map[string]any{"aud": "fastapi-users:auth"}
		})},
		{id: "Z49_scoped_unknown_user", name: "sub of no user: 401", why: "and one for a user that does not exist", fn: forged(func(c *caseT) map[string]any {
			return map[string]any{"sub": randomUUID(), "aud": "fastapi-users:auth"}
		})},
		{id: "Z50_scoped_deactivated", name: "a user's token: 200, then 401 after the admin deactivates them", why: "a deactivated user's token stops working at once", users: 1, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			c.activeRoute(u.Token, u)
			c.patchUser(u.ID, map[string]any{"is_active": false})
			c.want(c.get(c.activeRoutePath(), u.Token), 401)
		}},
	}
}
