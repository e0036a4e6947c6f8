package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/zincware/zndraw-auth-go/httpapi"
)

var loginForm = url.Values{"username": {testEmail}, "password": {testPassword}}

// cookieLogin logs in through the cookie route and returns the cookie's
// value and the CSRF token.
func cookieLogin(t *testing.T, k *kit) (string, string) {
	t.Helper()
	resp, _ := k.send(t, http.MethodPost, "/auth/jwt/cookie/login", loginForm, nil)
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	c := resp.Cookies()
	require.Len(t, c, 1)
	return c[0].Value, resp.Header.Get(httpapi.CSRFHeader)
}

func TestCookieLoginHeader(t *testing.T) {
	cases := []struct {
		name string
		cfg  httpapi.CookieConfig
		want string // regexp of the Set-Cookie header
	}{
		{name: "defaults", cfg: httpapi.CookieConfig{},
			want: `^fastapiusersauth=[\w-]+\.[\w-]+\.[\w-]+; HttpOnly; Path=/; SameSite=lax; Secure$`},
		{name: "everything", cfg: httpapi.CookieConfig{Name: "session", Domain: "example.com", Path: "/app", MaxAge: time.Hour, SameSiteStrict: true},
			want: `^session=[\w-]+\.[\w-]+\.[\w-]+; Domain=example.com; HttpOnly; Max-Age=3600; Path=/app; SameSite=strict; Secure$`},
		{name: "insecure development", cfg: httpapi.CookieConfig{Insecure: true, MaxAge: 90 * time.Second},
			want: `^fastapiusersauth=[\w-]+\.[\w-]+\.[\w-]+; HttpOnly; Max-Age=90; Path=/; SameSite=lax$`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			k := newKit(t, httpapi.Config{Cookie: &cfg}, false)
			resp, body := k.send(t, http.MethodPost, "/auth/jwt/cookie/login", loginForm, nil)
			require.Equal(t, http.StatusNoContent, resp.StatusCode)
			require.Empty(t, body)
			require.Len(t, resp.Header.Values("Set-Cookie"), 1, "exactly one Set-Cookie")
			require.Regexp(t, regexp.MustCompile(tc.want), resp.Header.Get("Set-Cookie"))
			require.Regexp(t, `^[\w-]{43}$`, resp.Header.Get(httpapi.CSRFHeader))
			require.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
		})
	}
}

func TestCookieLoginErrors(t *testing.T) {
	k := newKit(t, httpapi.Config{Cookie: &httpapi.CookieConfig{}}, false)
	cases := []struct {
		name   string
		form   url.Values
		status int
		detail string
	}{
		{"bad password", url.Values{"username": {testEmail}, "password": {"wrong password"}}, 400, `"LOGIN_BAD_CREDENTIALS"`},
		{"missing password", url.Values{"username": {testEmail}}, 422, `[{"type":"missing","loc":["body","password"],"msg":"Field required","input":null}]`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := k.send(t, http.MethodPost, "/auth/jwt/cookie/login", tc.form, nil)
			require.Equal(t, tc.status, resp.StatusCode)
			require.JSONEq(t, `{"detail":`+tc.detail+`}`, body)
			require.Empty(t, resp.Header.Values("Set-Cookie"))
		})
	}
}

func TestCookieAuthAndCSRF(t *testing.T) {
	k := newKit(t, httpapi.Config{Cookie: &httpapi.CookieConfig{}}, false)
	token, csrf := cookieLogin(t, k)
	cookie := "other=1; fastapiusersauth=" + token
	wrong := []byte(csrf)
	wrong[0] ^= 1 // another valid base64url character
	bearer, err := k.client().Login(t.Context(), testEmail, testPassword)
	require.NoError(t, err)
	// Each case sends {} to /users/me (a no-op PATCH).
	cases := []struct {
		name   string
		method string
		header map[string]string
		status int
		detail string
	}{
		{"GET with the cookie", http.MethodGet, map[string]string{"Cookie": cookie}, 200, ""},
		{"GET with a quoted cookie", http.MethodGet, map[string]string{"Cookie": `fastapiusersauth="` + token + `"`}, 200, ""},
		{"GET with a bad cookie", http.MethodGet, map[string]string{"Cookie": "fastapiusersauth=garbage"}, 401, `"Unauthorized"`},
		{"PATCH without CSRF", http.MethodPatch, map[string]string{"Cookie": cookie}, 403, `"CSRF_TOKEN_INVALID"`},
		{"PATCH with a wrong CSRF token", http.MethodPatch, map[string]string{"Cookie": cookie, "X-CSRF-Token": string(wrong)}, 403, `"CSRF_TOKEN_INVALID"`},
		{"PATCH cross-site", http.MethodPatch, map[string]string{"Cookie": cookie, "Sec-Fetch-Site": "cross-site"}, 403, `"CSRF_TOKEN_INVALID"`},
		{"PATCH same-site is not same-origin", http.MethodPatch, map[string]string{"Cookie": cookie, "Sec-Fetch-Site": "same-site"}, 403, `"CSRF_TOKEN_INVALID"`},
		{"PATCH with the CSRF token", http.MethodPatch, map[string]string{"Cookie": cookie, "X-CSRF-Token": csrf}, 200, ""},
		{"PATCH same-origin", http.MethodPatch, map[string]string{"Cookie": cookie, "Sec-Fetch-Site": "same-origin"}, 200, ""},
		{"PATCH with a bearer token needs no CSRF", http.MethodPatch, map[string]string{"Cookie": cookie, "Authorization": "Bearer " + bearer}, 200, ""},
		{"a bad bearer token falls back to the cookie", http.MethodGet, map[string]string{"Cookie": cookie, "Authorization": "Bearer nope"}, 200, ""},
		{"no credentials", http.MethodGet, nil, 401, `"Unauthorized"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), tc.method, k.url+"/users/me", strings.NewReader("{}"))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			for n, v := range tc.header {
				req.Header.Set(n, v)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer func() { _ = resp.Body.Close() }()
			require.Equal(t, tc.status, resp.StatusCode)
			var out map[string]any
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
			if tc.detail != "" {
				d, _ := json.Marshal(out["detail"])
				require.Equal(t, tc.detail, string(d))
			} else {
				require.Equal(t, testEmail, out["email"])
			}
		})
	}
}

func TestCookieIgnoredWhenOff(t *testing.T) {
	on := newKit(t, httpapi.Config{Cookie: &httpapi.CookieConfig{}}, false)
	token, _ := cookieLogin(t, on)
	off := newKit(t, httpapi.Config{}, false)
	// Both servers use the default secret, so the token is valid on off as
	// a bearer token; as a cookie it is not looked at.
	resp, _ := off.send(t, http.MethodGet, "/users/me", nil, map[string]string{"Cookie": "fastapiusersauth=" + token})
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	resp, _ = off.send(t, http.MethodPost, "/auth/jwt/cookie/login", loginForm, nil)
	require.Equal(t, http.StatusNotFound, resp.StatusCode, "cookie routes are not mounted")
}

func TestCookieLogout(t *testing.T) {
	k := newKit(t, httpapi.Config{Cookie: &httpapi.CookieConfig{Domain: "example.com"}}, false)
	token, csrf := cookieLogin(t, k)
	cookie := map[string]string{"Cookie": "fastapiusersauth=" + token}

	resp, body := k.send(t, http.MethodPost, "/auth/jwt/cookie/logout", nil, cookie)
	require.Equal(t, http.StatusForbidden, resp.StatusCode, "logout without CSRF is refused")
	require.JSONEq(t, `{"detail":"CSRF_TOKEN_INVALID"}`, body)

	resp, body = k.send(t, http.MethodPost, "/auth/jwt/cookie/logout", nil, map[string]string{"Cookie": "fastapiusersauth=" + token, httpapi.CSRFHeader: csrf})
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	require.Empty(t, body)
	require.Equal(t, []string{`fastapiusersauth=""; Domain=example.com; HttpOnly; Max-Age=0; Path=/; SameSite=lax; Secure`}, resp.Header.Values("Set-Cookie"))

	resp, _ = k.send(t, http.MethodGet, "/users/me", nil, cookie)
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "the token is revoked")
	resp, _ = k.send(t, http.MethodGet, "/users/me", nil, map[string]string{"Authorization": "Bearer " + token})
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "revoked for the bearer transport too")
	resp, _ = k.send(t, http.MethodPost, "/auth/jwt/cookie/logout", nil, nil)
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
}
