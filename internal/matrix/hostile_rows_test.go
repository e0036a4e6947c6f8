package matrix

import "strings"

// hostileRows builds the table: every route × wrong content types, invalid
// JSON, null, wrong types, a form, a 2 MiB body × no/garbage/empty/huge/
// valid/duplicate Authorization headers, then wrong methods, trailing
// slashes, unknown paths, bad ids and codes in paths, odd query strings.
func hostileRows() []hostileRequest {
	type route struct {
		method, path string
		stateful     bool // a valid token changes state (logout): bad auth only
	}
	routes := []route{
		{"POST", "/auth/jwt/login", false},
		{"POST", "/auth/jwt/logout", true},
		{"POST", "/auth/register", false},
		{"POST", "/auth/forgot-password", false},
		{"POST", "/auth/reset-password", false},
		{"POST", "/auth/request-verify-token", false},
		{"POST", "/auth/verify", false},
		{"GET", "/users/me", false},
		{"PATCH", "/users/me", false},
		{"GET", "/users/" + phUID, false},
		{"PATCH", "/users/" + phUID, false},
		{"DELETE", "/users/" + phNoUser, false},
		{"POST", "/auth/cli-login", false},
		{"GET", "/auth/cli-login/ZZZZZZZZ?secret=x", false},
		{"GET", "/auth/cli-login/ZZZZZZZZ", false},
		{"PATCH", "/auth/cli-login/ZZZZZZZZ", false},
		{"DELETE", "/auth/cli-login/ZZZZZZZZ", false},
		{"POST", "/admin/users/" + phUID + "/token", false},
		{"GET", "/protected", false},
		{"GET", "/protected/superuser", false},
		{"GET", "/protected/optional", false},
	}
	big := []byte(`{"email":"` + strings.Repeat("a", 2<<20) + `@example.com"}`)
	type body struct {
		ctype string
		body  []byte
		// withBadAuth: also sent with every bad Authorization header (the
		// others go without a token and with valid ones only).
		withBadAuth bool
	}
	bodies := []body{
		{"", nil, true},
		{"text/plain", []byte(`{"email":"hostile@example.com","password":"12345678","token":"x"}`), false},
		{"application/json", []byte(`{"email":`), true},
		{"application/json", []byte(`null`), false},
		{"application/json", []byte(`{"email":1,"password":2,"token":3,"is_active":"maybe"}`), false},
		{"application/json", []byte("{\"email\":\"\xff\"}"), false},
		{"application/x-www-form-urlencoded", []byte(`username=%zz&password=x`), false},
		{"multipart/form-data; boundary=x", []byte("--x\r\nbroken"), false},
		{"application/json", big, false},
	}
	huge := "Bearer " + strings.Repeat("a", 100_000)
	type auth struct {
		authz []string
		valid bool
	}
	auths := []auth{
		{nil, false},
		{[]string{"Bearer garbage"}, false},
		{[]string{"Bearer "}, false},
		{[]string{"Bearer"}, false},
		{[]string{huge}, false},
		{[]string{"Bearer " + phUserToken}, true},
		{[]string{"bearer " + phAdminToken}, true},
		{[]string{"Bearer garbage", "Bearer " + phAdminToken}, false},
	}
	var rows []hostileRequest
	// Every body without a token and with valid ones (the evaluation order:
	// malformed JSON before auth, auth before validation), and every
	// Authorization header without a body and with a malformed one.
	for _, rt := range routes {
		for _, b := range bodies {
			for _, a := range auths {
				if a.valid && rt.stateful {
					continue
				}
				if a.authz != nil && !a.valid && !b.withBadAuth {
					continue
				}
				rows = append(rows, hostileRequest{method: rt.method, path: rt.path, authz: a.authz, ctype: b.ctype, body: b.body})
			}
		}
	}
	// Every method on every path, without a token: 405s, 401s, 422s.
	paths := []string{
		"/auth/jwt/login", "/auth/jwt/logout", "/auth/register", "/auth/forgot-password", "/auth/reset-password",
		"/auth/request-verify-token", "/auth/verify", "/users/me", "/users/" + phUID, "/auth/cli-login",
		"/auth/cli-login/ZZZZZZZZ", "/admin/users/" + phUID + "/token",
	}
	methods := []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"}
	for _, p := range paths {
		for _, m := range methods {
			rows = append(rows, hostileRequest{method: m, path: p})
			// Trailing slash.
			rows = append(rows, hostileRequest{method: m, path: p + "/"})
		}
	}
	// Unknown paths, case, near misses.
	for _, p := range []string{
		"/", "/nope", "/users", "/users/", "/users/me/extra", "/auth", "/auth/", "/auth/jwt", "/auth/jwt/nope",
		"/admin", "/admin/users", "/admin/users/" + phUID, "/admin/users/" + phUID + "/token/x", "/USERS/ME",
		"/Auth/jwt/login", "/protected/", "/protected/nope", "/auth/cli-login/", "/auth/cli-login/ZZZZZZZZ/x",
	} {
		for _, m := range []string{"GET", "POST"} {
			rows = append(rows, hostileRequest{method: m, path: p, authz: []string{"Bearer " + phAdminToken}})
		}
	}
	// Odd query strings on the poll route.
	for _, q := range []string{
		"", "?", "?secret", "?secret=", "?secret=a&secret=b", "?secret=%zz", "?secret=a;b", "?SECRET=x",
		"?secret=a+b", "?secret=%00", "?secret=" + strings.Repeat("s", 10_000), "?x=1&secret=y#frag",
	} {
		rows = append(rows, hostileRequest{method: "GET", path: "/auth/cli-login/ZZZZZZZZ" + q})
	}
	// Mixed-case schemes and extra spaces in the Authorization header.
	for _, a := range []string{
		"BEARER " + phUserToken, "Bearer  " + phUserToken, "Bearer " + phUserToken + " x", "Token " + phUserToken,
		phUserToken, "Basic dXNlcjpwYXNz", "Bearer\t" + phUserToken,
	} {
		for _, p := range []string{"/users/me", "/protected", "/protected/optional", "/protected/superuser"} {
			rows = append(rows, hostileRequest{method: "GET", path: p, authz: []string{a}})
		}
	}
	// Bad ids and codes in paths, with a token that passes
	// auth; last, as the deletes among them may delete the fixture user.
	rows = append(rows, idRows(

		"not-a-uuid", phUID+"0", phUIDUpper, "00000000-0000-0000-0000-00000000000g", "me2", "%20"+phUID,
		phUID+"%20", "a+b", "%41", "%2541", "%E2%82%AC", "%C3%28", "%00", "~", "%2E",
		"%7B"+phUID+"%7D", "urn:uuid:"+phUID, strings.Repeat("a", 10_000), strings.Repeat("0", 10_000),
	)...)
	return rows
}

// idRows puts each of ids where the routes take an id or a code, with a
// token that passes auth.
func idRows(ids ...string) []hostileRequest {
	admin := []string{"Bearer " + phAdminToken}
	var rows, deletes []hostileRequest
	for _, id := range ids {
		rows = append(rows,
			hostileRequest{method: "GET", path: "/users/" + id, authz: admin},
			hostileRequest{method: "PATCH", path: "/users/" + id, authz: admin, ctype: "application/json", body: []byte(`{}`)},
			hostileRequest{method: "POST", path: "/admin/users/" + id + "/token", authz: admin},
			hostileRequest{method: "GET", path: "/auth/cli-login/" + id + "?secret=x"},
			hostileRequest{method: "PATCH", path: "/auth/cli-login/" + id, authz: admin},
			hostileRequest{method: "DELETE", path: "/auth/cli-login/" + id, authz: admin},
		)
		deletes = append(deletes, hostileRequest{method: "DELETE", path: "/users/" + id, authz: admin})
	}
	// Deletes last: an id that parses as the fixture user's deletes it.
	return append(rows, deletes...)
}

// knownDifferenceRows are paths the routers themselves treat differently,
// before any adapter code runs, so the adapters cannot agree on them
// without reimplementing their framework's path handling:
//
//   - a dot segment ("/users/.."): net/http's ServeMux cleans the path and
//     redirects (307 to the cleaned path, an HTML body for GET); gin and
//     fiber route the raw segment (404 or the route's answer for "..").
//   - an encoded slash ("%2F") in an id or code: gin routes on the decoded
//     path, where the slash splits the segment (404 {"detail":"Not Found"}
//     from NoRoute); net/http and fiber pass "a/b" to the route.
//   - a method outside the router's list ("PROPFIND"): net/http hands it
//     to the route, gin to its NoMethod handler (both 405 {"detail":"Method
//     Not Allowed"} on the kit's paths); fiber refuses it before routing
//     (400 text/plain "Invalid http method", unless the app lists it in
//     fiber.Config.RequestMethods).
//
// They must never be a 5xx; their answers are logged, not compared.
func knownDifferenceRows() []hostileRequest {
	rows := idRows("..", "a%2Fb", "%2F..%2F..")
	for _, m := range []string{"PROPFIND", "FOO"} {
		rows = append(rows, hostileRequest{method: m, path: "/users/me"}, hostileRequest{method: m, path: "/nope"})
	}
	return rows
}
