package conformance_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"testing"

	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/conformance"
	"github.com/zincware/zndraw-auth-go/core"
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

// Check is the runner behind the CLI: against a deployment with the kit's
// default rate limits it takes at most half of each per-address limit and
// reports what it took (the example only compiles, it does not run).
func ExampleCheck() {
	target := conformance.Target{
		BaseURL:       "https://auth.example.com",
		AdminEmail:    "admin@example.com",
		AdminPassword: "admin-password",
		// Mode and Limits are found out at setup when left empty.
	}
	sum := conformance.Check(context.Background(), target, conformance.Options{
		Start:  func(id string, n, total int) { fmt.Printf("[%d/%d] %s\n", n, total, id) },
		Report: func(r conformance.Result) { fmt.Println(r.Status, r.ID, r.Message) },
	})
	fmt.Println(sum.Passed, "passed,", sum.Failed, "failed,", sum.Skipped, "skipped")
	fmt.Println("taken from this address's limits:", conformance.FormatBudget(sum.Budget))
}

// ParseLimits reads the CLI's -limits value: "off", "default" or changes
// to the kit's defaults.
func ExampleParseLimits() {
	l, err := conformance.ParseLimits("register=20,login=30")
	if err != nil {
		panic(err)
	}
	fmt.Println(l)
	// Output: login 30/min, register 20/h, forgot-password 30/h, request-verify-token 30/h, cli-login 120/h, reset-password 30/h, email-change 20/h, cli-code 30/h, failed logins 100/h per account (10 for each of 5 familiar sources, 50 shared), mails 5/h per address, email changes 5/h per user, CLI code failures 10/h per user, CLI poll interval 1s
}

// WithSettings turns the kit's default rate limits on for an in-process
// run: the suite then plans against half of each limit and waits for their
// windows by moving the test clock.
func ExampleWithSettings() {
	testConformanceWithLimits := func(t *testing.T) {
		svc, _, _, target := conformance.NewTestService(t, conformance.ModeProduction, memstore.New(),
			conformance.WithSettings(func(s *core.Settings) { s.RateLimit = core.DefaultSettings().RateLimit }))
		_ = svc // mount it on your adapter and set target.Handler, as in the Run example
		conformance.Run(t, target)
	}
	_ = testConformanceWithLimits
}
