// Package nethttpauth mounts the zndraw-auth routes on a net/http router
// (http.ServeMux or anything with the same Handle method) and offers
// middleware of the shape func(http.Handler) http.Handler for the three
// access levels.
//
//	kit, err := nethttpauth.New(httpapi.Config{Service: svc})
//	mux := http.NewServeMux()
//	kit.Mount(mux)
//	mux.Handle("GET /protected", kit.RequireUser(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
//		user, _ := nethttpauth.UserFromContext(r.Context())
//		fmt.Fprintf(w, "Hello %s!", user.Email)
//	})))
package nethttpauth

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/httpapi"
)

// Router is what Mount needs: http.ServeMux (Go 1.22 patterns) satisfies it.
type Router interface {
	Handle(pattern string, handler http.Handler)
}

// Kit is the net/http adapter.
type Kit struct {
	api *httpapi.API
}

// New builds the adapter from an httpapi.Config.
func New(cfg httpapi.Config) (*Kit, error) {
	api, err := httpapi.New(cfg)
	if err != nil {
		return nil, err
	}
	return &Kit{api: api}, nil
}

// API returns the shared route table.
func (k *Kit) API() *httpapi.API { return k.api }

// Mount registers every endpoint on r, each path for all methods (the route
// table answers 405 itself). Patterns use ServeMux's {name} wildcards.
func (k *Kit) Mount(r Router) {
	for _, ep := range k.api.Endpoints() {
		r.Handle(ep.Path, k.handler(ep))
	}
}

// newRequest translates r, without its body.
func newRequest(r *http.Request) *httpapi.Request {
	req := &httpapi.Request{
		Context:    r.Context(),
		Method:     r.Method,
		PathValue:  r.PathValue,
		Header:     r.Header.Get,
		RemoteAddr: r.RemoteAddr,
	}
	var query url.Values
	req.Query = func(name string) (string, bool) {
		if query == nil {
			query = r.URL.Query()
		}
		v, ok := query[name]
		if !ok || len(v) == 0 {
			return "", false
		}
		return v[0], true
	}
	return req
}

func (k *Kit) handler(ep httpapi.Endpoint) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := newRequest(r)
		if r.Body != nil && r.Body != http.NoBody {
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, k.api.MaxBodyBytes()))
			var tooBig *http.MaxBytesError
			switch {
			case errors.As(err, &tooBig):
				req.BodyTooLarge = true
			case err != nil:
				// The client went away mid-body; nobody reads the answer.
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			req.Body = body
		}
		Write(w, ep.Handle(req))
	})
}

// Write sends a shared-layer response. Repeated header names (Set-Cookie)
// are all sent.
func Write(w http.ResponseWriter, resp *httpapi.Response) {
	h := w.Header()
	for _, hd := range resp.Headers {
		h.Add(hd.Name, hd.Value)
	}
	w.WriteHeader(resp.Status)
	if len(resp.Body) > 0 {
		_, _ = w.Write(resp.Body)
	}
}

// NotFoundHandler answers {"detail":"Not Found"} like the reference; mount
// it at "/" of a server that serves only the kit for the same 404 body on
// unknown paths.
func NotFoundHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { Write(w, httpapi.NotFound()) })
}

type ctxKey struct{}

// RequireUser lets only requests with a valid token of an active user
// through (current_active_user); others get 401 (or 503 when the store is
// down).
func (k *Kit) RequireUser(next http.Handler) http.Handler {
	return k.middleware(core.AccessActive, next)
}

// RequireSuperuser lets only active superusers through (current_superuser):
// 401 without a valid token, 403 for other users and impersonation tokens.
func (k *Kit) RequireSuperuser(next http.Handler) http.Handler {
	return k.middleware(core.AccessSuperuser, next)
}

// OptionalUser resolves the user when a valid token is present and lets
// every request through (current_optional_user).
func (k *Kit) OptionalUser(next http.Handler) http.Handler {
	return k.middleware(core.AccessOptional, next)
}

func (k *Kit) middleware(access core.Access, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The bearer token, or the cookie (with its CSRF check) when the
		// cookie transport is on: host routes answer like the kit's own.
		p, resp := k.api.AuthenticateRequest(newRequest(r), access)
		if resp != nil {
			Write(w, resp)
			return
		}
		if p != nil {
			r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, p))
		}
		next.ServeHTTP(w, r)
	})
}

// PrincipalFromContext returns the authenticated principal stored by the
// middleware.
func PrincipalFromContext(ctx context.Context) (*core.Principal, bool) {
	p, ok := ctx.Value(ctxKey{}).(*core.Principal)
	return p, ok
}

// UserFromContext returns the authenticated user stored by the middleware;
// false for anonymous requests through OptionalUser.
func UserFromContext(ctx context.Context) (*core.User, bool) {
	p, ok := PrincipalFromContext(ctx)
	if !ok {
		return nil, false
	}
	return &p.User, true
}
