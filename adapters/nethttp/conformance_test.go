package nethttpauth_test

import (
	"net/http"
	"testing"

	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/conformance"
	"github.com/zincware/zndraw-auth-go/httpapi"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// TestConformance runs the shared HTTP conformance suite against the
// net/http adapter on the memory store, in production and in dev mode.
func TestConformance(t *testing.T) {
	for _, mode := range []conformance.Mode{conformance.ModeProduction, conformance.ModeDev} {
		t.Run(string(mode), func(t *testing.T) {
			svc, _, _, target := conformance.NewTestService(t, mode, memstore.New())
			kit, err := nethttpauth.New(httpapi.Config{Service: svc})
			if err != nil {
				t.Fatal(err)
			}
			target.Handler = demoServer(kit)
			conformance.Run(t, target)
		})
	}
}

// demoServer mounts the kit and the suite's demo routes, which stand for a
// host application's own routes behind the adapter's middleware.
func demoServer(kit *nethttpauth.Kit) http.Handler {
	mux := http.NewServeMux()
	kit.Mount(mux)
	mux.Handle("GET /protected", kit.RequireUser(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, _ := nethttpauth.UserFromContext(r.Context())
		nethttpauth.Write(w, httpapi.JSON(http.StatusOK, map[string]string{"message": "Hello " + user.Email + "!"}))
	})))
	mux.Handle("GET /protected/superuser", kit.RequireSuperuser(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := nethttpauth.PrincipalFromContext(r.Context())
		nethttpauth.Write(w, httpapi.JSON(http.StatusOK, map[string]any{"user": httpapi.NewUserRead(p.User)}))
	})))
	mux.Handle("GET /protected/optional", kit.OptionalUser(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			User *httpapi.UserRead `json:"user"`
		}
		if user, ok := nethttpauth.UserFromContext(r.Context()); ok {
			u := httpapi.NewUserRead(*user)
			body.User = &u
		}
		nethttpauth.Write(w, httpapi.JSON(http.StatusOK, body))
	})))
	mux.Handle("/", nethttpauth.NotFoundHandler())
	return mux
}
