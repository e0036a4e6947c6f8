package httpapi

import (
	"fmt"
	"net/http"
	"runtime/debug"
	"sort"
	"strings"
)

// route is one method of an endpoint.
type route struct {
	method string
	handle func(*Request) *Response
}

func onPost(h func(*Request) *Response) route   { return route{http.MethodPost, h} }
func onGet(h func(*Request) *Response) route    { return route{http.MethodGet, h} }
func onPatch(h func(*Request) *Response) route  { return route{http.MethodPatch, h} }
func onDelete(h func(*Request) *Response) route { return route{http.MethodDelete, h} }

// endpoint builds the Endpoint of path: method dispatch with a JSON 405,
// the body limit (413), and a last-resort panic handler (a generic 500 and a
// log line; the server keeps running).
func (a *API) endpoint(path string, routes ...route) Endpoint {
	methods := make([]string, len(routes))
	for i, rt := range routes {
		methods[i] = rt.method
	}
	handle := func(r *Request) (resp *Response) {
		defer func() {
			if v := recover(); v != nil {
				a.log.ErrorContext(r.Context, "zndraw-auth: panic in handler", "path", path, "method", r.Method,
					"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				resp = internalError()
			}
		}()
		for _, rt := range routes {
			if rt.method == r.Method {
				if r.BodyTooLarge {
					return tooLarge()
				}
				return rt.handle(r)
			}
		}
		return methodNotAllowed(methods)
	}
	return Endpoint{Path: path, Methods: methods, Handle: handle}
}

func (a *API) buildEndpoints() []Endpoint {
	p, g := a.prefixes, a.groups
	var eps []Endpoint
	add := func(on bool, path string, routes ...route) {
		if on {
			eps = append(eps, a.endpoint(path, routes...))
		}
	}
	add(g.JWT, p.JWT+"/login", onPost(a.login))
	add(g.JWT, p.JWT+"/logout", onPost(a.logout))
	add(g.Register, p.Register+"/register", onPost(a.register))
	add(g.Reset, p.Reset+"/forgot-password", onPost(a.forgotPassword))
	add(g.Reset, p.Reset+"/reset-password", onPost(a.resetPassword))
	add(g.Verify, p.Verify+"/request-verify-token", onPost(a.requestVerify))
	add(g.Verify, p.Verify+"/verify", onPost(a.verifyUser))
	// DELETE /users/me is not a route of its own: as in the reference it
	// is DELETE /users/{id} with id "me" (401, 403, or 404 for a superuser).
	add(g.Users, p.Users+"/me", onGet(a.getMe), onPatch(a.patchMe), onDelete(a.deleteMe))
	add(g.Users, p.Users+"/{id}", onGet(a.getUser), onPatch(a.patchUser), onDelete(a.deleteUser))
	add(g.CLILogin, p.CLILogin, onPost(a.cliCreate))
	add(g.CLILogin, p.CLILogin+"/{code}", onGet(a.cliPoll), onPatch(a.cliApprove), onDelete(a.cliReject))
	add(g.Admin, p.Admin+"/users/{user_id}/token", onPost(a.adminToken))
	eps = append(eps, a.extraEndpoints()...)
	// Static segments before parameters, so routers that match in
	// registration order (fiber) pick /users/me over /users/{id}.
	sort.SliceStable(eps, func(i, j int) bool {
		return !strings.Contains(eps[i].Path, "{") && strings.Contains(eps[j].Path, "{")
	})
	return eps
}

// ColonPath converts the route table's {name} parameters to the :name form
// of routers such as gin and fiber ("/users/{id}" → "/users/:id").
func ColonPath(p string) string {
	var b strings.Builder
	for {
		open := strings.IndexByte(p, '{')
		if open < 0 {
			b.WriteString(p)
			return b.String()
		}
		end := strings.IndexByte(p[open:], '}')
		if end < 0 {
			b.WriteString(p)
			return b.String()
		}
		b.WriteString(p[:open])
		b.WriteByte(':')
		b.WriteString(p[open+1 : open+end])
		p = p[open+end+1:]
	}
}
