package ginauth_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"github.com/gin-gonic/gin"

	ginauth "github.com/zincware/zndraw-auth-go/adapters/gin"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
	"github.com/zincware/zndraw-auth-go/httpapi"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// The kit mounted under a route group, and a host route only superusers
// reach; the handler reads the caller with gin's accessor.
func Example() {
	settings := core.DefaultSettings()
	settings.DefaultAdminEmail = "admin@example.com" // production mode: new users are not superusers
	settings.DefaultAdminPassword = "admin-password"
	settings.SecretKey = "an example secret of at least thirty-two bytes"
	settings.ResetPasswordTokenSecret = "another example secret, thirty-two bytes or more"
	settings.VerificationTokenSecret = "a third example secret, thirty-two bytes or more"
	svc, err := core.New(memstore.New(), settings,
		core.WithHasher(password.New(password.TestParams)), // cheap hashing: for the example only
		core.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		panic(err)
	}
	defer svc.Close() // stops the memory store's change-feed subscription
	ctx := context.Background()
	if err := svc.EnsureDefaultAdmin(ctx); err != nil {
		panic(err)
	}
	kit, err := ginauth.New(httpapi.Config{Service: svc})
	if err != nil {
		panic(err)
	}

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.RedirectTrailingSlash = false
	kit.Mount(r.Group("/api")) // /api/auth/jwt/login, /api/users/me, ...
	r.GET("/admin/report", kit.RequireSuperuser(), func(c *gin.Context) {
		p, _ := ginauth.PrincipalFromContext(c)
		c.String(http.StatusOK, "report for %s", p.User.Email)
	})
	r.NoRoute(ginauth.NotFoundHandler())

	if _, err := svc.Register(ctx, core.UserCreate{Email: "bob@example.com", Password: "bob-password"}, core.RequestMeta{}); err != nil {
		panic(err)
	}
	for _, who := range [][2]string{{"admin@example.com", "admin-password"}, {"bob@example.com", "bob-password"}} {
		sess, err := svc.Login(ctx, who[0], who[1], core.RequestMeta{})
		if err != nil {
			panic(err)
		}
		w := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/admin/report", nil)
		req.Header.Set("Authorization", "Bearer "+sess.AccessToken)
		r.ServeHTTP(w, req)
		fmt.Println(w.Code, w.Body)
	}
	// Output:
	// 200 report for admin@example.com
	// 403 {"detail":"Forbidden"}
}
