package httpapi_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"

	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
	"github.com/zincware/zndraw-auth-go/httpapi"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// A host route ported from a zndraw endpoint that used
// current_user_scoped_session: its 401s keep that dependency's details.
func ExampleAPI_AuthenticateScoped() {
	svc, err := core.New(memstore.New(), core.DefaultSettings(),
		core.WithHasher(password.New(password.TestParams)), core.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		panic(err)
	}
	defer svc.Close() // stops the memory store's change-feed subscription
	kit, err := nethttpauth.New(httpapi.Config{Service: svc})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	kit.Mount(mux)
	mux.HandleFunc("GET /jobs/wait", func(w http.ResponseWriter, r *http.Request) {
		p, resp := kit.AuthenticateScoped(r.Context(), r.Header.Get("Authorization"))
		if resp != nil {
			nethttpauth.Write(w, resp)
			return
		}
		fmt.Fprintf(w, "jobs of %s", p.User.Email)
	})

	for _, authorization := range []string{"", "Bearer not-a-valid-jwt"} {
		req := httptest.NewRequest(http.MethodGet, "/jobs/wait", nil)
		req.Header.Set("Authorization", authorization)
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		fmt.Println(rec.Code, rec.Body.String())
	}
	// Output:
	// 401 {"detail":"Not authenticated"}
	// 401 {"detail":"Invalid token"}
}
