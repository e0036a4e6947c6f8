// Package nethttpauth mounts the zndraw-auth routes on a net/http router
// (http.ServeMux or anything with the same Handle method) and offers
// middleware of the shape func(http.Handler) http.Handler for the three
// access levels. The middleware stores the caller in the request's
// context, where core.UserFromContext and core.PrincipalFromContext read
// it.
//
//	kit, err := nethttpauth.New(httpapi.Config{Service: svc})
//	if err != nil {
//		return err
//	}
//	mux := http.NewServeMux()
//	kit.Mount(mux)
//	mux.Handle("GET /protected", kit.RequireUser(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
//		user, _ := core.UserFromContext(r.Context())
//		fmt.Fprintf(w, "Hello %s!", user.Email)
//	})))
//	mux.Handle("/", nethttpauth.NotFoundHandler())
//
// Every route, status code, error body and validation rule lives in the
// transport-neutral package httpapi, shared with the gin and fiber
// adapters, so all three answer byte for byte alike. The client address is
// the connection's (Request.RemoteAddr): X-Forwarded-For is honoured only
// for the proxies in httpapi.Config.TrustedProxies.
package nethttpauth

import (
	"net/http"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/httpapi"
)

// Router is what Mount needs: http.ServeMux (Go 1.22 patterns) satisfies it.
type Router interface {
	Handle(pattern string, handler http.Handler)
}

// Kit is the net/http adapter: the shared route table (its methods, such
// as Service and AuthenticateRequest, are the Kit's) plus the net/http
// glue.
type Kit struct{ *httpapi.API }

// New builds the adapter from an httpapi.Config.
func New(cfg httpapi.Config) (*Kit, error) {
	return httpapi.NewAdapter(cfg, func(api *httpapi.API) *Kit { return &Kit{api} })
}

// Mount registers every endpoint on r, each path for all methods (the route
// table answers 405 itself). Patterns use ServeMux's {name} wildcards.
func (k *Kit) Mount(r Router) {
	for _, ep := range k.Endpoints() {
		r.Handle(ep.Path, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			k.HandleHTTP(w, req, ep, req.PathValue)
		}))
	}
}

// Write sends a response of the shared layer (httpapi.JSON, for one):
// host routes answer like the kit's own. A header of the response replaces
// one of the same name set earlier (a host's Content-Type or Cache-Control),
// except Set-Cookie, which is added next to the host's cookies; a name
// repeated in the response is sent as often as it appears.
func Write(w http.ResponseWriter, resp *httpapi.Response) { httpapi.WriteHTTP(w, resp) }

// NotFoundHandler answers {"detail":"Not Found"} like the reference; mount
// it at "/" for the same 404 body on unknown paths.
func NotFoundHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { Write(w, httpapi.NotFound()) })
}

// RequireUser lets only requests with a valid token of an active user
// through (current_active_user); others get 401 (403 for an unverified user
// when core.Settings.RequireVerification is set, or for a session cookie
// that fails the CSRF check; 503 when the store is down).
func (k *Kit) RequireUser(next http.Handler) http.Handler {
	return k.middleware(core.AccessActive, next)
}

// RequireSuperuser lets only active superusers through (current_superuser):
// 401 without a valid token, 403 for other users and impersonation tokens.
func (k *Kit) RequireSuperuser(next http.Handler) http.Handler {
	return k.middleware(core.AccessSuperuser, next)
}

// OptionalUser resolves the user when a valid token is present and lets
// every other request through as anonymous (current_optional_user). A store
// outage still answers 503, and a session cookie that fails the CSRF check
// (httpapi.CookieConfig) 403.
func (k *Kit) OptionalUser(next http.Handler) http.Handler {
	return k.middleware(core.AccessOptional, next)
}

func (k *Kit) middleware(access core.Access, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, refusal := k.Guard(httpapi.HTTPRequest(r, r.PathValue), access)
		if refusal != nil {
			Write(w, refusal)
			return
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
