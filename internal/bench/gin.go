package bench

import (
	"context"
	"net"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	ginauth "github.com/zincware/zndraw-auth-go/adapters/gin"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/httpapi"
)

// GinServer is the gin adapter's measured server.
type GinServer struct {
	// Engine serves every route; benchmarks call it in-process.
	Engine *gin.Engine
	srv    *http.Server
}

// NewGin mounts the kit and the measured routes on a bare gin.Engine
// (release mode, no logger or recovery middleware, so that the
// unprotected route is as cheap as gin gets).
func NewGin(svc *core.Service) (*GinServer, error) {
	kit, err := ginauth.New(httpapi.Config{Service: svc})
	if err != nil {
		return nil, err
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	kit.Mount(r)
	hello := func(c *gin.Context) {
		_, _ = ginauth.UserFromContext(c)
		c.Data(http.StatusOK, "text/plain", HelloBody)
	}
	r.GET(ProtectedPath, kit.RequireUser(), hello)
	r.GET(UnprotectedPath, hello)
	return &GinServer{Engine: r, srv: &http.Server{Handler: r, ReadHeaderTimeout: 10 * time.Second}}, nil
}

// Serve serves on ln until Shutdown.
func (s *GinServer) Serve(ln net.Listener) error {
	err := s.srv.Serve(ln)
	if err == http.ErrServerClosed {
		return nil
	}
	return err
}

// Shutdown stops Serve.
func (s *GinServer) Shutdown(ctx context.Context) error { return s.srv.Shutdown(ctx) }
