package matrix

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/gofiber/fiber/v2"

	fiberauth "github.com/zincware/zndraw-auth-go/adapters/fiber"
	ginauth "github.com/zincware/zndraw-auth-go/adapters/gin"
	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/httpapi"
	"github.com/zincware/zndraw-auth-go/internal/fibertest"
	"github.com/zincware/zndraw-auth-go/internal/kittest"
)

// adapter is one adapter under test: serve mounts the kit built from cfg,
// with the suite's demo routes, on a real loopback server and returns its
// base URL. The server stops when t ends.
type adapter struct {
	name  string
	serve func(t *testing.T, cfg httpapi.Config) string
}

// adapters are the three adapters, each in the idiom of its framework.
var adapters = []adapter{
	{"nethttp", serveNetHTTP},
	{"gin", serveGin},
	{"fiber", serveFiber},
}

func init() { gin.SetMode(gin.TestMode) }

// The demo routes' bodies (conformance package documentation).
func helloBody(email string) map[string]string {
	return map[string]string{"message": fmt.Sprintf("Hello %s!", email)}
}

type optionalBody struct {
	User *httpapi.UserRead `json:"user"`
}

func serveNetHTTP(t *testing.T, cfg httpapi.Config) string {
	kit, err := nethttpauth.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	kit.Mount(mux)
	hello := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, _ := core.UserFromContext(r.Context())
		nethttpauth.Write(w, httpapi.JSON(http.StatusOK, helloBody(user.Email)))
	})
	mux.Handle("GET /protected", kit.RequireUser(hello))
	mux.Handle("GET /protected/preset-headers", kittest.PresetHeaders(kit.RequireUser(hello)))
	mux.Handle("GET /protected/superuser", kit.RequireSuperuser(hello))
	mux.Handle("GET /protected/optional", kit.OptionalUser(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body optionalBody
		if u, ok := core.UserFromContext(r.Context()); ok {
			ur := httpapi.NewUserRead(*u)
			body.User = &ur
		}
		nethttpauth.Write(w, httpapi.JSON(http.StatusOK, body))
	})))
	mux.Handle("/", nethttpauth.NotFoundHandler())
	return serveHandler(t, mux)
}

func serveGin(t *testing.T, cfg httpapi.Config) string {
	kit, err := ginauth.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	r.RedirectTrailingSlash = false
	kit.Mount(r)
	hello := func(c *gin.Context) {
		user, _ := ginauth.UserFromContext(c)
		ginauth.Write(c, httpapi.JSON(http.StatusOK, helloBody(user.Email)))
	}
	r.GET("/protected", kit.RequireUser(), hello)
	r.GET("/protected/preset-headers", func(c *gin.Context) {
		c.Header("Content-Type", "text/plain; charset=utf-8")
		c.Header("Cache-Control", "public, max-age=60")
	}, kit.RequireUser(), hello)
	r.GET("/protected/superuser", kit.RequireSuperuser(), hello)
	r.GET("/protected/optional", kit.OptionalUser(), func(c *gin.Context) {
		var body optionalBody
		if u, ok := ginauth.UserFromContext(c); ok {
			ur := httpapi.NewUserRead(*u)
			body.User = &ur
		}
		ginauth.Write(c, httpapi.JSON(http.StatusOK, body))
	})
	r.NoRoute(ginauth.NotFoundHandler())
	return serveHandler(t, r)
}

func serveFiber(t *testing.T, cfg httpapi.Config) string {
	kit, err := fiberauth.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New(kit.AppConfig(fiber.Config{
		// net/http's header limit, for the 100 KB Authorization header of
		// the hostile table.
		ReadBufferSize:        http.DefaultMaxHeaderBytes,
		DisableStartupMessage: true,
	}))
	kit.Mount(app)
	hello := func(c *fiber.Ctx) error {
		user, _ := fiberauth.UserFromContext(c)
		return fiberauth.Write(c, httpapi.JSON(http.StatusOK, helloBody(user.Email)))
	}
	app.Get("/protected", kit.RequireUser(), hello)
	app.Get("/protected/preset-headers", func(c *fiber.Ctx) error {
		c.Set("Content-Type", "text/plain; charset=utf-8")
		c.Set("Cache-Control", "public, max-age=60")
		return c.Next()
	}, kit.RequireUser(), hello)
	app.Get("/protected/superuser", kit.RequireSuperuser(), hello)
	app.Get("/protected/optional", kit.OptionalUser(), func(c *fiber.Ctx) error {
		var body optionalBody
		if u, ok := fiberauth.UserFromContext(c); ok {
			ur := httpapi.NewUserRead(*u)
			body.User = &ur
		}
		return fiberauth.Write(c, httpapi.JSON(http.StatusOK, body))
	})
	app.Use(fiberauth.NotFoundHandler())
	return fibertest.Serve(t, app)
}

// serveHandler serves h on a loopback httptest server until t ends.
func serveHandler(t *testing.T, h http.Handler) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}
