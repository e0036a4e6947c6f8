package conformance

// usersMeCases are fastapi-users' users router tests U1–U21 (GET and PATCH
// /users/me, tests/test_router_users.py, without requires_verification).
func usersMeCases() []testCase {
	// patchMe sends body as tok(k)'s PATCH /users/me and returns the fixture
	// and the answer.
	patchMe := func(c *caseT, k kind, body any) (*user, *response) {
		u := c.newUser("me", k)
		return u, c.send("PATCH", c.p().me(), u.Token, body)
	}
	// flagIgnored: a regular user cannot change a flag of their own.
	flagIgnored := func(k kind, field string, value bool, want func(userRead) bool) func(*caseT) {
		return func(c *caseT) {
			_, r := patchMe(c, k, map[string]any{field: value})
			if c.want(r, 200) && !want(c.userRead(r)) {
				c.Errorf("%s: %s must not change", r, field)
			}
		}
	}
	unchanged := func(k kind) func(*caseT) {
		return func(c *caseT) {
			u, r := patchMe(c, k, `{}`)
			if c.want(r, 200) {
				if got := c.userRead(r); got.Email != u.Email || got.ID != u.ID {
					c.Errorf("%s: want the unchanged user %s", r, u.Email)
				}
			}
		}
	}
	newEmail := func(k kind) func(*caseT) {
		return func(c *caseT) {
			email := c.newEmail("king-arthur")
			_, r := patchMe(c, k, map[string]any{"email": email})
			if c.want(r, 200) {
				if got := c.userRead(r); got.Email != email || got.IsVerified {
					c.Errorf("%s: want email %s and is_verified false", r, email)
				}
			}
		}
	}
	newPasswordCase := func(k kind) func(*caseT) {
		return func(c *caseT) {
			u, r := patchMe(c, k, map[string]any{"password": "merlin-password"})
			c.want(r, 200)
			c.wantDetail(c.login(u.Email, u.Password), 400, "LOGIN_BAD_CREDENTIALS")
			c.loginToken(u.Email, "merlin-password")
		}
	}
	return []testCase{
		{id: "U1_get_me_no_token", name: "GET /users/me without a token: 401", why: "the user's own record needs a token", fn: func(c *caseT) {
			c.want(c.get(c.p().me(), ""), 401)
		}},
		{id: "U2_get_me_inactive", name: "GET /users/me with tok(I): 401", why: "a deactivated user's token stops working", users: 1, fn: func(c *caseT) {
			c.want(c.get(c.p().me(), c.newUser("i", kindI).Token), 401)
		}},
		{id: "U3_get_me_user", name: "GET /users/me with tok(U): 200 U", why: "GET /users/me answers the token's user, in the UserRead shape", users: 1, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			c.wantMe(u.Token, u)
		}},
		{id: "U4_get_me_verified", name: "GET /users/me with tok(V): 200 V", why: "the same for a verified user", users: 1, fn: func(c *caseT) {
			v := c.newUser("v", kindV)
			c.wantMe(v.Token, v)
		}},
		{id: "U5_patch_me_no_token", name: "PATCH /users/me without a token and body: 401", why: "changing one's record needs a token, checked before the body", fn: func(c *caseT) {
			c.want(c.do(request{method: "PATCH", path: c.p().me()}), 401)
		}},
		{id: "U6_patch_me_inactive", name: "PATCH /users/me with tok(I), no body: 401", why: "a deactivated user cannot change anything", users: 1, fn: func(c *caseT) {
			c.want(c.do(request{method: "PATCH", path: c.p().me(), token: c.newUser("i", kindI).Token}), 401)
		}},
		{id: "U7_patch_me_email_taken", name: "PATCH /users/me {email: V.email} by U: 400 UPDATE_USER_EMAIL_ALREADY_EXISTS", why: "an address cannot be taken over by changing one's own", users: 2, uses: spend{budgetEmail: 1}, fn: func(c *caseT) {
			v := c.newUser("v", kindV)
			_, r := patchMe(c, kindU, map[string]any{"email": v.Email})
			c.wantDetail(r, 400, "UPDATE_USER_EMAIL_ALREADY_EXISTS")
		}},
		{id: "U8_patch_me_invalid_password", name: "[policy] PATCH /users/me {password: \"m\"}: 400 UPDATE_USER_INVALID_PASSWORD", why: "the password policy holds for changes too, and a refused change changes nothing", users: 1, fn: func(c *caseT) {
			u, r := patchMe(c, kindU, map[string]any{"password": "m"})
			c.wantInvalidPassword(r, "UPDATE_USER_INVALID_PASSWORD")
			c.loginToken(u.Email, u.Password) // unchanged
		}},
		{id: "U9_patch_me_empty", name: "PATCH /users/me {} by U: 200 unchanged", why: "an empty change is a no-op, not an error", users: 1, fn: unchanged(kindU)},
		{id: "U10_patch_me_email", name: "PATCH /users/me {email: new} by U: 200 with the new email", why: "users can change their address", users: 1, uses: spend{budgetEmail: 1}, fn: newEmail(kindU)},
		{id: "U11_patch_me_email_unverifies", name: "PATCH /users/me {email: new} by V: 200, is_verified false", why: "a new address must be verified again", users: 1, uses: spend{budgetEmail: 1}, fn: newEmail(kindV)},
		{id: "U12_patch_me_is_superuser_ignored", name: "PATCH /users/me {is_superuser: true} by U: 200, still false",
			why: "users cannot promote themselves", users: 1, fn: flagIgnored(kindU, "is_superuser", true, func(u userRead) bool { return !u.IsSuperuser })},
		{id: "U13_patch_me_is_active_ignored", name: "PATCH /users/me {is_active: false} by U: 200, still true",
			why: "users cannot change their own active flag", users: 1, fn: flagIgnored(kindU, "is_active", false, func(u userRead) bool { return u.IsActive })},
		{id: "U14_patch_me_is_verified_ignored", name: "PATCH /users/me {is_verified: true} by U: 200, still false",
			why: "users cannot mark themselves verified", users: 1, fn: flagIgnored(kindU, "is_verified", true, func(u userRead) bool { return !u.IsVerified })},
		{id: "U15_patch_me_password", name: "PATCH /users/me {password} by U: 200, the password changed", why: "users can change their password, and the old one stops working", users: 1, fn: newPasswordCase(kindU)},
		{id: "U16_patch_me_empty_verified", name: "PATCH /users/me {} by V: 200 unchanged", why: "the same no-op for a verified user", users: 1, fn: unchanged(kindV)},
		{id: "U17_patch_me_email_verified", name: "PATCH /users/me {email: new} by V: 200 with the new email", why: "verified users can change their address", users: 1, uses: spend{budgetEmail: 1}, fn: newEmail(kindV)},
		{id: "U18_patch_me_is_superuser_ignored_verified", name: "PATCH /users/me {is_superuser: true} by V: 200, still false",
			why: "verified users cannot promote themselves either", users: 1, fn: flagIgnored(kindV, "is_superuser", true, func(u userRead) bool { return !u.IsSuperuser })},
		{id: "U19_patch_me_is_active_ignored_verified", name: "PATCH /users/me {is_active: false} by V: 200, still true",
			why: "nor change their active flag", users: 1, fn: flagIgnored(kindV, "is_active", false, func(u userRead) bool { return u.IsActive })},
		{id: "U20_patch_me_is_verified_ignored_verified", name: "PATCH /users/me {is_verified: false} by V: 200, still true",
			why: "nor unverify themselves", users: 1, fn: flagIgnored(kindV, "is_verified", false, func(u userRead) bool { return u.IsVerified })},
		{id: "U21_patch_me_password_verified", name: "PATCH /users/me {password} by V: 200, the password changed", why: "verified users can change their password", users: 1, fn: newPasswordCase(kindV)},
	}
}

// usersIDCases are fastapi-users' users router tests U22–U55 (GET, PATCH,
// DELETE /users/{id}).
func usersIDCases() []testCase {
	// call is a request to /users/X (a missing user) by a fresh caller of
	// the given kind (no token for nil).
	type call struct {
		method string
		caller *kind // nil: no token
		body   any   // nil: no body
	}
	// status sends cl and expects want (404: exactly "Not Found").
	status := func(cl call, want int) func(*caseT) {
		return func(c *caseT) {
			tok := ""
			if cl.caller != nil {
				tok = c.newUser("caller", *cl.caller).Token
			}
			r := c.send(cl.method, c.p().user(randomUUID()), tok, cl.body)
			if want == 404 {
				c.wantDetail(r, 404, "Not Found")
			} else {
				c.want(r, want)
			}
		}
	}
	// onU runs body as tok(k) against a fresh U and checks the answer.
	onU := func(k kind, method string, body any, check func(c *caseT, u *user, r *response)) func(*caseT) {
		return func(c *caseT) {
			caller := c.newUser("caller", k)
			u := c.newUser("u", kindU)
			check(c, u, c.send(method, c.p().user(u.ID), caller.Token, body))
		}
	}
	getU := func(c *caseT, u *user, r *response) {
		if c.want(r, 200) {
			if got := c.userRead(r); got.ID != u.ID || got.Email != u.Email {
				c.Errorf("%s: want %s", r, u.Email)
			}
		}
	}
	newEmail := func(k kind) func(*caseT) {
		return func(c *caseT) {
			caller := c.newUser("caller", k)
			u := c.newUser("u", kindU)
			email := c.newEmail("king-arthur")
			r := c.send("PATCH", c.p().user(u.ID), caller.Token, map[string]any{"email": email})
			if c.want(r, 200) {
				if got := c.userRead(r); got.ID != u.ID || got.Email != email {
					c.Errorf("%s: want %s with email %s", r, u.ID, email)
				}
			}
		}
	}
	flag := func(k kind, field string, value bool, get func(userRead) bool) func(*caseT) {
		return onU(k, "PATCH", map[string]any{field: value}, func(c *caseT, u *user, r *response) {
			if c.want(r, 200) && get(c.userRead(r)) != value {
				c.Errorf("%s: want %s %v", r, field, value)
			}
		})
	}
	password := func(k kind) func(*caseT) {
		return onU(k, "PATCH", map[string]any{"password": "merlin-password"}, func(c *caseT, u *user, r *response) {
			c.want(r, 200)
			c.wantDetail(c.login(u.Email, u.Password), 400, "LOGIN_BAD_CREDENTIALS")
			c.loginToken(u.Email, "merlin-password")
		})
	}
	deleted := func(k kind) func(*caseT) {
		return func(c *caseT) {
			caller := c.newUser("caller", k)
			u := c.newUser("u", kindU)
			c.wantBody(c.do(request{method: "DELETE", path: c.p().user(u.ID), token: caller.Token}), 204, "")
			c.wantDetail(c.get(c.p().user(u.ID), caller.Token), 404, "Not Found")
		}
	}
	u, v, s, vs := &kindU, &kindV, &kindS, &kindVS
	return []testCase{
		{id: "U22_get_user_no_token", name: "GET /users/X without a token: 401", why: "the admin routes need a token", fn: status(call{"GET", nil, nil}, 401)},
		{id: "U23_get_user_as_user", name: "GET /users/X with tok(U): 403", why: "regular users cannot read other accounts", users: 1, fn: status(call{"GET", u, nil}, 403)},
		{id: "U24_get_user_as_verified", name: "GET /users/X with tok(V): 403", why: "verification grants no admin rights", users: 1, fn: status(call{"GET", v, nil}, 403)},
		{id: "U25_get_missing_user_as_superuser", name: "GET /users/X with tok(S): 404", why: "a superuser gets fastapi-users' 404 for a missing user", users: 1, fn: status(call{"GET", s, nil}, 404)},
		{id: "U26_get_missing_user_as_verified_superuser", name: "GET /users/X with tok(VS): 404", why: "the same for a verified superuser", users: 1, fn: status(call{"GET", vs, nil}, 404)},
		{id: "U27_get_user_as_superuser", name: "GET /users/U.id with tok(S): 200 U", why: "superusers can read any account", users: 2, fn: onU(kindS, "GET", nil, getU)},
		{id: "U28_get_user_as_verified_superuser", name: "GET /users/U.id with tok(VS): 200 U", why: "the same for a verified superuser", users: 2, fn: onU(kindVS, "GET", nil, getU)},
		{id: "U29_patch_user_no_token", name: "PATCH /users/X without a token or body: 401", why: "changing an account needs a token", fn: status(call{"PATCH", nil, nil}, 401)},
		{id: "U30_patch_user_as_user", name: "PATCH /users/X with tok(U), no body: 403", why: "regular users cannot change other accounts (403 even without a body)", users: 1, fn: status(call{"PATCH", u, nil}, 403)},
		{id: "U31_patch_user_as_verified", name: "PATCH /users/X with tok(V), no body: 403 (auth before body)", why: "authorisation is decided before the body is read", users: 1, fn: status(call{"PATCH", v, nil}, 403)},
		{id: "U32_patch_missing_user_as_superuser", name: "PATCH /users/X {} with tok(S): 404", why: "a superuser gets 404 for a missing user", users: 1, fn: status(call{"PATCH", s, `{}`}, 404)},
		{id: "U33_patch_missing_user_as_verified_superuser", name: "PATCH /users/X {} with tok(VS): 404", why: "the same for a verified superuser", users: 1, fn: status(call{"PATCH", vs, `{}`}, 404)},
		{id: "U34_patch_user_empty", name: "PATCH /users/U.id {} with tok(S): 200 unchanged", why: "an empty change by an admin is a no-op", users: 2, fn: onU(kindS, "PATCH", `{}`, getU)},
		{id: "U35_patch_user_empty_verified_superuser", name: "PATCH /users/U.id {} with tok(VS): 200 unchanged", why: "the same for a verified superuser", users: 2, fn: onU(kindVS, "PATCH", `{}`, getU)},
		{id: "U36_patch_user_email", name: "PATCH /users/U.id {email: new} with tok(S): 200 new email", why: "admins can change a user's address", users: 2, fn: newEmail(kindS)},
		{id: "U37_patch_user_email_taken", name: "PATCH /users/U.id {email: V.email} with tok(VS): 400 UPDATE_USER_EMAIL_ALREADY_EXISTS", why: "admins cannot give two accounts one address either", users: 3, fn: func(c *caseT) {
			caller := c.newUser("caller", kindVS)
			u := c.newUser("u", kindU)
			v := c.newUser("v", kindV)
			c.wantDetail(c.send("PATCH", c.p().user(u.ID), caller.Token, map[string]any{"email": v.Email}), 400, "UPDATE_USER_EMAIL_ALREADY_EXISTS")
		}},
		{id: "U38_patch_user_invalid_password", name: "[policy] PATCH /users/U.id {password: \"m\"} with tok(VS): 400 UPDATE_USER_INVALID_PASSWORD",
			why: "the password policy holds for admins too", users: 2, fn: onU(kindVS, "PATCH", map[string]any{"password": "m"}, func(c *caseT, u *user, r *response) {
				c.wantInvalidPassword(r, "UPDATE_USER_INVALID_PASSWORD")
			})},
		{id: "U39_patch_user_email_verified_superuser", name: "PATCH /users/U.id {email: new} with tok(VS): 200 new email", why: "the same for a verified superuser", users: 2, fn: newEmail(kindVS)},
		{id: "U40_patch_user_is_superuser", name: "PATCH /users/U.id {is_superuser: true} with tok(S): 200 true",
			why: "admins can promote users", users: 2, fn: flag(kindS, "is_superuser", true, func(u userRead) bool { return u.IsSuperuser })},
		{id: "U41_patch_user_is_superuser_verified_superuser", name: "PATCH /users/U.id {is_superuser: true} with tok(VS): 200 true",
			why: "the same for a verified superuser", users: 2, fn: flag(kindVS, "is_superuser", true, func(u userRead) bool { return u.IsSuperuser })},
		{id: "U42_patch_user_is_active", name: "PATCH /users/U.id {is_active: false} with tok(S): 200 false",
			why: "admins can deactivate users", users: 2, fn: flag(kindS, "is_active", false, func(u userRead) bool { return u.IsActive })},
		{id: "U43_patch_user_is_active_verified_superuser", name: "PATCH /users/U.id {is_active: false} with tok(VS): 200 false",
			why: "the same for a verified superuser", users: 2, fn: flag(kindVS, "is_active", false, func(u userRead) bool { return u.IsActive })},
		{id: "U44_patch_user_is_verified", name: "PATCH /users/U.id {is_verified: true} with tok(S): 200 true",
			why: "admins can mark users verified", users: 2, fn: flag(kindS, "is_verified", true, func(u userRead) bool { return u.IsVerified })},
		{id: "U45_patch_user_is_verified_verified_superuser", name: "PATCH /users/U.id {is_verified: true} with tok(VS): 200 true",
			why: "the same for a verified superuser", users: 2, fn: flag(kindVS, "is_verified", true, func(u userRead) bool { return u.IsVerified })},
		{id: "U46_patch_user_password", name: "PATCH /users/U.id {password} with tok(S): 200, the password changed", why: "admins can set a user's password; the old one stops working", users: 2, fn: password(kindS)},
		{id: "U47_patch_user_password_verified_superuser", name: "PATCH /users/U.id {password} with tok(VS): 200, the password changed", why: "the same for a verified superuser", users: 2, fn: password(kindVS)},
		{id: "U48_patch_user_password_null", name: "PATCH /users/U.id {password: null} with tok(S): 200, the password is unchanged",
			why: "null means \"not set\" for a password, as in the reference", users: 2, fn: onU(kindS, "PATCH", `{"password":null}`, func(c *caseT, u *user, r *response) {
				c.want(r, 200)
				c.loginToken(u.Email, u.Password)
			})},
		{id: "U49_delete_user_no_token", name: "DELETE /users/X without a token: 401", why: "deleting an account needs a token", fn: status(call{"DELETE", nil, nil}, 401)},
		{id: "U50_delete_user_as_user", name: "DELETE /users/X with tok(U): 403", why: "regular users cannot delete accounts", users: 1, fn: status(call{"DELETE", u, nil}, 403)},
		{id: "U51_delete_user_as_verified", name: "DELETE /users/X with tok(V): 403", why: "verification grants no admin rights", users: 1, fn: status(call{"DELETE", v, nil}, 403)},
		{id: "U52_delete_missing_user_as_superuser", name: "DELETE /users/X with tok(S): 404", why: "a superuser gets 404 for a missing user", users: 1, fn: status(call{"DELETE", s, nil}, 404)},
		{id: "U53_delete_missing_user_as_verified_superuser", name: "DELETE /users/X with tok(VS): 404", why: "the same for a verified superuser", users: 1, fn: status(call{"DELETE", vs, nil}, 404)},
		{id: "U54_delete_user", name: "DELETE /users/U.id with tok(S): 204, deleted", why: "admins can delete accounts, and they are gone", users: 2, fn: deleted(kindS)},
		{id: "U55_delete_user_verified_superuser", name: "DELETE /users/U.id with tok(VS): 204, deleted", why: "the same for a verified superuser", users: 2, fn: deleted(kindVS)},
	}
}
