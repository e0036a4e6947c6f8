package conformance_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"testing"

	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/conformance"
	"github.com/zincware/zndraw-auth-go/httpapi"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// Run is how a test of yours runs the whole suite against your wiring of
// the kit in process: a Service from NewTestService on your store, your
// adapter and router, one subtest per case. Put the function below in a
// _test.go file as func TestConformance(t *testing.T).
func ExampleRun() {
	testConformance := func(t *testing.T) {
		svc, _, _, target := conformance.NewTestService(t, conformance.ModeProduction, memstore.New())
		kit, err := nethttpauth.New(httpapi.Config{Service: svc})
		if err != nil {
			t.Fatal(err)
		}
		mux := http.NewServeMux()
		kit.Mount(mux)
		mux.Handle("/", nethttpauth.NotFoundHandler())
		target.Handler = mux
		target.DemoRoutes = false // this router has no demo routes
		conformance.Run(t, target)
	}
	_ = testConformance
}

// RunAll checks a live deployment over HTTP, as the zndraw-auth-conformance
// command does; here the login cases against a local server (the example
// only compiles, it does not run).
func ExampleRunAll() {
	target := conformance.Target{
		BaseURL:       "http://127.0.0.1:8000",
		Mode:          conformance.ModeProduction,
		AdminEmail:    "admin@example.com",
		AdminPassword: "admin-password",
	}
	passed, failed, skipped := conformance.RunAll(context.Background(), target, regexp.MustCompile(`^A`),
		func(r conformance.Result) { fmt.Println(r.Status, r.ID, r.Message) })
	fmt.Println(passed, "passed,", failed, "failed,", skipped, "skipped")
}
