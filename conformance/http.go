package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"sync"
	"time"

	"github.com/zincware/zndraw-auth-go/httpapi"
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
}

// response is what came back.
type response struct {
	Status int
	Header http.Header
	Body   []byte
	desc   string // method and path, for messages
}

func (r *response) String() string {
	return fmt.Sprintf("%s → %d %s", r.desc, r.Status, snippet(r.Body))
}

var secretQuery = regexp.MustCompile(`secret=[^&]*`)

// describe names a request in messages, without secrets.
func describe(method, path string) string {
	if len(path) > 120 {
		path = path[:120] + "…"
	}
	return method + " " + secretQuery.ReplaceAllString(path, "secret=…")
}

func snippet(b []byte) string {
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
	resp, err := c.s.t.Client.Do(hr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", describe(req.method, req.path), err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s: reading the answer: %w", describe(req.method, req.path), err)
	}
	r := &response{Status: resp.StatusCode, Header: resp.Header, Body: b, desc: describe(req.method, req.path)}
	c.checkInvariants(r, req.lax)
	return r, nil
}

// do is try that stops the case when the request cannot be made.
func (c *caseT) do(req request) *response {
	c.Helper()
	r, err := c.try(req)
	if err != nil {
		c.Fatalf("%v", err)
	}
	return r
}

// parallel runs f n times at once (released together) and returns the
// answers; requests that failed are reported and left nil.
func (c *caseT) parallel(n int, f func(i int) request) []*response {
	c.Helper()
	out := make([]*response, n)
	start := make(chan struct{})
	var ready, wg sync.WaitGroup
	for i := range n {
		ready.Add(1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := f(i)
			req.timeout = burstTimeout
			ready.Done()
			<-start
			r, err := c.try(req)
			if err != nil {
				c.Errorf("concurrent request %d: %v", i, err)
				return
			}
			out[i] = r
		}()
	}
	ready.Wait()
	close(start)
	wg.Wait()
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

// Exact bodies of the framework errors (CONTRACT §2).
const (
	bodyUnauthorized     = `{"detail":"Unauthorized"}`
	bodyForbidden        = `{"detail":"Forbidden"}`
	bodyNotFound         = `{"detail":"Not Found"}`
	bodyMethodNotAllowed = `{"detail":"Method Not Allowed"}`
)

// checkInvariants reports what no answer of the kit may do: answer 5xx,
// send a body that is not JSON or lacks Content-Type application/json, a 204
// with a body, a 401/403/405 with another body than the framework's, or a 422
// not in FastAPI's shape.
func (c *caseT) checkInvariants(r *response, lax bool) {
	if r.Status >= 500 {
		c.Errorf("%s: server error", r)
		return
	}
	if lax {
		return
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
	case http.StatusUnprocessableEntity:
		if _, err := validationItems(r.Body); err != nil {
			c.Errorf("%s: not FastAPI's 422 shape: %v", r, err)
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

// The demo routes (Target.DemoRoutes).
const (
	demoActive    = "/protected"
	demoSuperuser = "/protected/superuser"
	demoOptional  = "/protected/optional"
	demoPreset    = "/protected/preset-headers"
)
