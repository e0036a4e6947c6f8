package fiberauth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/zincware/zndraw-auth-go/httpapi"
)

// Kit is the fiber adapter: the shared route table (its methods, such as
// Service and AuthenticateRequest, are the Kit's) plus the fiber glue.
type Kit struct{ *httpapi.API }

// New builds the adapter from an httpapi.Config.
func New(cfg httpapi.Config) (*Kit, error) {
	return httpapi.NewAdapter(cfg, func(api *httpapi.API) *Kit { return &Kit{api} })
}

// Write sends a response of the shared layer (httpapi.JSON, for one):
// host routes answer like the kit's own. A header of the response replaces
// one of the same name set earlier (a host's Content-Type or Cache-Control),
// except Set-Cookie, which is added next to the host's cookies; a name
// repeated in the response is sent as often as it appears. fasthttp's default
// Content-Type is turned off, so a response without one (204) has none, as
// in net/http.
func Write(c *fiber.Ctx, resp *httpapi.Response) error {
	fresp := c.Response()
	fresp.Header.SetNoDefaultContentType(true)
	resp.WriteHeaders(fresp.Header.Set, fresp.Header.Add)
	fresp.SetStatusCode(resp.Status)
	if len(resp.Body) > 0 {
		fresp.SetBodyRaw(resp.Body)
	} else {
		fresp.ResetBody()
	}
	return nil
}

// NotFoundHandler answers {"detail":"Not Found"} like the reference;
// register it last with app.Use for the same 404 body on unknown paths.
func NotFoundHandler() fiber.Handler {
	return func(c *fiber.Ctx) error { return Write(c, httpapi.NotFound()) }
}
