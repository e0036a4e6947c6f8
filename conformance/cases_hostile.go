package conformance

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
)

// route is one method and path a hostile-input row is sent to, with the
// token it needs.
type route struct {
	method, path, token string
}

// jsonRoutes are the routes that read a JSON body, with a caller that gets
// past their auth.
func (c *caseT) jsonRoutes(u *user) []route {
	p := c.p()
	rs := []route{
		{"POST", p.register(), ""},
		{"PATCH", p.me(), u.Token},
		{"PATCH", p.user(u.ID), c.adminToken()},
	}
	if c.s.t.ResetAndVerify {
		rs = append(rs, route{"POST", p.forgot(), ""}, route{"POST", p.reset(), ""},
			route{"POST", p.requestVerify(), ""}, route{"POST", p.verify(), ""})
	}
	return rs
}

// protectedRoutes are the routes that need a token.
func (c *caseT) protectedRoutes(u *user) []route {
	p := c.p()
	rs := []route{
		{"POST", p.logout(), ""}, {"GET", p.me(), ""}, {"PATCH", p.me(), ""},
		{"GET", p.user(u.ID), ""}, {"PATCH", p.user(u.ID), ""}, {"DELETE", p.user(u.ID), ""},
		{"POST", p.adminToken(u.ID), ""},
		{"PATCH", p.cliCode("ZZZZZZZZ"), ""}, {"DELETE", p.cliCode("ZZZZZZZZ"), ""},
	}
	if c.s.t.DemoRoutes {
		rs = append(rs, route{"GET", demoActive, ""}, route{"GET", demoSuperuser, ""})
	}
	return rs
}

// want4xx reports a failure unless r is a client error.
func (c *caseT) want4xx(r *response) {
	c.Helper()
	if r.Status < 400 || r.Status > 499 {
		c.Errorf("%s: want a 4xx", r)
	}
}

// hostileCases send malformed and oversized input to every route; no answer
// may be a 5xx or a dropped connection.
func hostileCases() []testCase {
	return []testCase{
		{id: "FIX20_hostile_bodies", name: "malformed JSON bodies on every JSON route: 422 (4xx for undecodable bytes), never 5xx", why: "malformed input never reaches a 500", users: 1, uses: spend{budgetReset: 1}, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
			rows := []struct {
				name, ctype, body string
				want              int // 0: any 4xx
			}{
				{"JSON as text/plain", "text/plain", `{"email":"a@example.com","password":"12345678","token":"x"}`, 422},
				{"JSON as form", "application/x-www-form-urlencoded", `{"email":"a@example.com"}`, 422},
				{"invalid JSON", "application/json", `{"email":`, 422},
				{"trailing garbage", "application/json", `{} x`, 422},
				{"null", "application/json", `null`, 422},
				{"array", "application/json", `[]`, 422},
				{"string", "application/json", `"x"`, 422},
				{"number", "application/json", `1`, 422},
				{"wrong types", "application/json", `{"email":1,"password":2,"token":3,"is_active":"maybe"}`, 422},
				{"deep nesting", "application/json", deep, 0},
				{"invalid UTF-8", "application/json", "{\"email\":\"\xff\xfe\"}", 0},
				{"NUL in a string", "application/json", `{"email":"a\u0000@example.com","password":"1234\u00005678","token":"\u0000"}`, 0},
			}
			for _, rt := range c.jsonRoutes(u) {
				for _, row := range rows {
					r := c.do(request{method: rt.method, path: rt.path, token: rt.token, body: []byte(row.body), ctype: row.ctype})
					if row.want == 0 {
						c.want4xx(r)
					} else if r.Status != row.want {
						c.Errorf("%s: %s: want %d", row.name, r, row.want)
					}
				}
			}
			// Nothing above changed the user.
			c.wantMe(c.loginToken(u.Email, u.Password), u)
		}},
		{id: "FIX21_hostile_login_forms", name: "login with JSON, a broken form or a bad grant_type: 4xx; multipart works", why: "malformed login forms never reach a 500; multipart clients still log in", users: 1, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			p := c.p().login()
			body, _ := json.Marshal(map[string]string{"username": u.Email, "password": u.Password})
			c.want422(c.do(request{method: "POST", path: p, body: body, ctype: "application/json"}), []any{"body", "username"}, []any{"body", "password"})
			c.want4xx(c.do(request{method: "POST", path: p, body: []byte("username=%zz&password=x"), ctype: "application/x-www-form-urlencoded"}))
			c.want4xx(c.do(request{method: "POST", path: p, body: []byte("--x\r\nbroken"), ctype: "multipart/form-data"}))
			c.want4xx(c.do(request{method: "POST", path: p, body: []byte("--x\r\nbroken"), ctype: "multipart/form-data; boundary=x"}))
			c.want422(c.form(p, url.Values{"username": {u.Email}, "password": {u.Password}, "grant_type": {"client_credentials"}}), []any{"body", "grant_type"})
			c.wantDetail(c.form(p, url.Values{"username": {strings.Repeat("a", 100_000) + "@example.com"}, "password": {u.Password}}), 400, "LOGIN_BAD_CREDENTIALS")
			var mp bytes.Buffer
			mp.WriteString("--b0undary\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\n" + u.Email + "\r\n")
			mp.WriteString("--b0undary\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\n" + u.Password + "\r\n--b0undary--\r\n")
			r := c.do(request{method: "POST", path: p, body: mp.Bytes(), ctype: "multipart/form-data; boundary=b0undary"})
			c.wantMe(c.bearer(c.must(r, 200)), u)
		}},
		{id: "FIX22_oversized_body", name: "a 2 MiB body on every body-reading route: 413, never 5xx or a dropped connection", why: "large bodies are refused before they cost memory", users: 1, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			big := []byte(`{"email":"` + strings.Repeat("a", 2<<20) + `@example.com"}`)
			for _, rt := range c.jsonRoutes(u) {
				c.want(c.do(request{method: rt.method, path: rt.path, token: rt.token, body: big, ctype: "application/json"}), 413)
			}
			c.want(c.do(request{method: "POST", path: c.p().register(), body: big, ctype: "application/json", chunked: true}), 413)
			c.want(c.do(request{method: "POST", path: c.p().login(), body: []byte("username=" + strings.Repeat("a", 2<<20)), ctype: "application/x-www-form-urlencoded"}), 413)
			c.wantMe(c.loginToken(u.Email, u.Password), u)
		}},
		{id: "FIX23_hostile_paths", name: "bad ids and codes in paths: the documented 404/422, never 5xx", why: "malformed ids and codes in paths never reach a 500", users: 1, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			admin := c.adminToken()
			p := c.p()
			for _, id := range []string{"not-a-uuid", u.ID + "0", u.ID[:35], "00000000-0000-0000-0000-00000000000g", "me2", "%20" + u.ID} {
				c.wantDetail(c.get(p.user(id), admin), 404, "Not Found")
				c.wantDetail(c.send("PATCH", p.user(id), admin, `{}`), 404, "Not Found")
				c.wantDetail(c.do(request{method: "DELETE", path: p.user(id), token: admin}), 404, "Not Found")
			}
			for _, path := range []string{
				p.user("%00"), p.user(strings.Repeat("a", 10_000)), p.me() + "/extra", p.Users + "/", p.JWT + "/nope",
				p.cliCode(strings.Repeat("A", 10_000)) + "?secret=x", p.cliCode("%2F..%2F..") + "?secret=x",
				p.adminToken(strings.Repeat("0", 10_000)),
			} {
				r := c.do(request{method: "GET", path: path, token: admin, lax: true})
				c.want4xx(r)
			}
			c.want422(c.mint(u.ID+"0", admin), []any{"path", "user_id"})
			c.wantDetail(c.get(p.poll("ZZZZZZZ", "x"), ""), 404, "Challenge not found")
			c.wantDetail(c.get(p.poll("ZZZZZZZZZ", "x"), ""), 404, "Challenge not found")
			c.wantDetail(c.get(p.cliCode("ZZZZZZZZ")+"?secret=a&secret=b", ""), 404, "Challenge not found")
		}},
		{id: "FIX24_hostile_auth_headers", name: "malformed Authorization headers: 401 (a 4xx for a 100 KB header); the scheme is case-insensitive; the first header counts", why: "malformed Authorization headers never authenticate or crash", users: 1, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			me := c.p().me()
			huge := "Bearer " + strings.Repeat("a", 100_000)
			for _, authz := range [][]string{
				{}, {"Bearer"}, {"Bearer "}, {"Basic dXNlcjpwYXNz"}, {"Bearer garbage"}, {"Bearer a.b.c"},
				{"Bearer  " + u.Token}, {"Bearer " + u.Token + " extra"}, {"Token " + u.Token}, {u.Token},
				{"Bearer garbage", "Bearer " + u.Token},
			} {
				c.want(c.do(request{method: "GET", path: me, authz: authz}), 401)
			}
			for _, authz := range [][]string{{"bearer " + u.Token}, {"BEARER " + u.Token}, {"Bearer " + u.Token, "Bearer garbage"}} {
				c.want(c.do(request{method: "GET", path: me, authz: authz}), 200)
			}
			c.want(c.get(me+"?access_token="+url.QueryEscape(u.Token), ""), 401)
			for _, rt := range c.protectedRoutes(u) {
				c.want(c.do(request{method: rt.method, path: rt.path, authz: []string{"Bearer garbage"}}), 401)
				c.want4xx(c.do(request{method: rt.method, path: rt.path, authz: []string{huge}, lax: true}))
			}
			c.wantMe(u.Token, u)
		}},
		{id: "FIX25_validation_shape", name: "422 bodies have FastAPI's shape and item types", why: "FastAPI's exact 422 items, which clients of the reference parse", users: 1, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			p := c.p()
			check := func(r *response, typ string, loc []any, msg string, input string) {
				c.Helper()
				for _, it := range c.want422(r, loc) {
					if l, _ := json.Marshal(it.Loc); string(l) != string(jsonBody(loc)) {
						continue
					}
					if it.Type != typ || (msg != "" && it.Msg != msg) || (input != "" && string(it.Input) != input) {
						c.Errorf("%s: item at %v: want type %s, msg %q, input %s", r, loc, typ, msg, input)
					}
				}
			}
			r := c.send("POST", p.register(), "", `{}`)
			check(r, "missing", []any{"body", "email"}, "Field required", "{}")
			check(r, "missing", []any{"body", "password"}, "Field required", "{}")
			check(c.form(p.login(), url.Values{}), "missing", []any{"body", "username"}, "Field required", "null")
			check(c.send("POST", p.register(), "", map[string]any{"email": "king.arthur", "password": "12345678"}), "value_error", []any{"body", "email"}, "", `"king.arthur"`)
			check(c.send("POST", p.register(), "", map[string]any{"email": c.newEmail("x"), "password": 12345678}), "string_type", []any{"body", "password"}, "Input should be a valid string", "12345678")
			check(c.send("PATCH", p.me(), u.Token, map[string]any{"is_active": "maybe"}), "bool_parsing", []any{"body", "is_active"}, "", `"maybe"`)
			check(c.get(p.cliCode("ZZZZZZZZ"), ""), "missing", []any{"query", "secret"}, "Field required", "null")
			check(c.mint("not-a-uuid", c.adminToken()), "uuid_parsing", []any{"path", "user_id"}, "", `"not-a-uuid"`)
			// Malformed JSON: one json_invalid item at ["body", <offset>].
			r = c.send("POST", p.register(), "", `{"email":`)
			items := c.want422(r)
			if len(items) != 1 || items[0].Type != "json_invalid" || items[0].Msg != "JSON decode error" || string(items[0].Input) != "{}" || len(items[0].Loc) != 2 || items[0].Loc[0] != "body" {
				c.Errorf("%s: want one json_invalid item at [\"body\", <offset>]", r)
			} else if _, ok := items[0].Loc[1].(float64); !ok {
				c.Errorf("%s: the json_invalid loc must end in a character offset", r)
			}
			// Malformed JSON is reported before auth.
			c.want422(c.send("PATCH", p.me(), "", `{"email":`))
			c.want422(c.send("PATCH", p.user(u.ID), "", `{"email":`))
			// A missing body after auth.
			check(c.do(request{method: "PATCH", path: p.me(), token: u.Token}), "missing", []any{"body"}, "Field required", "")
		}},
		{id: "FIX26_methods_and_routing", name: "wrong methods: 405 {\"detail\":\"Method Not Allowed\"} with Allow listing every method of the URL; DELETE /users/me is DELETE /users/{id} with id \"me\"", why: "wrong methods get FastAPI's 405 with the methods the URL answers, and routing matches the reference's", users: 1, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			p := c.p()
			// The reference's Allow names the methods of the first route
			// that matches the path (Starlette), so only GET where several
			// routes share it; the kit names every method the URL answers.
			for _, rt := range [][3]string{
				{"GET", p.login(), "POST"}, {"GET", p.logout(), "POST"}, {"GET", p.register(), "POST"},
				{"PUT", p.me(), "GET, PATCH, DELETE"}, {"POST", p.me(), "GET, PATCH, DELETE"},
				{"OPTIONS", p.me(), "GET, PATCH, DELETE"},
				{"POST", p.user(u.ID), "GET, PATCH, DELETE"}, {"PUT", p.user(u.ID), "GET, PATCH, DELETE"},
				{"GET", p.cli(), "POST"}, {"PUT", p.cliCode("ZZZZZZZZ"), "GET, PATCH, DELETE"},
				{"GET", p.adminToken(u.ID), "POST"},
			} {
				if r := c.do(request{method: rt[0], path: rt[1]}); c.want(r, 405) && r.Header.Get("Allow") != rt[2] {
					c.Errorf("%s: Allow %q, want %q", r, r.Header.Get("Allow"), rt[2])
				}
			}
			// HEAD is not GET (FastAPI adds no HEAD routes): 405 too, without a body.
			if r := c.do(request{method: "HEAD", path: p.me(), lax: true}); r.Status != 405 || r.Header.Get("Allow") != "GET, PATCH, DELETE" {
				c.Errorf("%s: want 405 with Allow \"GET, PATCH, DELETE\"", r)
			}
			c.want(c.do(request{method: "DELETE", path: p.me()}), 401)
			c.want(c.do(request{method: "DELETE", path: p.me(), token: u.Token}), 403)
			c.wantDetail(c.do(request{method: "DELETE", path: p.me(), token: c.adminToken()}), 404, "Not Found")
		}},
	}
}
