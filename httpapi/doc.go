// Package httpapi is the transport-neutral HTTP layer of the kit: the route
// table of zndraw-auth with its input decoding, FastAPI's 422 shape, the
// evaluation order (authentication before body validation) and the error →
// status/detail mapping, written once. The adapters (net/http, gin, fiber)
// only translate their framework's request into a Request, call the
// Endpoint, and write the Response.
//
// # For users of an adapter
//
// Config is what every adapter's New takes: the Service, and optionally the
// mount points (Prefixes), the routers to mount (Groups), the body limit,
// the trusted proxies, the cookie transport, the CLI approval page and the
// OpenAPI document (see ExampleConfig). For your own routes, JSON and
// NewUserRead build answers that look like the kit's, for the adapter's
// Write.
//
// # For adapter authors
//
// An adapter builds its Kit with NewAdapter and sends every request for an
// Endpoint's path to that Endpoint, whatever the method, so that the
// Endpoint answers 405 itself: it registers the path for all methods, or
// for the Endpoint's Methods and routes the others to it (gin's adapter
// does that through NoMethod). ColonPath converts {name} parameters for
// routers that use :name. The adapter presents each request as a Request
// (HTTPRequest and HandleHTTP do it all for routers on net/http; QueryFunc
// parses a raw query the same way), writes Responses with
// Response.WriteHeaders' single header rule, and implements its middleware
// with API.Guard. Nothing else: every decision about a request is made here
// or in core.
package httpapi
