package httpapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/zincware/zndraw-auth-go/core"
)

// DefaultCookieName is fastapi-users' CookieTransport cookie name.
const DefaultCookieName = "fastapiusersauth"

// CSRFHeader is the request header that carries the CSRF token of a
// cookie-authenticated request with an unsafe method.
const CSRFHeader = "X-CSRF-Token"

// CookieConfig configures the cookie transport (fastapi-users'
// CookieTransport). Setting Config.Cookie turns it on: the
// routes POST {JWT}/cookie/login and POST {JWT}/cookie/logout are mounted,
// and every route that needs a user also accepts the cookie when no bearer
// token resolves. The bearer transport stays the default and is unchanged.
//
// CSRF: a cookie-authenticated request with a method other than GET, HEAD
// or OPTIONS must either carry the header X-CSRF-Token with the token the
// cookie login answered in that header (an HMAC-SHA256 of the session
// token's jti under a key derived from Settings.SecretKey: nothing is
// stored, and it is valid exactly as long as the session), or come from the
// same origin according to the browser (Sec-Fetch-Site: same-origin, a
// header scripts cannot set). Otherwise it gets 403
// {"detail":"CSRF_TOKEN_INVALID"}. Bearer requests need neither.
type CookieConfig struct {
	// Name of the cookie; default DefaultCookieName.
	Name string
	// Domain attribute; empty omits it (host-only cookie).
	Domain string
	// Path attribute; default "/".
	Path string
	// MaxAge of the cookie; 0 omits Max-Age (a browser-session cookie, the
	// reference's default). The token inside still expires after
	// Settings.TokenLifetime.
	MaxAge time.Duration
	// Insecure omits the Secure attribute. Only for development over
	// http://localhost; never in production.
	Insecure bool
	// SameSiteStrict sends SameSite=strict instead of the default lax.
	SameSiteStrict bool
}

// cookieTransport writes and reads one cookie.
type cookieTransport struct {
	name, domain, path, sameSite string
	maxAge                       int // seconds; -1 omits Max-Age
	secure                       bool
}

func newCookieTransport(c CookieConfig) *cookieTransport {
	t := &cookieTransport{name: c.Name, domain: c.Domain, path: c.Path, sameSite: "lax", maxAge: -1, secure: !c.Insecure}
	if t.name == "" {
		t.name = DefaultCookieName
	}
	if t.path == "" {
		t.path = "/"
	}
	if c.SameSiteStrict {
		t.sameSite = "strict"
	}
	if c.MaxAge > 0 {
		t.maxAge = int(c.MaxAge / time.Second)
	}
	return t
}

// header is the Set-Cookie header for value with the given Max-Age (-1:
// none), attributes in Starlette's (sorted) order:
// name=value; Domain=d; HttpOnly; Max-Age=n; Path=/; SameSite=lax; Secure.
func (t *cookieTransport) header(value string, maxAge int) Header {
	var b strings.Builder
	b.WriteString(t.name + "=" + value)
	if t.domain != "" {
		b.WriteString("; Domain=" + t.domain)
	}
	b.WriteString("; HttpOnly")
	if maxAge >= 0 {
		b.WriteString("; Max-Age=" + strconv.Itoa(maxAge))
	}
	b.WriteString("; Path=" + t.path + "; SameSite=" + t.sameSite)
	if t.secure {
		b.WriteString("; Secure")
	}
	return Header{"Set-Cookie", b.String()}
}

// set stores token in the cookie.
func (t *cookieTransport) set(token string) Header { return t.header(token, t.maxAge) }

// clear deletes the cookie (fastapi-users' logout cookie: value "",
// Max-Age=0).
func (t *cookieTransport) clear() Header { return t.header(`""`, 0) }

// read returns the cookie's value in r ("" if absent).
func (t *cookieTransport) read(r *Request) string {
	return cookieValue(r.Headers.Get("Cookie"), t.name)
}

// cookieValue finds name in a Cookie header, leniently: malformed pairs
// are skipped, surrounding quotes removed.
func cookieValue(header, name string) string {
	for header != "" {
		var pair string
		pair, header, _ = strings.Cut(header, ";")
		k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if ok && k == name {
			if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
				v = v[1 : len(v)-1]
			}
			return v
		}
	}
	return ""
}

// csrfKey derives the CSRF MAC key from the access-token secret, so the
// two uses never share a key.
func csrfKey(secret string) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("zndraw-auth csrf key v1"))
	return m.Sum(nil)
}

// csrfToken is the CSRF token of a session: HMAC-SHA256(key, jti),
// base64url. It needs no storage and dies with the session token.
func (a *API) csrfToken(p *core.Principal) string {
	m := hmac.New(sha256.New, a.csrfKey)
	m.Write([]byte("session\x00" + p.Token.ID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// csrfValid compares a presented CSRF token with the session's in
// constant time.
func (a *API) csrfValid(p *core.Principal, presented string) bool {
	want := a.csrfToken(p)
	return presented != "" && subtle.ConstantTimeCompare([]byte(presented), []byte(want)) == 1
}

// safeMethod reports whether m cannot change state (RFC 9110 §9.2.1).
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

var bodyCSRF = marshal(detailBody{"CSRF_TOKEN_INVALID"})

// cookieAuth authenticates by the cookie alone.
func (a *API) cookieAuth(r *Request, access core.Access) (*core.Principal, *Response) {
	// Resolve strictly, so a CSRF failure is not hidden by Optional.
	strict := access
	strict.Optional = false
	p, resp := a.resolve(r, a.cookie.read(r), strict)
	if resp != nil {
		if access.Optional && (resp.Status == http.StatusUnauthorized || resp.Status == http.StatusForbidden) {
			return nil, nil
		}
		return nil, resp
	}
	if !safeMethod(r.Method) && !a.csrfValid(p, r.Headers.Get(CSRFHeader)) && r.Headers.Get("Sec-Fetch-Site") != "same-origin" {
		return nil, rawJSON(http.StatusForbidden, bodyCSRF)
	}
	return p, nil
}

// cookieLogin is POST {JWT}/cookie/login: the bearer login's form and
// checks, answered as fastapi-users' CookieTransport does (204, one
// Set-Cookie), plus the session's CSRF token in X-CSRF-Token.
func (a *API) cookieLogin(r *Request) *Response {
	sess, resp := a.formLogin(r)
	if resp != nil {
		return resp
	}
	return &Response{Status: http.StatusNoContent, Headers: []Header{hdrNoStore, a.cookie.set(sess.AccessToken), {CSRFHeader, a.csrfToken(&sess.Principal)}}}
}

// cookieLogout is POST {JWT}/cookie/logout: the cookie's token is revoked
// and the cookie deleted (204, one Set-Cookie with Max-Age=0).
func (a *API) cookieLogout(r *Request) *Response {
	p, resp := a.cookieAuth(r, a.userAccess(false))
	if resp != nil {
		return resp
	}
	if err := a.svc.Logout(r.Context, p, a.Meta(r)); err != nil {
		return a.errorResponse(r.Context, err, usersNotFound)
	}
	return &Response{Status: http.StatusNoContent, Headers: []Header{hdrNoStore, a.cookie.clear()}}
}
