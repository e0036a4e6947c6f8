package bench

import (
	"context"
	"net"

	"github.com/zincware/zndraw-auth-go/core"
)

// The routes of every measured server.
const (
	// ProtectedPath serves Hello behind the adapter's RequireUser.
	ProtectedPath = "/protected"
	// UnprotectedPath serves the same handler without authentication.
	UnprotectedPath = "/unprotected"
	// LoginPath is the kit's login route (form fields username, password).
	LoginPath = "/auth/jwt/login"
)

// HelloBody is what the measured handler answers on both routes.
var HelloBody = []byte("hello\n")

// Server is one framework's server of the measured routes and the kit's
// own routes.
type Server interface {
	// Serve serves on ln until Shutdown.
	Serve(ln net.Listener) error
	// Shutdown stops Serve.
	Shutdown(ctx context.Context) error
}

// Adapter builds the measured server of one framework.
type Adapter struct {
	// Name is the adapter's name in tables and benchmark names.
	Name string
	// New returns a server of the kit's routes plus ProtectedPath and
	// UnprotectedPath, which serve the same handler, once behind the
	// adapter's RequireUser and once not.
	New func(svc *core.Service) (Server, error)
}

// Adapters are the adapters measured.
var Adapters = []Adapter{
	{Name: "net/http", New: func(svc *core.Service) (Server, error) { return NewNetHTTP(svc) }},
	{Name: "gin", New: func(svc *core.Service) (Server, error) { return NewGin(svc) }},
	{Name: "fiber", New: func(svc *core.Service) (Server, error) { return NewFiber(svc) }},
}

// AdapterByName returns the adapter called name.
func AdapterByName(name string) (Adapter, bool) {
	for _, a := range Adapters {
		if a.Name == name {
			return a, true
		}
	}
	return Adapter{}, false
}
