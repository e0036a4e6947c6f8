package nethttpauth_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/httpapi"
)

// A host route that answers like the kit's own routes: the Content-Type and
// Cache-Control of httpapi.JSON replace what a host middleware set before,
// and the host's cookie is kept.
func ExampleWrite() {
	status := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		nethttpauth.Write(w, httpapi.JSON(http.StatusOK, map[string]string{"status": "ok"}))
	})
	hostDefaults := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Header().Set("Cache-Control", "public, max-age=60")
			w.Header().Add("Set-Cookie", "theme=dark")
			next.ServeHTTP(w, r)
		})
	}

	rec := httptest.NewRecorder()
	hostDefaults(status).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/status", nil))
	fmt.Println(rec.Code, rec.Body)
	fmt.Println(rec.Header()["Content-Type"], rec.Header()["Cache-Control"], rec.Header()["Set-Cookie"])
	// Output:
	// 200 {"status":"ok"}
	// [application/json] [no-store] [theme=dark]
}
