package bench

import (
	"context"
	"net"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	fiberauth "github.com/zincware/zndraw-auth-go/adapters/fiber"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/httpapi"
)

// FiberServer is the fiber adapter's measured server.
type FiberServer struct {
	// App serves every route; benchmarks call its handler in-process.
	App *fiber.App
}

// NewFiber mounts the kit and the measured routes on a fiber app
// configured with the kit's AppConfig.
func NewFiber(svc *core.Service) (*FiberServer, error) {
	kit, err := fiberauth.New(httpapi.Config{Service: svc})
	if err != nil {
		return nil, err
	}
	app := fiber.New(kit.AppConfig(fiber.Config{DisableStartupMessage: true}))
	kit.Mount(app)
	hello := func(c *fiber.Ctx) error {
		_, _ = fiberauth.UserFromContext(c)
		c.Set(fiber.HeaderContentType, "text/plain")
		return c.Send(HelloBody)
	}
	app.Get(ProtectedPath, kit.RequireUser(), hello)
	app.Get(UnprotectedPath, hello)
	return &FiberServer{App: app}, nil
}

// Serve serves on ln until Shutdown.
func (s *FiberServer) Serve(ln net.Listener) error { return s.App.Listener(ln) }

// Shutdown stops Serve.
func (s *FiberServer) Shutdown(ctx context.Context) error { return s.App.ShutdownWithContext(ctx) }

// ServeFast measures one in-process request to the fasthttp handler h: GET
// path with token as bearer, answered with status 200 (fiber's app.Test
// goes through a pipe connection per request, which would blur the
// middleware's own cost).
func ServeFast(h fasthttp.RequestHandler, path, token string) func(*testing.B) {
	return func(b *testing.B) {
		var req fasthttp.Request
		req.Header.SetMethod(fasthttp.MethodGet)
		req.SetRequestURI(path)
		req.Header.Set("Authorization", "Bearer "+token)
		var ctx fasthttp.RequestCtx
		ctx.Init(&req, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}, nil)
		b.ReportAllocs()
		for b.Loop() {
			// fasthttp resets both between two requests of a connection; the
			// user values carry fiber's user context, which would otherwise
			// grow by one layer per iteration.
			ctx.Response.Reset()
			ctx.ResetUserValues()
			h(&ctx)
			if s := ctx.Response.StatusCode(); s != fasthttp.StatusOK {
				b.Fatalf("GET %s: status %d", path, s)
			}
		}
	}
}
