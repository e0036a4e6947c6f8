package httpapi

import (
	"errors"
	"io"
	"net/http"
	"net/url"
)

// The glue shared by the adapters built on net/http (net/http itself and
// gin): presenting an *http.Request to the route table, reading its body
// within the limit, and writing a Response. Fiber, on fasthttp, has its own.

// HTTPRequest presents r to the route table, without its body: method,
// headers, the query (parsed on first use), the peer address and the
// context. pathValue reads the router's path parameters (r.PathValue for
// http.ServeMux, c.Param for gin).
func HTTPRequest(r *http.Request, pathValue func(name string) string) *Request {
	return &Request{
		Context:    r.Context(),
		Method:     r.Method,
		PathValue:  pathValue,
		Query:      QueryFunc(r.URL.RawQuery),
		Headers:    r.Header,
		Host:       r.Host,
		RemoteAddr: r.RemoteAddr,
	}
}

// QueryFunc is a Request.Query over a raw query string, parsed with
// net/http's rules (url.ParseQuery: the first value of a repeated key,
// undecodable pairs skipped) on first use.
func QueryFunc(rawQuery string) func(name string) (string, bool) {
	var query url.Values
	return func(name string) (string, bool) {
		if query == nil {
			query, _ = url.ParseQuery(rawQuery)
		}
		v, ok := query[name]
		if !ok || len(v) == 0 {
			return "", false
		}
		return v[0], true
	}
}

// HandleHTTP serves r with the endpoint ep: it reads the body up to
// MaxBodyBytes (beyond, the endpoint answers 413 without looking at it),
// calls the endpoint and writes its response with WriteHTTP. A client that
// goes away mid-body gets a bare 400 nobody reads.
func (a *API) HandleHTTP(w http.ResponseWriter, r *http.Request, ep Endpoint, pathValue func(name string) string) {
	req := HTTPRequest(r, pathValue)
	if r.Body != nil && r.Body != http.NoBody {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, a.maxBody))
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			req.BodyTooLarge = true
		case err != nil:
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		req.Body = body
	}
	WriteHTTP(w, ep.Handle(req))
}

// WriteHTTP writes resp to w: its headers (see Response.WriteHeaders), the
// status, then the body.
func WriteHTTP(w http.ResponseWriter, resp *Response) {
	h := w.Header()
	resp.WriteHeaders(h.Set, h.Add)
	w.WriteHeader(resp.Status)
	if len(resp.Body) > 0 {
		_, _ = w.Write(resp.Body)
	}
}
