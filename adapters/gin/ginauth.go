package ginauth

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/zincware/zndraw-auth-go/httpapi"
)

// Kit is the gin adapter.
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

// Mount registers every endpoint on r (a *gin.Engine or a group, whose base
// path is prepended) for all methods gin's Any knows; the route table
// answers 405 itself. Paths are the configured httpapi.Config.Prefixes with
// gin's :name parameters.
func (k *Kit) Mount(r gin.IRouter) {
	for _, ep := range k.api.Endpoints() {
		r.Any(httpapi.ColonPath(ep.Path), k.handler(ep))
	}
}

func (k *Kit) handler(ep httpapi.Endpoint) gin.HandlerFunc {
	return func(c *gin.Context) {
		r := c.Request
		req := newRequest(c)
		if r.Body != nil && r.Body != http.NoBody {
			body, err := io.ReadAll(http.MaxBytesReader(c.Writer, r.Body, k.api.MaxBodyBytes()))
			var tooBig *http.MaxBytesError
			switch {
			case errors.As(err, &tooBig):
				req.BodyTooLarge = true
			case err != nil:
				// The client went away mid-body; nobody reads the answer.
				c.AbortWithStatus(http.StatusBadRequest)
				return
			}
			req.Body = body
		}
		Write(c, ep.Handle(req))
	}
}

// newRequest presents c to the route table, without the body.
func newRequest(c *gin.Context) *httpapi.Request {
	r := c.Request
	return &httpapi.Request{
		Context:    r.Context(),
		Method:     r.Method,
		PathValue:  c.Param,
		Query:      c.GetQuery,
		Header:     r.Header.Get,
		RemoteAddr: r.RemoteAddr,
	}
}

// Write sends a shared-layer response: its headers, status and body, as
// is (gin adds no Content-Type of its own). A header of the response
// replaces one of the same name set earlier; a name repeated in the
// response (Set-Cookie) is sent as often as it appears.
func Write(c *gin.Context, resp *httpapi.Response) {
	h := c.Writer.Header()
	for i, hd := range resp.Headers {
		if repeated(resp.Headers[:i], hd.Name) {
			h.Add(hd.Name, hd.Value)
		} else {
			h.Set(hd.Name, hd.Value)
		}
	}
	c.Status(resp.Status)
	if len(resp.Body) > 0 {
		_, _ = c.Writer.Write(resp.Body)
		return
	}
	c.Writer.WriteHeaderNow()
}

// repeated reports whether name occurs in hs (case-insensitively).
func repeated(hs []httpapi.Header, name string) bool {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return true
		}
	}
	return false
}

// NotFoundHandler answers {"detail":"Not Found"} like the reference; use it
// as the engine's NoRoute handler for the same 404 body on unknown paths.
func NotFoundHandler() gin.HandlerFunc {
	return func(c *gin.Context) { Write(c, httpapi.NotFound()) }
}
