package ginauth

import (
	"github.com/gin-gonic/gin"

	"github.com/zincware/zndraw-auth-go/httpapi"
)

// Kit is the gin adapter: the shared route table (its methods, such as
// Service and AuthenticateRequest, are the Kit's) plus the gin glue.
type Kit struct{ *httpapi.API }

// New builds the adapter from an httpapi.Config.
func New(cfg httpapi.Config) (*Kit, error) {
	return httpapi.NewAdapter(cfg, func(api *httpapi.API) *Kit { return &Kit{api} })
}

// Mount registers every endpoint on r (a *gin.Engine or a group, whose base
// path is prepended) for all methods gin's Any knows; the route table
// answers 405 itself. Paths are the configured httpapi.Config.Prefixes with
// gin's :name parameters.
func (k *Kit) Mount(r gin.IRouter) {
	for _, ep := range k.Endpoints() {
		r.Any(httpapi.ColonPath(ep.Path), func(c *gin.Context) { k.HandleHTTP(c.Writer, c.Request, ep, c.Param) })
	}
}

// Write sends a response of the shared layer (httpapi.JSON, for one):
// host routes answer like the kit's own. A header of the response replaces
// one of the same name set earlier; a name repeated in the response
// (Set-Cookie) is sent as often as it appears.
func Write(c *gin.Context, resp *httpapi.Response) {
	httpapi.WriteHTTP(c.Writer, resp)
	c.Writer.WriteHeaderNow()
}

// NotFoundHandler answers {"detail":"Not Found"} like the reference; use it
// as the engine's NoRoute handler for the same 404 body on unknown paths.
func NotFoundHandler() gin.HandlerFunc {
	return func(c *gin.Context) { Write(c, httpapi.NotFound()) }
}
