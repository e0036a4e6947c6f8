package conformance

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// OpenAPIMismatch is one response that does not match the OpenAPI
// document: an undocumented status, a body or header that does not
// validate against its schema, or an undocumented content type.
type OpenAPIMismatch struct {
	Method string
	// Path is the request path (not the document's template).
	Path   string
	Status int
	// Operation is the matched operation's path template.
	Operation string
	Err       string
}

// String is the mismatch on one line: request, status, operation, error.
func (m OpenAPIMismatch) String() string {
	return fmt.Sprintf("%s %s → %d (%s): %s", m.Method, m.Path, m.Status, m.Operation, m.Err)
}

// OpenAPIReport collects what WithOpenAPIValidation saw. It is safe for
// concurrent use.
type OpenAPIReport struct {
	mu         sync.Mutex
	checked    int
	mismatches []OpenAPIMismatch
	unmatched  map[string]int
}

// Checked is the number of responses validated against an operation.
func (r *OpenAPIReport) Checked() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.checked
}

// Mismatches returns the responses that did not match the document.
func (r *OpenAPIReport) Mismatches() []OpenAPIMismatch {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]OpenAPIMismatch(nil), r.mismatches...)
}

// Unmatched returns, with their counts, the requests ("METHOD /path") that
// match no operation of the document. The suite sends such requests on
// purpose (unknown paths, wrong methods, trailing slashes), so they are not
// mismatches.
func (r *OpenAPIReport) Unmatched() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]int, len(r.unmatched))
	for k, v := range r.unmatched {
		out[k] = v
	}
	return out
}

// String summarises the report, one line per mismatch.
func (r *OpenAPIReport) String() string {
	ms := r.Mismatches()
	var b strings.Builder
	fmt.Fprintf(&b, "%d responses checked against the OpenAPI document, %d mismatches, %d unmatched requests",
		r.Checked(), len(ms), len(r.Unmatched()))
	lines := make([]string, len(ms))
	for i, m := range ms {
		lines[i] = m.String()
	}
	sort.Strings(lines)
	for _, l := range lines {
		b.WriteString("\n  " + l)
	}
	return b.String()
}

// WithOpenAPIValidation returns target with its client wrapped so that
// every response is validated against doc (an OpenAPI 3 document in JSON
// or YAML, e.g. httpapi.API.OpenAPI()) with kin-openapi: the status must be
// documented for the operation, and headers and body must match their
// schemas. Mismatches are recorded in the report, never failed on: run the
// suite, then assert on report.Mismatches(). Requests that match no
// operation are counted in Unmatched.
//
// The target's Client is copied (or, when nil, made like the suite's
// default: no redirects followed) and its Transport wrapped.
func WithOpenAPIValidation(target Target, doc []byte) (Target, *OpenAPIReport, error) {
	loader := openapi3.NewLoader()
	spec, err := loader.LoadFromData(doc)
	if err != nil {
		return target, nil, fmt.Errorf("conformance: loading the OpenAPI document: %w", err)
	}
	router, err := legacy.NewRouter(spec)
	if err != nil {
		return target, nil, fmt.Errorf("conformance: OpenAPI document: %w", err)
	}
	registerTextDecoders()
	report := &OpenAPIReport{unmatched: map[string]int{}}
	var c http.Client
	if target.Client != nil {
		c = *target.Client
	} else {
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	base := c.Transport
	if base == nil {
		base = &http.Transport{MaxIdleConnsPerHost: 64}
	}
	c.Transport = &validatingTransport{base: base, router: router, report: report}
	target.Client = &c
	return target, report, nil
}

var textDecoders sync.Once

// registerTextDecoders lets kin-openapi read HTML bodies (the approval
// page) as strings; it knows JSON, forms and plain text by itself.
func registerTextDecoders() {
	textDecoders.Do(func() {
		if openapi3filter.RegisteredBodyDecoder("text/html") == nil {
			openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
		}
	})
}

// validatingTransport validates each response on its way back.
type validatingTransport struct {
	base   http.RoundTripper
	router routers.Router
	report *OpenAPIReport
}

// CloseIdleConnections forwards to the wrapped transport, so
// http.Client.CloseIdleConnections still works.
func (t *validatingTransport) CloseIdleConnections() {
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// RoundTrip sends req and validates the response.
func (t *validatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	route, params, ferr := t.router.FindRoute(req)
	for _, v := range params {
		if v == "" {
			// The router lets a path parameter match nothing
			// (/auth/cli-login against /auth/cli-login/{code}).
			ferr = errors.New("empty path parameter")
		}
	}
	if ferr != nil {
		t.report.mu.Lock()
		t.report.unmatched[req.Method+" "+req.URL.Path]++
		t.report.mu.Unlock()
		return resp, nil
	}
	body, rerr := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if rerr != nil {
		return resp, nil // the caller sees the short body
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route,
		},
		Status:  resp.StatusCode,
		Header:  resp.Header,
		Body:    io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	verr := openapi3filter.ValidateResponse(context.WithoutCancel(req.Context()), in)
	t.report.mu.Lock()
	defer t.report.mu.Unlock()
	t.report.checked++
	if verr != nil {
		t.report.mismatches = append(t.report.mismatches, OpenAPIMismatch{
			Method: req.Method, Path: req.URL.Path, Status: resp.StatusCode, Operation: route.Path, Err: errText(verr),
		})
	}
	return resp, nil
}

// errText flattens a validation error to one line.
func errText(err error) string {
	var me openapi3.MultiError
	if errors.As(err, &me) && len(me) > 0 {
		parts := make([]string, len(me))
		for i, e := range me {
			parts[i] = e.Error()
		}
		return strings.Join(parts, "; ")
	}
	return strings.Join(strings.Fields(err.Error()), " ")
}
