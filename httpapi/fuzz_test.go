package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
	"github.com/zincware/zndraw-auth-go/httpapi"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// The fixed world of the fuzz targets: a user, an admin, a pending CLI
// challenge and their tokens, at a frozen time. Each input runs against a
// fresh copy of it, so inputs are independent and reproducible.
var (
	fuzzNow     = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	fuzzUserID  = uuid.MustParse("0b7e2a55-5d0b-4c52-9f2e-7d5c1b9a3e01")
	fuzzAdminID = uuid.MustParse("6a1f0c3e-2b44-4e8d-8a61-0f9e2d7c5b02")
)

const (
	fuzzSecret    = "httpapi-fuzz-secret-0123456789abcdef0"
	fuzzPassword  = "fuzz password 123"
	fuzzUserEmail = "user@example.com"
	fuzzCode      = "FUZZCODE"
)

// fuzzWorld is one fresh API with its tokens.
type fuzzWorld struct {
	api               *httpapi.API
	userTok, adminTok string
	impTok            string
	userID, adminID   string
	challengeCode     string
}

// fuzzHash is the stored hash of fuzzPassword (hashed once).
var fuzzHash = func() string {
	h, err := password.New(password.TestParams).Hash(context.Background(), fuzzPassword)
	if err != nil {
		panic(err)
	}
	return h
}()

func fuzzToken(tb testing.TB, sub uuid.UUID, impersonatedBy string) string {
	tb.Helper()
	c := jwt.MapClaims{"sub": sub.String(), "aud": []string{core.AudienceAuth}, "iat": fuzzNow.Unix(),
		"exp": fuzzNow.Add(time.Hour).Unix(), "jti": "jti-" + sub.String()[:8] + impersonatedBy, "tv": 0}
	if impersonatedBy != "" {
		c["impersonated_by"] = impersonatedBy
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString([]byte(fuzzSecret))
	if err != nil {
		tb.Fatal(err)
	}
	return tok
}

// newFuzzWorld builds a fresh store, service and API, without hashing.
func newFuzzWorld(tb testing.TB) *fuzzWorld {
	tb.Helper()
	ctx := context.Background()
	st := memstore.New()
	for _, u := range []core.User{
		{ID: fuzzUserID, Email: fuzzUserEmail, HashedPassword: fuzzHash, IsActive: true},
		{ID: fuzzAdminID, Email: "admin@example.com", HashedPassword: fuzzHash, IsActive: true, IsSuperuser: true, IsVerified: true},
	} {
		if _, err := st.CreateUser(ctx, u); err != nil {
			tb.Fatal(err)
		}
	}
	if _, err := st.CreateChallenge(ctx, core.Challenge{Code: fuzzCode, SecretHash: "sha256:unknown", Status: core.ChallengePending,
		CreatedAt: fuzzNow, ExpiresAt: fuzzNow.Add(5 * time.Minute)}); err != nil {
		tb.Fatal(err)
	}
	settings := core.DefaultSettings()
	settings.SecretKey = fuzzSecret
	settings.ResetPasswordTokenSecret = fuzzSecret + "-reset"
	settings.VerificationTokenSecret = fuzzSecret + "-verify"
	settings.DefaultAdminEmail = "root@example.com"
	settings.RateLimit.Enabled = false
	quiet := slog.New(slog.DiscardHandler)
	svc, err := core.New(st, settings, core.WithClock(core.ClockFunc(func() time.Time { return fuzzNow })),
		core.WithHasher(password.New(password.TestParams)), core.WithLogger(quiet))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = svc.Close() })
	// The cookie routes and the approval page are on, so they are fuzzed
	// too. (The OpenAPI document is a constant GET; building it for every
	// input would cut the fuzzing speed tenfold.)
	api, err := httpapi.New(httpapi.Config{Service: svc, Logger: quiet, MaxBodyBytes: 64 << 10,
		Cookie: &httpapi.CookieConfig{}, ApprovalPage: true})
	if err != nil {
		tb.Fatal(err)
	}
	return &fuzzWorld{
		api:     api,
		userTok: fuzzToken(tb, fuzzUserID, ""), adminTok: fuzzToken(tb, fuzzAdminID, ""),
		impTok: fuzzToken(tb, fuzzUserID, fuzzAdminID.String()),
		userID: fuzzUserID.String(), adminID: fuzzAdminID.String(), challengeCode: fuzzCode,
	}
}

var fuzzMethods = []string{"GET", "POST", "PATCH", "DELETE", "PUT", "HEAD", "OPTIONS", "TRACE", "BREW"}

// fuzzRequest describes one request of the fuzz targets.
type fuzzRequest struct {
	method, ctype, auth, cookie, param, query string
	body                                      []byte
}

// serve sends rq to the endpoint and checks the invariants every answer
// keeps: no panic, never a 5xx (the store cannot fail here), JSON bodies
// are valid JSON, 422 bodies have FastAPI's shape, and every JSON answer
// carries Cache-Control: no-store.
func (w *fuzzWorld) serve(t *testing.T, ep httpapi.Endpoint, rq fuzzRequest) *httpapi.Response {
	t.Helper()
	q, _ := url.ParseQuery(rq.query)
	param := rq.param
	switch param {
	case "$user":
		param = w.userID
	case "$admin":
		param = w.adminID
	case "$code":
		param = w.challengeCode
	}
	body := rq.body
	tooLarge := int64(len(body)) > w.api.MaxBodyBytes()
	if tooLarge {
		body = body[:w.api.MaxBodyBytes()]
	}
	req := &httpapi.Request{
		Context:   context.Background(),
		Method:    rq.method,
		PathValue: func(string) string { return param },
		Query: func(name string) (string, bool) {
			v, ok := q[name]
			if !ok || len(v) == 0 {
				return "", false
			}
			return v[0], true
		},
		Headers: http.Header{
			"Authorization": {rq.auth},
			"Content-Type":  {rq.ctype},
			"Cookie":        {rq.cookie},
			"User-Agent":    {"fuzz"},
		},
		Body:         body,
		BodyTooLarge: tooLarge,
		RemoteAddr:   "192.0.2.1:1234",
	}
	resp := ep.Handle(req)
	if resp == nil {
		t.Fatalf("%s %s: nil response", rq.method, ep.Path)
	}
	if resp.Status >= 500 || resp.Status < 200 {
		t.Fatalf("%s %s (param %q, content type %q, auth %q, body %q): status %d %s", rq.method, ep.Path, param, rq.ctype, rq.auth, rq.body, resp.Status, resp.Body)
	}
	ctype := ""
	noStore := false
	for _, h := range resp.Headers {
		switch http.CanonicalHeaderKey(h.Name) {
		case "Content-Type":
			ctype = h.Value
		case "Cache-Control":
			noStore = noStore || strings.Contains(h.Value, "no-store")
		}
	}
	if mt, _, _ := mime.ParseMediaType(ctype); mt == "application/json" {
		if !json.Valid(resp.Body) {
			t.Fatalf("%s %s: invalid JSON body %q", rq.method, ep.Path, resp.Body)
		}
		if !noStore {
			t.Fatalf("%s %s: JSON answer %d without Cache-Control: no-store", rq.method, ep.Path, resp.Status)
		}
		if resp.Status == http.StatusUnprocessableEntity {
			checkValidationShape(t, resp.Body)
		}
	}
	return resp
}

// checkValidationShape asserts FastAPI's 422 body:
// {"detail":[{"type":str,"loc":[...],"msg":str,"input":any}, ...]}.
func checkValidationShape(t *testing.T, b []byte) {
	t.Helper()
	var v struct {
		Detail []map[string]json.RawMessage `json:"detail"`
	}
	if err := json.Unmarshal(b, &v); err != nil || len(v.Detail) == 0 {
		t.Fatalf("422 body is not {\"detail\":[...]}: %s", b)
	}
	for _, item := range v.Detail {
		var typ, msg string
		var loc []any
		if json.Unmarshal(item["type"], &typ) != nil || json.Unmarshal(item["msg"], &msg) != nil ||
			json.Unmarshal(item["loc"], &loc) != nil || len(loc) == 0 || typ == "" || item["input"] == nil {
			t.Fatalf("422 item without type/loc/msg/input: %s", b)
		}
	}
}

// authHeader picks the Authorization (or Cookie) of an input: kind 0 the
// raw fuzzed header, 1 the user's token, 2 the admin's, 3 an impersonation
// token, 4 "Bearer " + the fuzzed string, 5 the fuzzed string as Cookie,
// 6 the user's token in the kit's cookie (plus the fuzzed string).
func (w *fuzzWorld) authHeader(kind uint8, s string) (auth, cookie string) {
	switch kind % 7 {
	case 6:
		return "", httpapi.DefaultCookieName + "=" + w.userTok + s
	case 1:
		return "Bearer " + w.userTok, ""
	case 2:
		return "Bearer " + w.adminTok, ""
	case 3:
		return "Bearer " + w.impTok, ""
	case 4:
		return "Bearer " + s, ""
	case 5:
		return "", s
	default:
		return s, ""
	}
}

// FuzzRouteTable sends arbitrary requests to every endpoint of the route
// table: any method, content type, body, Authorization header, path
// parameter and query. The API never panics and never answers 5xx.
//
//	go test -run '^$' -fuzz '^FuzzRouteTable$' -fuzztime 10s ./httpapi
func FuzzRouteTable(f *testing.F) {
	n := len(newFuzzWorld(f).api.Endpoints())
	for i := range n {
		f.Add(uint8(1), uint8(i), "application/json", []byte(`{"email":"new@example.com","password":"a long password"}`), uint8(1), "", "$user", "")
		f.Add(uint8(0), uint8(i), "", []byte(nil), uint8(2), "", "$admin", "secret=x")
		f.Add(uint8(2), uint8(i), "application/json", []byte(`{"is_superuser":"yes","email":null}`), uint8(2), "", "$user", "")
		f.Add(uint8(3), uint8(i), "application/json", []byte(`[]`), uint8(3), "", "$code", "")
	}
	f.Add(uint8(1), uint8(0), "application/x-www-form-urlencoded", []byte("username=user%40example.com&password=fuzz+password+123"), uint8(0), "", "", "")
	f.Add(uint8(1), uint8(0), "multipart/form-data; boundary=XX", []byte("--XX\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nuser@example.com\r\n--XX--\r\n"), uint8(0), "", "", "")
	f.Add(uint8(1), uint8(2), "application/json", []byte(`{"email":"x@example.com","password":"`+strings.Repeat("é", 3000)+`"}`), uint8(0), "", "", "")
	f.Add(uint8(1), uint8(2), "text/plain", []byte("{"), uint8(4), "a.b.c", "", "")
	f.Add(uint8(0), uint8(5), "application/json", []byte("\xff\xfe"), uint8(0), "Bearer", "%00", "secret=%zz")
	f.Add(uint8(8), uint8(7), "application/json; charset=utf-16", []byte(`{"token":1e400}`), uint8(5), "session=abc", "urn:uuid:"+fuzzUserID.String(), "")
	f.Fuzz(func(t *testing.T, method, epIndex uint8, ctype string, body []byte, authKind uint8, auth, param, query string) {
		w := newFuzzWorld(t)
		eps := w.api.Endpoints()
		ep := eps[int(epIndex)%len(eps)]
		a, c := w.authHeader(authKind, auth)
		w.serve(t, ep, fuzzRequest{method: fuzzMethods[int(method)%len(fuzzMethods)], ctype: ctype, auth: a, cookie: c, param: param, query: query, body: body})
	})
}

// FuzzLoginForm posts arbitrary bodies to POST /auth/jwt/login: never a
// 5xx, and a 200 only for a body that carries the user's real password.
//
//	go test -run '^$' -fuzz '^FuzzLoginForm$' -fuzztime 10s ./httpapi
func FuzzLoginForm(f *testing.F) {
	f.Add("application/x-www-form-urlencoded", []byte("username=user%40example.com&password=fuzz+password+123"))
	f.Add("application/x-www-form-urlencoded", []byte("username=USER@EXAMPLE.COM&password=fuzz%20password%20123&grant_type=password"))
	f.Add("application/x-www-form-urlencoded", []byte("username=user@example.com&password=wrong&grant_type=client_credentials"))
	f.Add("application/x-www-form-urlencoded", []byte("username=&password=&username=user@example.com"))
	f.Add("application/x-www-form-urlencoded", []byte("%zz=1&password=%"))
	f.Add("application/x-www-form-urlencoded; charset=utf-8", []byte("username=user@example.com;password=x"))
	f.Add("multipart/form-data; boundary=B", []byte("--B\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nuser@example.com\r\n--B\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\nfuzz password 123\r\n--B--\r\n"))
	f.Add("multipart/form-data", []byte("--B\r\n"))
	f.Add("application/json", []byte(`{"username":"user@example.com","password":"fuzz password 123"}`))
	f.Add("", []byte(""))
	f.Fuzz(func(t *testing.T, ctype string, body []byte) {
		w := newFuzzWorld(t)
		ep := fuzzEndpoint(t, w.api, "/auth/jwt/login")
		resp := w.serve(t, ep, fuzzRequest{method: "POST", ctype: ctype, body: body})
		switch resp.Status {
		case http.StatusOK:
			if !formHasPassword(ctype, body, fuzzPassword) {
				t.Fatalf("login succeeded for a body without the password: %q %q", ctype, body)
			}
		case http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("login answered %d %s", resp.Status, resp.Body)
		}
	})
}

// FuzzJSONBody posts arbitrary JSON bodies to every JSON endpoint, as an
// anonymous client, the user and the admin: never a 5xx, 422 in FastAPI's
// shape, and the admin is never demoted or deactivated by the user's own
// PATCH /users/me (mass assignment).
//
//	go test -run '^$' -fuzz '^FuzzJSONBody$' -fuzztime 10s ./httpapi
func FuzzJSONBody(f *testing.F) {
	for i := range 8 {
		f.Add(uint8(i), uint8(1), []byte(`{"email":"user@example.com","password":"another password","token":"x"}`))
		f.Add(uint8(i), uint8(2), []byte(`{"is_superuser":true,"is_active":"off","is_verified":1,"email":"ADMIN@example.com"}`))
	}
	for _, b := range []string{`null`, `[]`, `""`, `0`, `{`, `{"email":null}`, `{"email":"a@b"}`, `{"password":null}`,
		`{"password":123}`, `{"token":["a"]}`, `{"email":"\u0000@example.com"}`, `{"is_active":null}`, `{"a":1}{"b":2}`,
		`{"email":"user@example.com","email":"admin@example.com"}`, `{"password":"short"}`, "\ufeff{}"} {
		f.Add(uint8(0), uint8(1), []byte(b))
	}
	paths := []struct{ method, path string }{
		{"POST", "/auth/register"}, {"POST", "/auth/forgot-password"}, {"POST", "/auth/reset-password"},
		{"POST", "/auth/request-verify-token"}, {"POST", "/auth/verify"}, {"PATCH", "/users/me"},
		{"PATCH", "/users/{id}"}, {"POST", "/admin/users/{user_id}/token"},
	}
	f.Fuzz(func(t *testing.T, which, authKind uint8, body []byte) {
		w := newFuzzWorld(t)
		p := paths[int(which)%len(paths)]
		ep := fuzzEndpoint(t, w.api, p.path)
		auth := ""
		switch authKind % 3 {
		case 1:
			auth = "Bearer " + w.userTok
		case 2:
			auth = "Bearer " + w.adminTok
		}
		w.serve(t, ep, fuzzRequest{method: p.method, ctype: "application/json", auth: auth, param: w.userID, body: body})
		if authKind%3 == 1 && p.path == "/users/me" {
			// Whatever the body, the user did not make themself a superuser.
			me := w.serve(t, fuzzEndpoint(t, w.api, "/users/{id}"), fuzzRequest{method: "GET", auth: "Bearer " + w.adminTok, param: w.userID})
			if me.Status == http.StatusOK && strings.Contains(string(me.Body), `"is_superuser":true`) {
				t.Fatalf("PATCH /users/me with %q made the user a superuser", body)
			}
		}
	})
}

// formHasPassword is the oracle of FuzzLoginForm: whether body, decoded as
// a URL-encoded or multipart form, has pw as its (last) password field.
func formHasPassword(ctype string, body []byte, pw string) bool {
	if vals, err := url.ParseQuery(string(body)); err == nil {
		if v := vals["password"]; len(v) > 0 && v[len(v)-1] == pw {
			return true
		}
	}
	_, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		return false
	}
	form, err := multipart.NewReader(bytes.NewReader(body), params["boundary"]).ReadForm(int64(len(body)) + 1)
	if err != nil {
		return false
	}
	defer func() { _ = form.RemoveAll() }()
	v := form.Value["password"]
	return len(v) > 0 && v[len(v)-1] == pw
}

// fuzzEndpoint returns the endpoint with path.
func fuzzEndpoint(tb testing.TB, api *httpapi.API, path string) httpapi.Endpoint {
	tb.Helper()
	for _, ep := range api.Endpoints() {
		if ep.Path == path {
			return ep
		}
	}
	tb.Fatalf("no endpoint %s", path)
	return httpapi.Endpoint{}
}
