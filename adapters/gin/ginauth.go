package ginauth

import (
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/zincware/zndraw-auth-go/httpapi"
)

// Kit is the gin adapter: the shared route table (its methods, such as
// Service and AuthenticateRequest, are the Kit's) plus the gin glue.
type Kit struct {
	*httpapi.API

	mu      sync.RWMutex
	mounted []mounted // every endpoint at its full path, for NoMethodHandler
}

// mounted is an endpoint at the path it was mounted on, split in segments.
type mounted struct {
	segments []string
	ep       httpapi.Endpoint
}

// New builds the adapter from an httpapi.Config.
func New(cfg httpapi.Config) (*Kit, error) {
	return httpapi.NewAdapter(cfg, func(api *httpapi.API) *Kit { return &Kit{API: api} })
}

// Mount registers every endpoint on r (a *gin.Engine or a group, whose base
// path is prepended) for the methods it serves, so gin's debug mode prints
// one line per route. Paths are the configured httpapi.Config.Prefixes
// with gin's :name parameters.
//
// Other methods on the kit's paths get the kit's JSON 405 through gin's
// NoMethod machinery. Mounted on the *gin.Engine itself, Mount sets that up:
// it turns on the engine's HandleMethodNotAllowed and sets NoMethodHandler
// as its NoMethod handler (a wrong method on one of your own routes then
// gets gin's plain 405 instead of the NoRoute 404). Mounted on a group, do
// the same once on the engine:
//
//	engine.HandleMethodNotAllowed = true
//	engine.NoMethod(kit.NoMethodHandler())
//
// (without it, those requests get your NoRoute answer, a 404).
func (k *Kit) Mount(r gin.IRouter) {
	base := "/"
	if b, ok := r.(interface{ BasePath() string }); ok {
		base = b.BasePath()
	}
	for _, ep := range k.Endpoints() {
		h := func(c *gin.Context) { k.HandleHTTP(c.Writer, c.Request, ep, c.Param) }
		for _, m := range ep.Methods {
			r.Handle(m, httpapi.ColonPath(ep.Path), h)
		}
		k.mu.Lock()
		k.mounted = append(k.mounted, mounted{segments: splitPath(strings.TrimSuffix(base, "/") + ep.Path), ep: ep})
		k.mu.Unlock()
	}
	if e, ok := r.(*gin.Engine); ok {
		e.HandleMethodNotAllowed = true
		e.NoMethod(k.NoMethodHandler())
	}
}

// NoMethodHandler answers a request that gin's HandleMethodNotAllowed
// routed to NoMethod: on a path of the kit, the kit's endpoint answers (its
// JSON 405 {"detail":"Method Not Allowed"} with the endpoint's Allow);
// other paths get gin's default 405.
func (k *Kit) NoMethodHandler() gin.HandlerFunc {
	return func(c *gin.Context) {
		ep, params, ok := k.match(c.Request.URL.Path)
		if !ok {
			return
		}
		k.HandleHTTP(c.Writer, c.Request, ep, func(name string) string { return params[name] })
		c.Abort()
	}
}

// match finds the mounted endpoint whose path matches path, static paths
// first (the order of Endpoints), with its path parameters.
func (k *Kit) match(path string) (httpapi.Endpoint, map[string]string, bool) {
	segs := splitPath(path)
	k.mu.RLock()
	defer k.mu.RUnlock()
	for _, m := range k.mounted {
		if len(m.segments) != len(segs) {
			continue
		}
		params := map[string]string{}
		ok := true
		for i, s := range m.segments {
			if name, isParam := strings.CutPrefix(s, "{"); isParam && segs[i] != "" {
				params[strings.TrimSuffix(name, "}")] = segs[i]
			} else if s != segs[i] {
				ok = false
				break
			}
		}
		if ok {
			return m.ep, params, true
		}
	}
	return httpapi.Endpoint{}, nil, false
}

func splitPath(p string) []string { return strings.Split(strings.TrimPrefix(p, "/"), "/") }

// Write sends a response of the shared layer (httpapi.JSON, for one):
// host routes answer like the kit's own. A header of the response replaces
// one of the same name set earlier (a host's Content-Type or Cache-Control),
// except Set-Cookie, which is added next to the host's cookies; a name
// repeated in the response is sent as often as it appears.
func Write(c *gin.Context, resp *httpapi.Response) {
	httpapi.WriteHTTP(c.Writer, resp)
	c.Writer.WriteHeaderNow()
}

// NotFoundHandler answers {"detail":"Not Found"} like the reference; use it
// as the engine's NoRoute handler for the same 404 body on unknown paths.
func NotFoundHandler() gin.HandlerFunc {
	return func(c *gin.Context) { Write(c, httpapi.NotFound()) }
}
