package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/zincware/zndraw-auth-go/httpapi"
	"github.com/zincware/zndraw-auth-go/internal/barrier"
)

// request is one HTTP request of a case.
type request struct {
	method string
	path   string // path and query, relative to the base URL
	// token is sent as "Authorization: Bearer <token>" when non-empty.
	token string
	// authz, when non-nil, are the raw Authorization header values sent
	// instead of token (in order).
	authz []string
	// body is sent as is when non-nil, with Content-Type ctype (if set).
	body  []byte
	ctype string
	// chunked hides the body's length (Transfer-Encoding: chunked).
	chunked bool
	// timeout bounds the request (default requestTimeout).
	timeout time.Duration
	// lax marks requests whose answer may come from outside the kit (an
	// unknown path, a header limit of the HTTP server): only "no 5xx and
	// no dropped connection" is checked.
	lax bool
	// from, when set, is sent as X-Forwarded-For: the request comes from a
	// made-up address (Target.ForwardedFor) and spends that address's
	// budgets, not the suite's.
	from string
	// fixture marks newUser's registrations (for the accounting of cases).
	fixture bool
	// reserved: the budget was taken before (a concurrent burst).
	reserved bool
	// outage marks requests sent while the store is down: 503 is allowed.
	outage bool
	// expect429 marks a request the case expects may be refused with 429:
	// the runner leaves that answer to the case.
	expect429 bool
}

// response is what came back.
type response struct {
	Status int
	Header http.Header
	Body   []byte
	desc   string // the request, for messages
}

// String is the request and the answer on one line, without secrets:
// METHOD path [body] → status [Retry-After] body.
func (r *response) String() string {
	retry := ""
	if v := r.Header.Get("Retry-After"); v != "" {
		retry = " (Retry-After: " + v + ")"
	}
	return fmt.Sprintf("%s → %d%s %s", r.desc, r.Status, retry, snippet(r.Body))
}

var secretQuery = regexp.MustCompile(`secret=[^&]*`)

// describe names a request in messages, without secrets.
func describe(method, path string) string {
	if len(path) > 120 {
		path = path[:120] + "…"
	}
	return method + " " + secretQuery.ReplaceAllString(path, "secret=…")
}

// describeRequest is describe with the request's body (passwords and
// tokens masked) and, for a made-up client address, its X-Forwarded-For.
func describeRequest(req request) string {
	d := describe(req.method, req.path)
	if req.from != "" {
		d += " [X-Forwarded-For: " + req.from + "]"
	}
	if b := maskBody(req.body, req.ctype); b != "" {
		d += " " + b
	}
	return d
}

// secretFields are the body fields whose values messages never show.
var secretFields = map[string]bool{"password": true, "token": true, "client_secret": true}

// maskBody shortens a request body for messages and hides its secrets.
func maskBody(body []byte, ctype string) string {
	if len(body) == 0 {
		return ""
	}
	mt, _, _ := mime.ParseMediaType(ctype)
	switch mt {
	case "application/json":
		var m map[string]any
		if json.Unmarshal(body, &m) == nil && m != nil {
			for k, v := range m {
				if _, ok := v.(string); ok && secretFields[k] {
					m[k] = "…"
				}
			}
			b, _ := json.Marshal(m)
			return shorten(string(b), 160)
		}
	case "application/x-www-form-urlencoded":
		if v, err := url.ParseQuery(string(body)); err == nil {
			keys := slices.Sorted(maps.Keys(v))
			var parts []string
			for _, k := range keys {
				for _, val := range v[k] {
					if secretFields[k] {
						val = "…"
					} else {
						val = url.QueryEscape(val)
					}
					parts = append(parts, url.QueryEscape(k)+"="+val)
				}
			}
			return shorten(strings.Join(parts, "&"), 160)
		}
	}
	return fmt.Sprintf("<%d bytes of %s>", len(body), ctype)
}

func shorten(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func snippet(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// hideLength wraps a body so the client cannot know its length.
type hideLength struct{ io.Reader }

// try sends req and checks the invariants every answer of the kit obeys (see
// checkInvariants). It never stops the case, so goroutines may use it.
func (c *caseT) try(req request) (*response, error) {
	b := c.s.budgetOf(req)
	if b >= 0 && !req.reserved {
		if err := c.s.meter.acquire(c.Context(), b, 1); err != nil {
			return nil, err
		}
		c.count(b, 1, req.fixture)
	}
	r, err := c.send1(req)
	if b >= 0 && err == nil && !counted(b, req, r) {
		c.s.meter.refund(b)
		c.count(b, -1, req.fixture)
	}
	return r, err
}

// send1 sends one request and checks the invariants.
func (c *caseT) send1(req request) (*response, error) {
	var body io.Reader
	if req.body != nil {
		body = bytes.NewReader(req.body)
		if req.chunked {
			body = hideLength{body}
		}
	}
	timeout := req.timeout
	if timeout == 0 {
		timeout = requestTimeout
	}
	// Cleanups run after the case's context ended, so requests outlive it.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Context()), timeout)
	defer cancel()
	hr, err := http.NewRequestWithContext(ctx, req.method, c.s.t.BaseURL+req.path, body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", describe(req.method, req.path), err)
	}
	if req.ctype != "" {
		hr.Header.Set("Content-Type", req.ctype)
	}
	switch {
	case req.authz != nil:
		for _, v := range req.authz {
			hr.Header.Add("Authorization", v)
		}
	case req.token != "":
		hr.Header.Set("Authorization", "Bearer "+req.token)
	}
	if req.from != "" {
		hr.Header.Set("X-Forwarded-For", req.from)
	}
	resp, err := c.s.t.Client.Do(hr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", describe(req.method, req.path), err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s: reading the answer: %w", describe(req.method, req.path), err)
	}
	if d, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		c.s.mu.Lock()
		c.s.dateOffset = time.Until(d)
		c.s.mu.Unlock()
	}
	r := &response{Status: resp.StatusCode, Header: resp.Header, Body: b, desc: describeRequest(req)}
	c.checkInvariants(r, req)
	return r, nil
}

// do is try that stops the case when the request cannot be made, and
// skips it when the server refuses the suite's own address with 429 while
// the limits are on and the case did not ask for that: the budget was
// spent by others (see meter.refuse).
func (c *caseT) do(req request) *response {
	c.Helper()
	r, err := c.try(req)
	var eb errBudget
	switch {
	case errors.As(err, &eb):
		c.Skipf("stopped: %s", eb.msg)
	case err != nil:
		c.Fatalf("%v", err)
	}
	if b := c.s.budgetOf(req); b >= 0 && r.Status == http.StatusTooManyRequests && c.s.limits.Enabled && !req.expect429 {
		c.Skipf("stopped: %s", c.s.meter.refuse(b, r))
	}
	return r
}

// parallel runs f n times at once (released together) and returns the
// answers; requests that failed are reported and left nil. The budgets the
// burst draws on are taken before it starts (the case is skipped if they
// do not suffice).
func (c *caseT) parallel(n int, f func(i int) request) []*response {
	c.Helper()
	out := make([]*response, n)
	reqs := make([]request, n)
	var need spend
	for i := range n {
		reqs[i] = f(i)
		reqs[i].timeout = burstTimeout
		if b := c.s.budgetOf(reqs[i]); b >= 0 {
			need[b]++
			reqs[i].reserved = true
		}
	}
	for b, k := range need {
		if k == 0 {
			continue
		}
		if err := c.s.meter.acquire(c.Context(), budget(b), k); err != nil {
			c.Skipf("stopped: %v", err)
		}
		c.count(budget(b), k, false)
	}
	barrier.Run(n, func(i int) {
		r, err := c.try(reqs[i])
		if err != nil {
			c.Errorf("concurrent request %d: %v", i, err)
			return
		}
		out[i] = r
	})
	return out
}

// get sends a GET with an optional bearer token.
func (c *caseT) get(path, token string) *response {
	c.Helper()
	return c.do(request{method: "GET", path: path, token: token})
}

// send sends a request with a JSON body: v is JSON text when it is a string
// or []byte, nothing when nil, and is encoded otherwise.
func (c *caseT) send(method, path, token string, v any) *response {
	c.Helper()
	return c.do(request{method: method, path: path, token: token, body: jsonBody(v), ctype: ctypeFor(v)})
}

func ctypeFor(v any) string {
	if v == nil {
		return ""
	}
	return "application/json"
}

// jsonBody encodes v as send describes.
func jsonBody(v any) []byte {
	switch b := v.(type) {
	case nil:
		return nil
	case string:
		return []byte(b)
	case []byte:
		return b
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// form posts an application/x-www-form-urlencoded body.
func (c *caseT) form(path string, vals url.Values) *response {
	c.Helper()
	return c.do(request{method: "POST", path: path, body: []byte(vals.Encode()), ctype: "application/x-www-form-urlencoded"})
}

// Exact bodies of the framework errors (FastAPI's and fastapi-users').
const (
	bodyUnauthorized     = `{"detail":"Unauthorized"}`
	bodyForbidden        = `{"detail":"Forbidden"}`
	bodyNotFound         = `{"detail":"Not Found"}`
	bodyMethodNotAllowed = `{"detail":"Method Not Allowed"}`
)

// checkInvariants reports what no answer of the kit may do: answer 5xx
// (503 SERVICE_UNAVAILABLE only during an outage), send a body that is not
// JSON or lacks Content-Type application/json, lack Cache-Control:
// no-store, a 204 with a body, an error without {"detail": ...}, a
// 401/403/405 with another body than the framework's, a 405 without Allow,
// a 422 not in FastAPI's shape, or a 429 without Retry-After.
func (c *caseT) checkInvariants(r *response, req request) {
	if r.Status == http.StatusServiceUnavailable && req.outage {
		if string(r.Body) != detailBody("SERVICE_UNAVAILABLE") {
			c.Errorf("%s: a 503 body must be exactly %s", r, detailBody("SERVICE_UNAVAILABLE"))
		}
	} else if r.Status >= 500 {
		c.Errorf("%s: server error", r)
		return
	}
	if req.lax {
		return
	}
	if cc := r.Header.Values("Cache-Control"); len(cc) != 1 || cc[0] != "no-store" {
		c.Errorf("%s: Cache-Control %q, want exactly no-store (tokens and personal data stay out of caches)", r, cc)
	}
	if r.Status == http.StatusNoContent {
		if len(r.Body) != 0 {
			c.Errorf("%s: a 204 must have an empty body", r)
		}
		return
	}
	if len(r.Body) > 0 {
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "application/json" {
			c.Errorf("%s: Content-Type %q, want application/json", r, r.Header.Get("Content-Type"))
		}
		if !json.Valid(r.Body) {
			c.Errorf("%s: the body is not JSON", r)
			return
		}
	}
	if r.Status >= 400 {
		if keys, err := objectKeys(r.Body); err != nil || len(keys) != 1 || keys[0] != "detail" {
			c.Errorf("%s: an error body must be {\"detail\": ...} and nothing else", r)
			return
		}
	}
	switch r.Status {
	case http.StatusUnauthorized:
		if string(r.Body) != bodyUnauthorized {
			c.Errorf("%s: a 401 body must be exactly %s", r, bodyUnauthorized)
		}
	case http.StatusForbidden:
		if string(r.Body) != bodyForbidden {
			c.Errorf("%s: a 403 body must be exactly %s", r, bodyForbidden)
		}
	case http.StatusMethodNotAllowed:
		if string(r.Body) != bodyMethodNotAllowed {
			c.Errorf("%s: a 405 body must be exactly %s", r, bodyMethodNotAllowed)
		}
		if r.Header.Get("Allow") == "" {
			c.Errorf("%s: a 405 must name the allowed methods in Allow", r)
		}
	case http.StatusUnprocessableEntity:
		if _, err := validationItems(r.Body); err != nil {
			c.Errorf("%s: not FastAPI's 422 shape: %v", r, err)
		}
	case http.StatusTooManyRequests:
		if string(r.Body) != detailBody("TOO_MANY_REQUESTS") {
			c.Errorf("%s: a 429 body must be exactly %s", r, detailBody("TOO_MANY_REQUESTS"))
		}
		if n, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || n < 1 {
			c.Errorf("%s: a 429 must say when to retry: Retry-After in whole seconds, at least 1", r)
		}
	}
}

// paths builds the kit's URLs from the target's prefixes.
type paths struct{ httpapi.Prefixes }

func (c *caseT) p() paths { return paths{c.s.t.Prefixes} }

func (p paths) login() string           { return p.JWT + "/login" }
func (p paths) logout() string          { return p.JWT + "/logout" }
func (p paths) register() string        { return p.Register + "/register" }
func (p paths) forgot() string          { return p.Reset + "/forgot-password" }
func (p paths) reset() string           { return p.Reset + "/reset-password" }
func (p paths) requestVerify() string   { return p.Verify + "/request-verify-token" }
func (p paths) verify() string          { return p.Verify + "/verify" }
func (p paths) me() string              { return p.Users + "/me" }
func (p paths) user(id string) string   { return p.Users + "/" + id }
func (p paths) cli() string             { return p.CLILogin }
func (p paths) cliCode(c string) string { return p.CLILogin + "/" + c }
func (p paths) poll(code, secret string) string {
	return p.CLILogin + "/" + code + "?secret=" + url.QueryEscape(secret)
}
func (p paths) adminToken(id string) string { return p.Admin + "/users/" + id + "/token" }

// poll polls ch once, waiting first for the server's poll interval to pass
// since the suite's last poll of it when the limits are on.
func (c *caseT) poll(ch challenge) *response {
	c.Helper()
	s := c.s
	if iv := s.limits.CLIPollInterval; s.limits.Enabled && iv > 0 {
		s.mu.Lock()
		last, ok := s.polls[ch.Code]
		s.mu.Unlock()
		if ok {
			if err := s.sleep(c.Context(), last.Add(iv+50*time.Millisecond).Sub(s.now())); err != nil {
				c.Fatalf("%v", err)
			}
		}
	}
	r := c.get(c.p().poll(ch.Code, ch.Secret), "")
	s.mu.Lock()
	s.polls[ch.Code] = s.now()
	s.mu.Unlock()
	return r
}

// The demo routes (Target.DemoRoutes).
const (
	demoActive    = "/protected"
	demoSuperuser = "/protected/superuser"
	demoOptional  = "/protected/optional"
	demoPreset    = "/protected/preset-headers"
)
