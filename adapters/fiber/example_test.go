package fiberauth_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"

	"github.com/gofiber/fiber/v2"

	fiberauth "github.com/zincware/zndraw-auth-go/adapters/fiber"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
	"github.com/zincware/zndraw-auth-go/httpapi"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// A fiber app with the kit's routes and a host route open to everyone that
// greets the caller when a valid token comes along (OptionalUser).
func Example() {
	logger := slog.New(slog.DiscardHandler)
	hasher := password.New(password.TestParams) // cheap hashing: for the example only
	svc, err := core.New(memstore.New(), core.DefaultSettings(), core.WithHasher(hasher), core.WithLogger(logger))
	if err != nil {
		panic(err)
	}
	defer svc.Close() // stops the memory store's change-feed subscription
	// The login routes under /session instead of /auth/jwt.
	kit, err := fiberauth.New(httpapi.Config{Service: svc, Prefixes: httpapi.Prefixes{JWT: "/session"}, Logger: logger})
	if err != nil {
		panic(err)
	}
	app := fiber.New(kit.AppConfig(fiber.Config{DisableStartupMessage: true}))
	kit.Mount(app)
	app.Get("/greeting", kit.OptionalUser(), func(c *fiber.Ctx) error {
		if user, ok := fiberauth.UserFromContext(c); ok {
			return c.SendString("Hello " + user.Email + "!")
		}
		return c.SendString("Hello stranger!")
	})
	app.Use(fiberauth.NotFoundHandler()) // last: {"detail":"Not Found"}

	send := func(method, path, ctype, body, token string) string {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := app.Test(req, -1)
		if err != nil {
			panic(err)
		}
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	send("POST", "/auth/register", "application/json", `{"email":"carol@example.com","password":"carol-password"}`, "")
	login := send("POST", "/session/login", "application/x-www-form-urlencoded", "username=carol@example.com&password=carol-password", "")
	token := strings.Split(login, `"`)[3] // {"access_token":"<token>","token_type":"bearer"}

	fmt.Println(send("GET", "/greeting", "", "", ""))
	fmt.Println(send("GET", "/greeting", "", "", token))
	fmt.Println(send("GET", "/nowhere", "", "", ""))
	// Output:
	// Hello stranger!
	// Hello carol@example.com!
	// {"detail":"Not Found"}
}
