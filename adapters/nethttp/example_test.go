package nethttpauth_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"

	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/client"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
	"github.com/zincware/zndraw-auth-go/httpapi"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// The kit's routes and a host route behind RequireUser on an
// http.ServeMux; the handler reads the caller from the request's context.
func Example() {
	svc, err := core.New(memstore.New(), core.DefaultSettings(),
		core.WithHasher(password.New(password.TestParams)), // cheap hashing: for the example only
		core.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		panic(err)
	}
	defer svc.Close() // stops the memory store's change-feed subscription
	kit, err := nethttpauth.New(httpapi.Config{Service: svc})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	kit.Mount(mux) // /auth/jwt/login, /auth/register, /users/me, ...
	mux.Handle("GET /hello", kit.RequireUser(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, _ := core.UserFromContext(r.Context())
		fmt.Fprintf(w, "Hello %s!", user.Email)
	})))
	mux.Handle("/", nethttpauth.NotFoundHandler()) // {"detail":"Not Found"}
	srv := httptest.NewServer(mux)
	defer srv.Close()

	ctx := context.Background()
	c := client.New(srv.URL)
	if _, err := c.Register(ctx, "alice@example.com", "correct-horse"); err != nil {
		panic(err)
	}
	token, err := c.Login(ctx, "alice@example.com", "correct-horse")
	if err != nil {
		panic(err)
	}
	for _, bearer := range []string{"", token} {
		req, _ := http.NewRequest("GET", srv.URL+"/hello", nil)
		req.Header.Set("Authorization", "Bearer "+bearer)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(resp.StatusCode, string(body))
	}
	// Output:
	// 401 {"detail":"Unauthorized"}
	// 200 Hello alice@example.com!
}
