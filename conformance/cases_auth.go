package conformance

import (
	"net/url"
)

// authRouterCases are fastapi-users' auth router tests (A1–A11,
// tests/test_router_auth.py): login and logout.
func authRouterCases() []testCase {
	return []testCase{
		{id: "A1_login_empty_form", name: "POST login with an empty form: 422", why: "clients get FastAPI's 422, not a login attempt, for a form without fields", fn: func(c *caseT) {
			c.want422(c.form(c.p().login(), url.Values{}), []any{"body", "username"}, []any{"body", "password"})
		}},
		{id: "A2_login_password_only", name: "POST login with only password: 422", why: "a missing username is a validation error, never a login with an empty name", fn: func(c *caseT) {
			c.want422(c.form(c.p().login(), url.Values{"password": {"guinevere-pw"}}), []any{"body", "username"})
		}},
		{id: "A3_login_username_only", name: "POST login with only username: 422", why: "a missing password is a validation error, never a login without one", fn: func(c *caseT) {
			c.want422(c.form(c.p().login(), url.Values{"username": {c.newEmail("a3")}}), []any{"body", "password"})
		}},
		{id: "A4_login_unknown_user", name: "POST login of an unknown user: 400 LOGIN_BAD_CREDENTIALS", why: "an unknown address gets the same answer as a wrong password: no account enumeration", fn: func(c *caseT) {
			c.wantDetail(c.login(c.newEmail("lancelot"), "guinevere-pw"), 400, "LOGIN_BAD_CREDENTIALS")
		}},
		{id: "A5_login_wrong_password", name: "POST login with a wrong password: 400 LOGIN_BAD_CREDENTIALS", why: "the one error code clients of fastapi-users handle for failed logins", users: 1, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			c.wantDetail(c.login(u.Email, "percival-pw"), 400, "LOGIN_BAD_CREDENTIALS")
		}},
		{id: "A6_login_user", name: "POST login of U, exact or other-case email: 200 with U's token", why: "login works and addresses match case-insensitively, as in the reference", users: 1, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			for _, name := range []string{u.Email, upper(u.Email)} {
				c.wantMe(c.loginToken(name, u.Password), u)
			}
		}},
		{id: "A7_login_verified_user", name: "POST login of V, exact or other-case email: 200 with V's token", why: "verified users log in the same way (verification is not required by default)", users: 1, fn: func(c *caseT) {
			v := c.newUser("v", kindV)
			for _, name := range []string{v.Email, upper(v.Email)} {
				c.wantMe(c.loginToken(name, v.Password), v)
			}
		}},
		{id: "A8_login_inactive_user", name: "POST login of an inactive user with the right password: 400 LOGIN_BAD_CREDENTIALS", why: "a deactivated account cannot log in, and the answer does not reveal that it exists", users: 1, fn: func(c *caseT) {
			i := c.newUser("i", kindI)
			c.wantDetail(c.login(i.Email, i.Password), 400, "LOGIN_BAD_CREDENTIALS")
		}},
		{id: "A9_logout_no_token", name: "POST logout without a token: 401", why: "logout is a protected route", fn: func(c *caseT) {
			c.want(c.do(request{method: "POST", path: c.p().logout()}), 401)
		}},
		{id: "A10_logout_user", name: "POST logout with tok(U): 204, empty body", why: "the bearer transport's logout answer (204, no body) that clients expect", users: 1, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			c.wantBody(c.do(request{method: "POST", path: c.p().logout(), token: u.Token}), 204, "")
		}},
		{id: "A11_logout_verified_user", name: "POST logout with tok(V): 204, empty body", why: "the same for a verified user", users: 1, fn: func(c *caseT) {
			v := c.newUser("v", kindV)
			c.wantBody(c.do(request{method: "POST", path: c.p().logout(), token: v.Token}), 204, "")
		}},
	}
}

// registerCases are fastapi-users' register router tests (R1–R9,
// tests/test_router_register.py).
func registerCases() []testCase {
	return []testCase{
		{id: "R1_register_empty", name: "POST register {}: 422", why: "registration validates its body before anything else", fn: func(c *caseT) {
			c.want422(c.send("POST", c.p().register(), "", `{}`), []any{"body", "email"}, []any{"body", "password"})
		}},
		{id: "R2_register_password_only", name: "POST register without email: 422", why: "an account always has an address", fn: func(c *caseT) {
			c.want422(c.send("POST", c.p().register(), "", map[string]any{"password": "guinevere-pw"}), []any{"body", "email"})
		}},
		{id: "R3_register_email_only", name: "POST register without password: 422", why: "an account always has a password", fn: func(c *caseT) {
			c.want422(c.send("POST", c.p().register(), "", map[string]any{"email": c.newEmail("r3")}), []any{"body", "password"})
		}},
		{id: "R4_register_invalid_email", name: "POST register with an invalid email: 422", why: "addresses are validated like pydantic's EmailStr, with the same 422", fn: func(c *caseT) {
			c.want422(c.send("POST", c.p().register(), "", map[string]any{"email": "king.arthur", "password": "guinevere-pw"}), []any{"body", "email"})
		}},
		{id: "R5_register_invalid_password", name: "[policy] POST register with password \"m\": 400 REGISTER_INVALID_PASSWORD", why: "the password policy's answer is {code, reason}, and a refused registration writes nothing", uses: spend{budgetRegister: 2}, fn: func(c *caseT) {
			email := c.newEmail("r5")
			c.wantInvalidPassword(c.register(email, "m"), "REGISTER_INVALID_PASSWORD")
			// Nothing was written: the address is still free.
			c.registerNew(map[string]any{"email": email, "password": newPassword()})
		}},
		{id: "R6_register_existing_email", name: "POST register of an existing email, exact or other case: 400 REGISTER_USER_ALREADY_EXISTS", why: "one account per address, whatever its case", users: 1, uses: spend{budgetRegister: 2}, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			for _, email := range []string{u.Email, upper(u.Email)} {
				c.wantDetail(c.register(email, newPassword()), 400, "REGISTER_USER_ALREADY_EXISTS")
			}
		}},
		{id: "R7_register_new", name: "POST register of a new email, any case: 201 UserRead without password fields", why: "the UserRead shape clients parse, and never a password hash in an answer", uses: spend{budgetRegister: 2}, fn: func(c *caseT) {
			for _, email := range []string{c.newEmail("lancelot"), upper(c.newEmail("lancelot"))} {
				_, u := c.registerNew(map[string]any{"email": email, "password": newPassword()})
				if u.Email != email {
					c.Errorf("register %s: email %q", email, u.Email)
				}
			}
		}},
		{id: "R8_register_ignores_is_superuser", name: "POST register with is_superuser true: 201, is_superuser false (true in dev mode)", why: "nobody makes themselves an admin by registering (dev mode excepted, by design)", uses: spend{budgetRegister: 1}, fn: func(c *caseT) {
			_, u := c.registerNew(map[string]any{"email": c.newEmail("r8"), "password": newPassword(), "is_superuser": true})
			if want := c.s.mode == ModeDev; u.IsSuperuser != want {
				c.Errorf("is_superuser = %v, want %v", u.IsSuperuser, want)
			}
		}},
		{id: "R9_register_ignores_is_active", name: "POST register with is_active false: 201, is_active true", why: "registration cannot create a deactivated or otherwise chosen state", uses: spend{budgetRegister: 1}, fn: func(c *caseT) {
			_, u := c.registerNew(map[string]any{"email": c.newEmail("r9"), "password": newPassword(), "is_active": false})
			if !u.IsActive {
				c.Errorf("is_active = false, want true")
			}
		}},
	}
}

// routeCases check that every route exists (D1) and the bearer wire
// format (T1).
func routeCases() []testCase {
	return []testCase{
		{id: "D1_routes_exist", name: "every route answers neither 404 nor 405 without body and auth", why: "every route of zndraw-auth (and reset/verify when mounted) is served at its path", fn: func(c *caseT) {
			p := c.p()
			x := randomUUID()
			routes := [][2]string{
				{"POST", p.register()}, {"POST", p.login()}, {"POST", p.logout()},
				{"GET", p.me()}, {"PATCH", p.me()},
				{"GET", p.user(x)}, {"PATCH", p.user(x)}, {"DELETE", p.user(x)},
				{"GET", p.cliCode("ZZZZZZZZ")}, {"PATCH", p.cliCode("ZZZZZZZZ")}, {"DELETE", p.cliCode("ZZZZZZZZ")},
				{"POST", p.adminToken(x)},
			}
			if c.s.t.ResetAndVerify {
				routes = append(routes, [][2]string{{"POST", p.forgot()}, {"POST", p.reset()}, {"POST", p.requestVerify()}, {"POST", p.verify()}}...)
			}
			for _, rt := range routes {
				r := c.do(request{method: rt[0], path: rt[1]})
				if r.Status == 404 || r.Status == 405 {
					c.Errorf("%s: the route is missing", r)
				}
			}
		}},
		{id: "T1_bearer_wire_format", name: "login answers exactly {\"access_token\":...,\"token_type\":\"bearer\"}; logout 204 with an empty body", why: "the exact token response fastapi-users clients parse", users: 1, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			tok := c.bearer(c.must(c.login(u.Email, u.Password), 200))
			c.wantBody(c.do(request{method: "POST", path: c.p().logout(), token: tok}), 204, "")
		}},
	}
}
