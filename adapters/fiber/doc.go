// Package fiberauth mounts the zndraw-auth routes on a fiber v2 router (a
// *fiber.App or any group) and offers fiber middleware for the three access
// levels of zndraw-auth: active user, superuser, optional user.
//
// It is a thin translation layer: every route, status code, error body and
// validation rule lives in the transport-neutral package httpapi, shared
// with the net/http and gin adapters, so all three answer byte for byte
// alike. Requests are served natively on fasthttp; nothing is converted to
// net/http.
//
//	kit, err := fiberauth.New(httpapi.Config{Service: svc})
//	if err != nil {
//		return err
//	}
//	app := fiber.New(kit.AppConfig(fiber.Config{})) // routing and limits as in net/http
//	kit.Mount(app)                                 // /auth/jwt/login, /users/me, ...
//	app.Get("/protected", kit.RequireUser(), func(c *fiber.Ctx) error {
//		user, _ := fiberauth.UserFromContext(c)
//		return c.JSON(fiber.Map{"message": "Hello " + user.Email + "!"})
//	})
//	app.Use(fiberauth.NotFoundHandler())           // last: {"detail":"Not Found"} for unknown paths
//
// # App settings
//
// Some fiber defaults differ from net/http's ServeMux; Kit.AppConfig sets
// what the kit needs (StrictRouting, CaseSensitive, no UnescapePath,
// DisablePreParseMultipartForm, a BodyLimit of at least the kit's
// MaxBodyBytes) and documents why. Two more settings are worth knowing:
//
//   - BodyLimit (default 4 MiB) is enforced by fasthttp before the kit sees
//     the request: bodies beyond it get fasthttp's plain-text 413 and a
//     closed connection. Keep it at least httpapi.Config.MaxBodyBytes
//     (default 1 MiB); bodies between the two limits get the kit's JSON 413.
//   - ReadBufferSize (default 4096) bounds the request line and headers:
//     larger requests (a long token, many cookies) get fasthttp's 431.
//     net/http's default limit is 1 MiB.
//
// Path parameters reach the kit decoded exactly once with either
// UnescapePath value, but with UnescapePath fiber decodes "+" to a space
// (query rules), unlike net/http; AppConfig turns it off.
//
// Request bodies are read as sent (Content-Encoding is not decoded, as in
// net/http), and everything the kit keeps from a request is copied out of
// fasthttp's reused buffers. The client address is the connection's peer,
// not fiber's IP(): X-Forwarded-For is honoured only for the proxies in
// httpapi.Config.TrustedProxies.
package fiberauth
