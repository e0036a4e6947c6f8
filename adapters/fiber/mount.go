package fiberauth

import (
	"bytes"
	"io"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/zincware/zndraw-auth-go/httpapi"
)

// Mount registers every endpoint on r (a *fiber.App or a group, whose
// prefix is prepended) for all methods (router.All); the route table
// answers 405 itself. Paths are the configured httpapi.Config.Prefixes with
// fiber's :name parameters, static paths first.
func (k *Kit) Mount(r fiber.Router) {
	for _, ep := range k.Endpoints() {
		r.All(httpapi.ColonPath(ep.Path), k.handler(ep))
	}
}

func (k *Kit) handler(ep httpapi.Endpoint) fiber.Handler {
	return func(c *fiber.Ctx) error {
		req := newRequest(c)
		body, tooLarge, err := readBody(c, k.MaxBodyBytes())
		if err != nil {
			// The client went away mid-body; nobody reads the answer.
			return c.SendStatus(fiber.StatusBadRequest)
		}
		req.Body, req.BodyTooLarge = body, tooLarge
		return Write(c, ep.Handle(req))
	}
}

// newRequest presents c to the route table, without the body. Every
// string it hands out is a copy: fasthttp reuses its buffers after the
// handler returns.
func newRequest(c *fiber.Ctx) *httpapi.Request {
	fr := c.Request()
	return &httpapi.Request{
		Context:    c.UserContext(),
		Method:     strings.Clone(c.Method()),
		PathValue:  func(name string) string { return pathValue(c, name) },
		Headers:    (*headers)(&fr.Header),
		Host:       string(fr.Host()),
		RemoteAddr: c.Context().RemoteAddr().String(),
		// net/http's parser, for the same answer to odd query strings
		// (";", bad escapes, repeated keys).
		Query: httpapi.QueryFunc(string(fr.URI().QueryString())),
	}
}

// headers are fasthttp's request headers as httpapi.Headers. Every value
// is a copy: fasthttp reuses its buffers after the handler returns.
type headers fasthttp.RequestHeader

// Get returns a copy of the first value of name.
func (h *headers) Get(name string) string { return string((*fasthttp.RequestHeader)(h).Peek(name)) }

// Values copies every field line of name, in order (nil when there is
// none).
func (h *headers) Values(name string) []string {
	all := (*fasthttp.RequestHeader)(h).PeekAll(name)
	if len(all) == 0 {
		return nil
	}
	out := make([]string, len(all))
	for i, v := range all {
		out[i] = string(v)
	}
	return out
}

// readBody returns a copy of the request body as sent (no Content-Encoding
// decoding), or tooLarge when it is longer than limit.
func readBody(c *fiber.Ctx, limit int64) (body []byte, tooLarge bool, err error) {
	fr := c.Request()
	if fr.IsBodyStream() {
		// StreamRequestBody: read no more than one byte past the limit.
		b, err := io.ReadAll(io.LimitReader(fr.BodyStream(), limit+1))
		if err != nil {
			return nil, false, err
		}
		if int64(len(b)) > limit {
			// The rest of the body is still on the wire: close the
			// connection after the answer rather than read it as the next
			// request (net/http does the same).
			c.Context().SetConnectionClose()
			return nil, true, nil
		}
		if len(b) == 0 {
			return nil, false, nil
		}
		return b, false, nil
	}
	raw := fr.Body()
	if int64(len(raw)) > limit {
		return nil, true, nil
	}
	if len(raw) == 0 {
		return nil, false, nil
	}
	return bytes.Clone(raw), false, nil
}

// pathValue returns a copy of path parameter name, decoded once like
// net/http's PathValue: fiber routes on the raw path and leaves parameters
// escaped unless the app sets UnescapePath.
func pathValue(c *fiber.Ctx, name string) string {
	v := c.Params(name)
	if strings.IndexByte(v, '%') >= 0 && !c.App().Config().UnescapePath {
		if dec, err := url.PathUnescape(v); err == nil {
			return dec
		}
	}
	return strings.Clone(v)
}
