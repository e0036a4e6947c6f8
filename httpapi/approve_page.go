package httpapi

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/zincware/zndraw-auth-go/core"
)

// The CLI approval page: where a user signs
// in and approves or denies a CLI login in the browser. It is server-rendered
// HTML without JavaScript and served through the shared route table, so
// every adapter mounts it.
//
//   - GET only shows: the sign-in form without a valid session cookie, else
//     the code, "You are signing in a command-line tool", the signed-in
//     account, where the request came from (IP and user agent recorded when
//     the CLI created the challenge, the latter marked unverified), when,
//     and the time left, with Approve and Deny as two equally styled POST
//     forms. A GET never changes state.
//   - POST carries action=login|approve|deny|logout. Sign-in is protected
//     against login CSRF by a double-submit cookie (<cookie name>_csrf,
//     random, HttpOnly, SameSite=strict, scoped to the page); approve, deny
//     and sign-out by the session's CSRF token, an HMAC-SHA256 of the session
//     token's jti under a key derived from Settings.SecretKey (see
//     CookieConfig). A POST whose Sec-Fetch-Site is cross-site is refused
//     before anything else.
//   - Every answer carries Cache-Control: no-store, Referrer-Policy:
//     no-referrer, X-Frame-Options: DENY, X-Content-Type-Options: nosniff and
//     a Content-Security-Policy without scripts (frame-ancestors 'none',
//     form-action 'self').
//
// The page never sees the challenge secret, and logs neither the code nor
// any token.

//go:embed templates/approve.html templates/approve.css
var pageFiles embed.FS

var (
	pageTemplate = template.Must(template.ParseFS(pageFiles, "templates/approve.html"))
	pageCSS      = mustReadPageFile("templates/approve.css")
	pageCSP      = "default-src 'none'; style-src 'sha256-" + sha256Base64(pageCSS) +
		"'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)

func mustReadPageFile(name string) string {
	b, err := pageFiles.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func sha256Base64(s string) string {
	sum := sha256.Sum256([]byte(s))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// approvalPage serves the page.
type approvalPage struct {
	api     *API
	path    string
	service string           // Config.ServiceName; "": the request's host
	session *cookieTransport // the signed-in session
	csrf    *cookieTransport // the pre-session double-submit cookie
}

// newApprovalPage builds the page at path. The session cookie is the
// cookie transport's when it is on (one sign-in serves both), else a
// cookie of the same defaults scoped to the page's path.
func newApprovalPage(a *API, path string, cookie *CookieConfig) *approvalPage {
	pg := &approvalPage{api: a, path: path}
	if a.cookie != nil {
		pg.session = a.cookie
	} else {
		pg.session = newCookieTransport(CookieConfig{Path: path})
	}
	csrf := CookieConfig{Name: pg.session.name + "_csrf", Path: path, SameSiteStrict: true}
	if cookie != nil {
		csrf.Insecure = cookie.Insecure
	}
	pg.csrf = newCookieTransport(csrf)
	return pg
}

// pageView is what the template shows.
type pageView struct {
	View       string // signin, enter, confirm, or "" for a message
	Title      string
	Notice     string
	NoticeKind string // error or ok
	Action     string
	Service    string // the service the tool is signed in to
	CSS        template.CSS
	CSRF       string
	Code       string
	Email      string
	ClientIP   string
	UserAgent  string
	CreatedAt  string
	ExpiresAt  string
	TimeLeft   string
}

// render answers status with the page.
func (pg *approvalPage) render(status int, v pageView, extra ...Header) *Response {
	v.Action = pg.path
	v.CSS = template.CSS(pageCSS)
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, v); err != nil {
		return internalError()
	}
	h := []Header{
		{"Content-Type", "text/html; charset=utf-8"},
		hdrNoStore,
		{"Referrer-Policy", "no-referrer"},
		{"X-Frame-Options", "DENY"},
		{"X-Content-Type-Options", "nosniff"},
		{"Content-Security-Policy", pageCSP},
	}
	return &Response{Status: status, Headers: append(h, extra...), Body: buf.Bytes()}
}

// message is a page with a title and a notice only.
func (pg *approvalPage) message(status int, title, notice, kind string, extra ...Header) *Response {
	return pg.render(status, pageView{Title: title, Notice: notice, NoticeKind: kind}, extra...)
}

// redirect answers 303 See Other to the page for code.
func (pg *approvalPage) redirect(code string, extra ...Header) *Response {
	loc := pg.path
	if code != "" {
		loc += "?code=" + url.QueryEscape(code)
	}
	h := append([]Header{hdrNoStore, {"Location", loc}, {"Referrer-Policy", "no-referrer"}}, extra...)
	return &Response{Status: http.StatusSeeOther, Headers: h}
}

// normalizeCode accepts a code typed by a person: case, spaces and dashes
// are ignored (RFC 8628 §6.1). ok is false for anything that cannot be a
// code.
func normalizeCode(s string) (code string, ok bool) {
	if len(s) > 64 {
		return "", false
	}
	code = strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(s)))
	if code == "" || len(code) > 16 {
		return "", false
	}
	for _, c := range code {
		if !strings.ContainsRune(core.CLICodeAlphabet, c) {
			return "", false
		}
	}
	return code, true
}

// principal resolves the session cookie: nil without a valid session; a
// response only when the store fails.
func (pg *approvalPage) principal(r *Request) (*core.Principal, *Response) {
	tok := pg.session.read(r)
	if tok == "" {
		return nil, nil
	}
	access := pg.api.userAccess(false)
	access.Optional = true
	p, err := pg.api.svc.CurrentUser(r.Context, tok, access)
	if err != nil {
		return nil, pg.failure(r, err)
	}
	return p, nil
}

// failure renders an error that is not about the code itself: a rate
// limit (too many unknown codes), a store outage, an internal error.
func (pg *approvalPage) failure(r *Request, err error) *Response {
	var ce *core.Error
	if errors.As(err, &ce) && ce.Code == core.CodeTooManyRequests {
		return pg.message(http.StatusTooManyRequests, "Too many attempts",
			"Too many codes that match no login were entered. Wait a while, then check the code the command-line tool shows.", "error",
			retryAfterHeader(ce.RetryAfter))
	}
	resp := pg.api.errorResponse(r.Context, err, usersNotFound) // logs what needs logging
	if resp.Status == http.StatusServiceUnavailable {
		return pg.message(http.StatusServiceUnavailable, "Try again later", "The service is unavailable right now. Try again in a minute.", "error")
	}
	return pg.message(http.StatusInternalServerError, "Something went wrong", "Something went wrong on the server. Try again later.", "error")
}

// show is GET: it only ever displays.
func (pg *approvalPage) show(r *Request) *Response {
	raw, _ := r.Query("code")
	p, resp := pg.principal(r)
	if resp != nil {
		return resp
	}
	code, ok := normalizeCode(raw)
	if p == nil {
		if !ok {
			code = ""
		}
		return pg.signIn(r, http.StatusOK, code, "", "")
	}
	if raw == "" {
		return pg.render(http.StatusOK, pageView{View: "enter", Title: "Approve a command-line login", Service: pg.serviceName(r),
			Email: p.User.Email, CSRF: pg.api.csrfToken(p)})
	}
	if !ok {
		return pg.unknownCode(r, p)
	}
	return pg.confirm(r, p, code, http.StatusOK, "")
}

// signIn renders the sign-in form, setting the double-submit cookie when
// the browser has none.
func (pg *approvalPage) signIn(r *Request, status int, code, email, notice string) *Response {
	token := pg.csrf.read(r)
	var extra []Header
	if !validRandomToken(token) {
		token = randomToken()
		extra = append(extra, pg.csrf.set(token))
	}
	v := pageView{View: "signin", Title: "Sign in to approve a command-line login", Service: pg.serviceName(r),
		Code: code, Email: email, CSRF: token, Notice: notice, NoticeKind: "error"}
	return pg.render(status, v, extra...)
}

func (pg *approvalPage) unknownCode(r *Request, p *core.Principal) *Response {
	return pg.render(http.StatusNotFound, pageView{View: "enter", Title: "Unknown code", Service: pg.serviceName(r), Email: p.User.Email, CSRF: pg.api.csrfToken(p),
		Notice: "No login is waiting for this code. Check the code the command-line tool shows, or start the login again.", NoticeKind: "error"})
}

// confirm shows a pending challenge with Approve and Deny, or why it
// cannot be approved.
func (pg *approvalPage) confirm(r *Request, p *core.Principal, code string, status int, notice string) *Response {
	c, err := pg.api.svc.DescribeCLIChallenge(r.Context, p, code, pg.api.Meta(r))
	if errors.Is(err, core.ErrChallengeNotFound) {
		return pg.unknownCode(r, p)
	}
	if err != nil {
		return pg.failure(r, err)
	}
	switch {
	case c.Status == core.ChallengeRejected:
		return pg.message(http.StatusNotFound, "Login denied", "This command-line login was denied. Start it again in the tool if that was a mistake.", "error")
	case c.Status != core.ChallengePending:
		return pg.message(http.StatusNotFound, "Code already used", "This code was already approved. Start a new login in the tool if you need one.", "error")
	case c.Expired:
		return pg.expired()
	}
	kind := ""
	if notice != "" {
		kind = "error"
	}
	return pg.render(status, pageView{
		View: "confirm", Title: "Approve a command-line login?", Notice: notice, NoticeKind: kind, Service: pg.serviceName(r),
		CSRF: pg.api.csrfToken(p), Code: c.Code, Email: p.User.Email,
		ClientIP: c.ClientIP, UserAgent: c.UserAgent,
		CreatedAt: c.CreatedAt.UTC().Format("2006-01-02 15:04:05 UTC"),
		ExpiresAt: c.ExpiresAt.UTC().Format("15:04:05 UTC"),
		TimeLeft:  timeLeft(c.TimeLeft),
	})
}

func (pg *approvalPage) expired() *Response {
	return pg.message(http.StatusGone, "Code expired", "This code has expired. Start the login again in the command-line tool.", "error")
}

// timeLeft formats d as "4 min 05 s".
func timeLeft(d time.Duration) string {
	s := max(int(d/time.Second), 0)
	return fmt.Sprintf("%d min %02d s", s/60, s%60)
}

// submit is POST.
func (pg *approvalPage) submit(r *Request) *Response {
	if r.Headers.Get("Sec-Fetch-Site") == "cross-site" {
		return pg.message(http.StatusForbidden, "Request refused", "This form was sent from another site. Open the approval page directly.", "error")
	}
	f, resp := parseForm(r)
	if resp != nil {
		return pg.message(http.StatusBadRequest, "Bad request", "The form could not be read.", "error")
	}
	code, ok := normalizeCode(f["code"])
	if !ok {
		code = ""
	}
	switch f["action"] {
	case "login":
		return pg.login(r, f, code)
	case "approve", "deny", "logout":
	default:
		return pg.message(http.StatusBadRequest, "Bad request", "Unknown action.", "error")
	}
	p, resp := pg.principal(r)
	if resp != nil {
		return resp
	}
	if p == nil {
		return pg.signIn(r, http.StatusUnauthorized, code, "", "Your session has ended. Sign in again.")
	}
	if !pg.api.csrfValid(p, f["csrf_token"]) {
		if code == "" {
			return pg.message(http.StatusForbidden, "Request refused", "The form was out of date. Reload the page and try again.", "error")
		}
		return pg.confirm(r, p, code, http.StatusForbidden, "The form was out of date; nothing was changed. Check the details and try again.")
	}
	meta := pg.api.Meta(r)
	switch f["action"] {
	case "logout":
		if err := pg.api.svc.Logout(r.Context, p, meta); err != nil {
			return pg.failure(r, err)
		}
		return pg.redirect(code, pg.session.clear())
	case "approve":
		if code == "" {
			return pg.unknownCode(r, p)
		}
		if err := pg.api.svc.ApproveCLIChallenge(r.Context, p, code, meta); err != nil {
			return pg.challengeError(r, p, err)
		}
		return pg.message(http.StatusOK, "Command-line login approved",
			"The command-line tool is now signed in as "+p.User.Email+". You can close this window and return to the terminal.", "ok")
	default: // deny
		if code == "" {
			return pg.unknownCode(r, p)
		}
		if err := pg.api.svc.RejectCLIChallenge(r.Context, p, code, meta); err != nil {
			return pg.challengeError(r, p, err)
		}
		return pg.message(http.StatusOK, "Command-line login denied",
			"The command-line tool was not signed in. If you did not start this login, someone may have tried to trick you; you can ignore it.", "ok")
	}
}

// challengeError explains a failed approve or deny.
func (pg *approvalPage) challengeError(r *Request, p *core.Principal, err error) *Response {
	switch {
	case errors.Is(err, core.ErrChallengeExpired):
		return pg.expired()
	case errors.Is(err, core.ErrChallengeNotFound):
		return pg.message(http.StatusNotFound, "Code not usable", "This code is unknown, was already used, or was denied. Start the login again in the command-line tool.", "error")
	case errors.Is(err, core.ErrForbidden):
		return pg.message(http.StatusForbidden, "Not allowed", "This session cannot approve command-line logins. Sign in with your own account.", "error")
	}
	return pg.failure(r, err)
}

// login is the sign-in POST: double-submit CSRF check, then the password
// login; on success the session cookie is set and the browser sent back to
// the page (303).
func (pg *approvalPage) login(r *Request, f form, code string) *Response {
	cookie := pg.csrf.read(r)
	if !validRandomToken(cookie) || subtle.ConstantTimeCompare([]byte(cookie), []byte(f["csrf_token"])) != 1 {
		return pg.signIn(r, http.StatusForbidden, code, f["email"], "The sign-in form was out of date, or your browser blocks cookies for this page. Try again.")
	}
	email, password := f["email"], f["password"]
	if email == "" || password == "" {
		return pg.signIn(r, http.StatusBadRequest, code, email, "Enter your email and password.")
	}
	sess, err := pg.api.svc.Login(r.Context, email, password, pg.api.Meta(r))
	if err != nil {
		var ce *core.Error
		switch {
		case errors.Is(err, core.ErrBadCredentials):
			return pg.signIn(r, http.StatusBadRequest, code, email, "Wrong email or password.")
		case errors.Is(err, core.ErrUserNotVerified):
			return pg.signIn(r, http.StatusBadRequest, code, email, "Verify your email address before you sign in.")
		case errors.As(err, &ce) && ce.Code == core.CodeTooManyRequests:
			resp := pg.signIn(r, http.StatusTooManyRequests, code, email, "Too many attempts. Wait a moment and try again.")
			resp.Headers = append(resp.Headers, retryAfterHeader(ce.RetryAfter))
			return resp
		}
		return pg.failure(r, err)
	}
	return pg.redirect(code, pg.session.set(sess.AccessToken))
}

// randomToken is a fresh double-submit value: 32 random bytes, base64url.
func randomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// validRandomToken reports whether s looks like a randomToken.
func validRandomToken(s string) bool {
	if len(s) != 43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}

// serviceName is what the page calls this service: Config.ServiceName, else
// the host the browser asked for, when it looks like a host name.
func (pg *approvalPage) serviceName(r *Request) string {
	if pg.service != "" {
		return pg.service
	}
	if h := r.Host; isHostName(h) {
		return h
	}
	return "this service"
}

// isHostName reports whether h is a plausible host[:port]: letters,
// digits, dots, dashes, colons and the brackets of an IPv6 literal.
func isHostName(h string) bool {
	if h == "" || len(h) > 261 {
		return false
	}
	for _, c := range h {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.ContainsRune(".-:[]", c):
		default:
			return false
		}
	}
	return true
}
