package conformance

import (
	"encoding/json"
	"net/url"
)

// activeRoute checks that a current_active_user route serves tok as u: the
// demo route GET /protected when the target has it, GET /users/me otherwise.
func (c *caseT) activeRoute(tok string, u *user) {
	c.Helper()
	if !c.s.t.DemoRoutes {
		c.wantMe(tok, u)
		return
	}
	c.wantBody(c.get(demoActive, tok), 200, `{"message":`+quote("Hello "+u.Email+"!")+`}`)
}

// activeRoutePath is the current_active_user route used without a user.
func (c *caseT) activeRoutePath() string {
	if c.s.t.DemoRoutes {
		return demoActive
	}
	return c.p().me()
}

// superuserRoutePath is a current_superuser route: the demo route, or GET
// /users/{selfID} (the caller's own record).
func (c *caseT) superuserRoutePath(selfID string) string {
	if c.s.t.DemoRoutes {
		return demoSuperuser
	}
	return c.p().user(selfID)
}

// zndrawAuthCases are zndraw-auth's auth tests (Z1–Z10, tests/test_auth.py;
// Z8 checks a host's database session and has no HTTP case).
func zndrawAuthCases() []testCase {
	return []testCase{
		{id: "Z1_register", name: "POST /auth/register with the full UserCreate: 201 UserRead", why: "zndraw's own client registers with the full UserCreate body", uses: spend{budgetRegister: 1}, fn: func(c *caseT) {
			email := c.newEmail("test")
			_, u := c.registerNew(map[string]any{"email": email, "password": "testpassword123", "is_active": true, "is_superuser": false, "is_verified": false})
			if u.Email != email || u.ID == "" || !u.IsActive || u.IsSuperuser != (c.s.mode == ModeDev) {
				c.Errorf("register: got %+v", u)
			}
		}},
		{id: "Z2_login_full_form", name: "POST /auth/jwt/login with grant_type, scope, client_id, client_secret: 200 bearer", why: "OAuth2 password-form clients send the optional fields; login must accept them", users: 1, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			r := c.form(c.p().login(), url.Values{"username": {u.Email}, "password": {u.Password}, "grant_type": {"password"}, "scope": {""}, "client_id": {""}, "client_secret": {""}})
			c.wantMe(c.bearer(c.must(r, 200)), u)
		}},
		{id: "Z3_login_wrong_password", name: "login with a wrong password: 400", why: "zndraw's client expects 400 for a wrong password", users: 1, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			c.wantDetail(c.login(u.Email, "wrong-password"), 400, "LOGIN_BAD_CREDENTIALS")
		}},
		{id: "Z4_register_duplicate", name: "register a duplicate email: 400", why: "zndraw's client expects 400 for a taken address", users: 1, uses: spend{budgetRegister: 1}, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			c.wantDetail(c.register(u.Email, "testpassword123"), 400, "REGISTER_USER_ALREADY_EXISTS")
		}},
		{id: "Z5_active_route", name: "a current_active_user route: 200 with a token, 401 without", why: "host routes guarded by the kit admit active users only", users: 1, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			c.activeRoute(u.Token, u)
			c.want(c.get(c.activeRoutePath(), ""), 401)
		}},
		{id: "Z6_superuser_route_regular_user", name: "a current_superuser route with a regular user's token: 403", why: "host admin routes refuse regular users (and anonymous ones with 401)", users: 1, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			c.want(c.get(c.superuserRoutePath(u.ID), u.Token), 403)
			c.want(c.get(c.superuserRoutePath(u.ID), ""), 401)
		}},
		{id: "Z7_optional_route", name: "a current_optional_user route: 200 with the user, 200 null without a token", why: "host routes with an optional user see the user, or null", needs: needDemo, users: 1, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			c.wantOptional(u.Token, u)
			c.wantOptional("", nil)
		}},
		{id: "Z9_default_admin", name: "the default admin logs in and passes a superuser route", why: "the configured admin exists and is a superuser (production mode)", needs: needProd, fn: func(c *caseT) {
			tok := c.loginToken(c.s.t.AdminEmail, c.s.t.AdminPassword)
			if me := c.me(tok); !me.IsSuperuser {
				c.Errorf("the default admin is not a superuser: %+v", me)
			}
			c.want(c.get(c.superuserRoutePath(c.adminID()), tok), 200)
		}},
		{id: "Z10_dev_mode_register", name: "dev mode: register gives is_superuser true; login and the superuser route work", why: "dev mode's documented shortcut: every registered user is a superuser", needs: needDev, uses: spend{budgetRegister: 1}, fn: func(c *caseT) {
			email, password := c.newEmail("dev"), newPassword()
			_, u := c.registerNew(map[string]any{"email": email, "password": password})
			if !u.IsSuperuser {
				c.Errorf("dev mode: is_superuser false after register")
			}
			tok := c.loginToken(email, password)
			c.want(c.get(c.superuserRoutePath(u.ID), tok), 200)
		}},
	}
}

// wantOptional checks GET /protected/optional with tok: {"user":u}, or
// {"user":null} for a nil u.
func (c *caseT) wantOptional(tok string, u *user) {
	c.Helper()
	r := c.get(demoOptional, tok)
	if !c.want(r, 200) {
		return
	}
	if u == nil {
		c.wantBody(r, 200, `{"user":null}`)
		return
	}
	var v map[string]json.RawMessage
	if !c.wantKeys(r.String(), r.Body, "user") || !decodeInto(r.Body, &v) {
		c.Errorf("%s: want {\"user\":<UserRead>}", r)
		return
	}
	if got := c.userReadJSON(r.String(), v["user"]); got.ID != u.ID || got.Email != u.Email {
		c.Errorf("%s: want the user %s", r, u.Email)
	}
}

// zndrawUsersCases are zndraw-auth's users router tests (Z11–Z25,
// tests/test_users_router.py).
func zndrawUsersCases() []testCase {
	return []testCase{
		{id: "Z11_get_me", name: "GET /users/me: 200, active, not superuser, not verified", why: "a new user's record as zndraw's client reads it", users: 1, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			me := c.me(u.Token)
			if me.ID != u.ID || me.Email != u.Email || !me.IsActive || me.IsSuperuser || me.IsVerified {
				c.Errorf("GET /users/me: %+v", me)
			}
		}},
		{id: "Z12_get_me_no_token", name: "GET /users/me without a token: 401", why: "zndraw's client expects 401 without a token", fn: func(c *caseT) {
			c.want(c.get(c.p().me(), ""), 401)
		}},
		{id: "Z13_get_me_admin", name: "GET /users/me as the default admin: the admin's email, superuser, active", why: "the admin's own record is a superuser's", needs: needProd, fn: func(c *caseT) {
			me := c.me(c.adminToken())
			if !sameEmail(me.Email, c.s.t.AdminEmail) || !me.IsSuperuser || !me.IsActive {
				c.Errorf("GET /users/me as admin: %+v", me)
			}
		}},
		{id: "Z14_change_password", name: "PATCH /users/me {password}: 200; the old password fails, the new one works", why: "the password change flow zndraw's client uses", users: 1, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			r := c.send("PATCH", c.p().me(), u.Token, map[string]any{"password": "newpassword123"})
			if c.want(r, 200) {
				if got := c.userRead(r); got.ID != u.ID || got.Email != u.Email {
					c.Errorf("%s: want the same user", r)
				}
			}
			c.want(c.login(u.Email, u.Password), 400)
			c.loginToken(u.Email, "newpassword123")
		}},
		{id: "Z15_patch_me_superuser_ignored", name: "PATCH /users/me {is_superuser: true} by a regular user: 200, false", why: "users cannot promote themselves", users: 1, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			r := c.send("PATCH", c.p().me(), u.Token, map[string]any{"is_superuser": true})
			if c.want(r, 200) && c.userRead(r).IsSuperuser {
				c.Errorf("%s: a user promoted themselves", r)
			}
		}},
		{id: "Z16_patch_me_no_token", name: "PATCH /users/me without a token: 401", why: "changing one's record needs a token", fn: func(c *caseT) {
			c.want(c.send("PATCH", c.p().me(), "", `{}`), 401)
		}},
		{id: "Z17_admin_get_user", name: "admin GET /users/{id}: 200 that user", why: "the admin reads users", users: 1, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			r := c.get(c.p().user(u.ID), c.adminToken())
			if c.want(r, 200) {
				if got := c.userRead(r); got.ID != u.ID || got.Email != u.Email || got.IsSuperuser {
					c.Errorf("%s: want %s", r, u.Email)
				}
			}
		}},
		{id: "Z18_user_get_other", name: "a regular user GET /users/{other}: 403", why: "users cannot read each other", users: 2, fn: func(c *caseT) {
			u, other := c.newUser("u", kindU), c.newUser("other", kindU)
			c.want(c.get(c.p().user(other.ID), u.Token), 403)
		}},
		{id: "Z19_admin_get_missing", name: "admin GET /users/{random}: 404", why: "404 for a missing user", fn: func(c *caseT) {
			c.wantDetail(c.get(c.p().user(randomUUID()), c.adminToken()), 404, "Not Found")
		}},
		{id: "Z20_admin_promote", name: "admin PATCH /users/{id} {is_superuser, is_active}: 200 superuser", why: "the admin promotes users", users: 1, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			if got := c.patchUser(u.ID, map[string]any{"is_superuser": true, "is_active": true}); !got.IsSuperuser || !got.IsActive {
				c.Errorf("after promotion: %+v", got)
			}
		}},
		{id: "Z21_user_patch_other", name: "a regular user PATCH /users/{other}: 403", why: "users cannot change each other, and a refused change changes nothing", users: 2, fn: func(c *caseT) {
			u, other := c.newUser("u", kindU), c.newUser("other", kindU)
			c.want(c.send("PATCH", c.p().user(other.ID), u.Token, map[string]any{"is_superuser": true}), 403)
			if c.userRead(c.get(c.p().user(other.ID), c.adminToken())).IsSuperuser {
				c.Errorf("the forbidden PATCH promoted the user")
			}
		}},
		{id: "Z22_admin_delete", name: "admin DELETE /users/{id}: 204, then GET 404", why: "the admin deletes users", users: 1, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			c.wantBody(c.do(request{method: "DELETE", path: c.p().user(u.ID), token: c.adminToken()}), 204, "")
			c.wantDetail(c.get(c.p().user(u.ID), c.adminToken()), 404, "Not Found")
		}},
		{id: "Z23_user_delete_other", name: "a regular user DELETE /users/{other}: 403", why: "users cannot delete each other", users: 2, fn: func(c *caseT) {
			u, other := c.newUser("u", kindU), c.newUser("other", kindU)
			c.want(c.do(request{method: "DELETE", path: c.p().user(other.ID), token: u.Token}), 403)
			c.want(c.get(c.p().user(other.ID), c.adminToken()), 200)
		}},
		{id: "Z24_admin_delete_missing", name: "admin DELETE /users/{random}: 404", why: "404 for a missing user", fn: func(c *caseT) {
			c.wantDetail(c.do(request{method: "DELETE", path: c.p().user(randomUUID()), token: c.adminToken()}), 404, "Not Found")
		}},
		{id: "Z25_dev_mode_me", name: "dev mode: GET /users/me after register and login: superuser, active", why: "dev mode users are active superusers", needs: needDev, uses: spend{budgetRegister: 1}, fn: func(c *caseT) {
			email, password := c.newEmail("dev"), newPassword()
			c.registerNew(map[string]any{"email": email, "password": password})
			if me := c.me(c.loginToken(email, password)); !me.IsSuperuser || !me.IsActive {
				c.Errorf("dev mode: %+v", me)
			}
		}},
	}
}
