package httpapi_test

import (
	"fmt"
	"log/slog"
	"net/netip"
	"strings"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/httpapi"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// A Config is what every adapter's New takes. This one mounts the users
// router under /accounts, leaves out the CLI login and admin routers,
// believes X-Forwarded-For only from the load balancer's network, and adds
// the CLI approval page and the OpenAPI document; Endpoints lists what an
// adapter then mounts.
func ExampleConfig() {
	svc, err := core.New(memstore.New(), core.DefaultSettings(), core.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		panic(err)
	}
	defer svc.Close() // stops the memory store's change-feed subscription
	groups := httpapi.AllGroups()
	groups.CLILogin, groups.Admin = false, false
	api, err := httpapi.New(httpapi.Config{
		Service:        svc,
		Prefixes:       httpapi.Prefixes{Users: "/accounts"},
		Groups:         &groups,
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
		ApprovalPage:   true,
		OpenAPI:        true,
	})
	if err != nil {
		panic(err)
	}
	for _, ep := range api.Endpoints() {
		fmt.Printf("%-34s %s\n", ep.Path, strings.Join(ep.Methods, " "))
	}
	// Output:
	// /auth/jwt/login                    POST
	// /auth/jwt/logout                   POST
	// /auth/register                     POST
	// /auth/forgot-password              POST
	// /auth/reset-password               POST
	// /auth/request-verify-token         POST
	// /auth/verify                       POST
	// /accounts/me                       GET PATCH DELETE
	// /auth/cli-login/approve            GET POST
	// /openapi.json                      GET
	// /accounts/{id}                     GET PATCH DELETE
}
