package ginauth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/gin-gonic/gin"

	ginauth "github.com/zincware/zndraw-auth-go/adapters/gin"
	"github.com/zincware/zndraw-auth-go/adapters/internal/adaptertest"
	"github.com/zincware/zndraw-auth-go/core"
)

func init() { gin.SetMode(gin.ReleaseMode) }

// TestAdapter runs the behaviour every adapter shares. gin's own
// client-IP handling (ClientIP, trusted proxies) must not matter.
func TestAdapter(t *testing.T) {
	adaptertest.Run(t, func(t *testing.T, a adaptertest.App) string {
		kit, err := ginauth.New(a.Config)
		if err != nil {
			t.Fatal(err)
		}
		r := gin.New()
		r.RedirectTrailingSlash = false
		r.Use(func(c *gin.Context) {
			c.Header("Content-Type", adaptertest.PresetContentType)
			c.Header("Cache-Control", adaptertest.PresetCacheControl)
			c.Header("Set-Cookie", adaptertest.PresetCookie)
			c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), adaptertest.HostKey{}, adaptertest.HostValue))
		})
		var group gin.IRouter = r
		if a.Prefix != "" {
			group = r.Group(a.Prefix)
			// Mounted on a group, the kit's 405s need the engine's
			// NoMethod machinery (on the engine, Mount sets it up).
			r.HandleMethodNotAllowed = true
			r.NoMethod(kit.NoMethodHandler())
		}
		group.GET("/healthz", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
		kit.Mount(group)
		teapot := func(c *gin.Context) {
			native, fromContext := "", ""
			if u, ok := ginauth.UserFromContext(c); ok {
				native = u.Email
			}
			if u, ok := core.UserFromContext(c.Request.Context()); ok {
				fromContext = u.Email
			}
			if a.Seen != nil {
				a.Seen(native, fromContext)
			}
			c.Status(http.StatusTeapot)
		}
		r.GET("/user", kit.RequireUser(), teapot)
		r.GET("/super", kit.RequireSuperuser(), teapot)
		r.GET("/optional", kit.OptionalUser(), teapot)
		r.GET("/write/:i", func(c *gin.Context) {
			i, _ := strconv.Atoi(c.Param("i"))
			ginauth.Write(c, adaptertest.WriteCases()[i].Resp)
		})
		r.NoRoute(ginauth.NotFoundHandler())
		srv := httptest.NewServer(r)
		t.Cleanup(srv.Close)
		return srv.URL
	})
}
