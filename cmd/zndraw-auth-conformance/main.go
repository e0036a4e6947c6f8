// Command zndraw-auth-conformance runs the kit's HTTP conformance suite
// against a live server and prints one line per case:
//
//	PASS Z26_cli_create (12ms)
//	FAIL A6_login_user (8ms): <message>
//	SKIP P9_reset_inactive: <reason>
//
// followed by "N passed, N failed, N skipped". It exits 1 if any case
// failed and 2 on bad flags. The server should run with
// ZNDRAW_AUTH_RATE_LIMIT_ENABLED=false.
//
//	zndraw-auth-conformance -base-url http://127.0.0.1:8000 \
//	    -admin-email admin@example.com -admin-password secret \
//	    [-mode production|dev] [-reset-verify] [-outbox FILE] \
//	    [-challenge-lifetime 3s] [-demo-routes] [-secret-key KEY] \
//	    [-run REGEX] [-json FILE]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"time"

	"github.com/zincware/zndraw-auth-go/conformance"
	"github.com/zincware/zndraw-auth-go/internal/version"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// report is the -json file.
type report struct {
	Results []jsonResult `json:"results"`
	Passed  int          `json:"passed"`
	Failed  int          `json:"failed"`
	Skipped int          `json:"skipped"`
}

type jsonResult struct {
	ID         string  `json:"id"`
	Name       string  `json:"name"`
	Status     string  `json:"status"`
	Message    string  `json:"message,omitempty"`
	DurationMS float64 `json:"duration_ms"`
}

// run is the command with its arguments and outputs; it returns the exit
// code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("zndraw-auth-conformance", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		target   conformance.Target
		mode     = fs.String("mode", string(conformance.ModeProduction), "server mode: production or dev")
		outbox   = fs.String("outbox", "", "JSON-lines file the server appends reset/verify tokens to (its -outbox flag)")
		jsonPath = fs.String("json", "", "write a machine-readable report to this file")
		runExpr  = fs.String("run", "", "run only the cases whose id matches this regular expression")
		showVer  = fs.Bool("version", false, "print the version and exit")
	)
	fs.StringVar(&target.BaseURL, "base-url", "", "server root, e.g. http://127.0.0.1:8000 (required)")
	fs.StringVar(&target.AdminEmail, "admin-email", "", "the configured default admin (production mode)")
	fs.StringVar(&target.AdminPassword, "admin-password", "", "the default admin's password (production mode)")
	fs.DurationVar(&target.ChallengeLifetime, "challenge-lifetime", 0, "the server's CLI challenge lifetime; expiry cases wait it out (skipped when 0)")
	fs.BoolVar(&target.ResetAndVerify, "reset-verify", false, "the reset-password and verify routers are mounted")
	fs.BoolVar(&target.DemoRoutes, "demo-routes", false, "the server has the demo routes GET /protected, /protected/superuser, /protected/optional and /protected/preset-headers")
	fs.StringVar(&target.SecretKey, "secret-key", "", "the server's ZNDRAW_AUTH_SECRET_KEY, to run the forged-token cases")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *showVer {
		fmt.Fprintln(stdout, version.Line("zndraw-auth-conformance"))
		return 0
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "unexpected arguments: %s\n", strings.Join(fs.Args(), " "))
		return 2
	}
	if target.BaseURL == "" {
		fmt.Fprintln(stderr, "-base-url is required")
		return 2
	}
	target.Mode = conformance.Mode(*mode)
	if *outbox != "" {
		target.Mailbox = conformance.OutboxFile(*outbox)
	}
	var filter *regexp.Regexp
	if *runExpr != "" {
		var err error
		if filter, err = regexp.Compile(*runExpr); err != nil {
			fmt.Fprintf(stderr, "-run: %v\n", err)
			return 2
		}
	}
	var results []jsonResult
	passed, failed, skipped := conformance.RunAll(ctx, target, filter, func(r conformance.Result) {
		switch r.Status {
		case conformance.StatusPassed:
			fmt.Fprintf(stdout, "PASS %s (%s)\n", r.ID, round(r.Duration))
		case conformance.StatusFailed:
			fmt.Fprintf(stdout, "FAIL %s (%s): %s\n", r.ID, round(r.Duration), oneLine(r.Message))
		default:
			fmt.Fprintf(stdout, "SKIP %s: %s\n", r.ID, oneLine(r.Message))
		}
		results = append(results, jsonResult{ID: r.ID, Name: r.Name, Status: r.Status, Message: r.Message,
			DurationMS: float64(r.Duration.Microseconds()) / 1000})
	})
	fmt.Fprintf(stdout, "%d passed, %d failed, %d skipped\n", passed, failed, skipped)
	if *jsonPath != "" {
		if results == nil {
			results = []jsonResult{}
		}
		b, _ := json.MarshalIndent(report{Results: results, Passed: passed, Failed: failed, Skipped: skipped}, "", "  ")
		if err := os.WriteFile(*jsonPath, append(b, '\n'), 0o644); err != nil {
			fmt.Fprintf(stderr, "-json: %v\n", err)
			return 1
		}
	}
	if failed > 0 {
		return 1
	}
	return 0
}

// round shortens a duration for the report line.
func round(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(10 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}

// oneLine keeps a message on its report line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
