// Command zndraw-auth-conformance runs the kit's HTTP conformance suite
// against a live server and prints one line per case:
//
//	[  1/206] PASS A1_login_empty_form (680µs)
//	[  6/206] FAIL A6_login_user (8ms)
//	          POST /auth/jwt/login password=…&username=conf-…%40example.com → 400 {"detail":"LOGIN_BAD_CREDENTIALS"}: want status 200
//	[ 84/206] SKIP P9_reset_inactive: needs the reset and verify tokens the server sends: pass -outbox FILE ...
//
// after a header that says what it found out about the server (its mode
// and its rate limits), and followed by "N passed, N failed, N skipped" and
// what the run took from each per-address rate limit. It exits 1 if any
// case failed and 2 on bad flags.
//
// It is safe against a production deployment with the kit's default
// limits: it takes at most half of every per-address limit (spacing its
// logins, skipping the cases that would need more, with the reason), so
// real users behind the same address keep the other half.
//
//	zndraw-auth-conformance -base-url https://auth.example.com \
//	    -admin-email admin@example.com -admin-password secret \
//	    [-mode production|dev] [-limits auto|off|default|KEY=N,...] \
//	    [-forwarded-for] [-outage-cmd CMD -restore-cmd CMD] \
//	    [-reset-verify] [-outbox FILE] [-challenge-lifetime 3s] \
//	    [-demo-routes] [-secret-key KEY] [-run REGEX] [-json FILE]
//	zndraw-auth-conformance -version
//
// docs/conformance.md explains every flag and case.
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
	Results    []jsonResult            `json:"results"`
	Passed     int                     `json:"passed"`
	Failed     int                     `json:"failed"`
	Skipped    int                     `json:"skipped"`
	Mode       string                  `json:"mode"`
	ModeNote   string                  `json:"mode_note"`
	Limits     string                  `json:"limits"`
	LimitsNote string                  `json:"limits_note"`
	Budget     []conformance.BudgetUse `json:"budget"`
	DurationMS float64                 `json:"duration_ms"`
}

type jsonResult struct {
	ID         string  `json:"id"`
	Name       string  `json:"name"`
	Status     string  `json:"status"`
	Message    string  `json:"message,omitempty"`
	DurationMS float64 `json:"duration_ms"`
}

// flagNames are the flags that set each Target field, for messages.
var flagNames = map[string]string{
	"BaseURL":           "-base-url",
	"AdminEmail":        "-admin-email",
	"AdminPassword":     "-admin-password",
	"Mode":              "-mode",
	"ResetAndVerify":    "-reset-verify",
	"Mailbox":           "-outbox FILE (the file the server's -outbox flag appends reset and verify tokens to)",
	"DemoRoutes":        "-demo-routes",
	"ChallengeLifetime": "-challenge-lifetime",
	"SecretKey":         "-secret-key",
	"Limits":            "-limits",
	"ForwardedFor":      "-forwarded-for",
	"Outage":            "-outage-cmd and -restore-cmd",
}

func flagName(field string) string {
	if n, ok := flagNames[field]; ok {
		return n
	}
	return field
}

// run is the command with its arguments and outputs; it returns the exit
// code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("zndraw-auth-conformance", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		target     conformance.Target
		mode       = fs.String("mode", "", "the server's mode, production or dev; found out when not given")
		limits     = fs.String("limits", "auto", "the server's rate limits: auto (found out; values assumed the kit's defaults), off, default, or KEY=N,... changing the defaults (keys below)")
		outbox     = fs.String("outbox", "", "JSON-lines file the server appends reset/verify tokens to (its -outbox flag)")
		outageCmd  = fs.String("outage-cmd", "", "shell command that makes the server's store unreachable (for the outage case; needs -restore-cmd)")
		restoreCmd = fs.String("restore-cmd", "", "shell command that makes the store reachable again")
		jsonPath   = fs.String("json", "", "write a machine-readable report to this file")
		runExpr    = fs.String("run", "", "run only the cases whose id matches this regular expression")
		showVer    = fs.Bool("version", false, "print the version and exit")
	)
	fs.StringVar(&target.BaseURL, "base-url", "", "server root, e.g. http://127.0.0.1:8000 (required)")
	fs.StringVar(&target.AdminEmail, "admin-email", "", "the server's default admin (ZNDRAW_AUTH_DEFAULT_ADMIN_EMAIL; production mode)")
	fs.StringVar(&target.AdminPassword, "admin-password", "", "the default admin's password")
	fs.DurationVar(&target.ChallengeLifetime, "challenge-lifetime", 0, "the server's (short) CLI challenge lifetime; expiry cases wait it out (skipped when 0)")
	fs.BoolVar(&target.ResetAndVerify, "reset-verify", false, "the reset-password and verify routers are mounted")
	fs.BoolVar(&target.DemoRoutes, "demo-routes", false, "the server has the demo routes GET /protected, /protected/superuser, /protected/optional and /protected/preset-headers")
	fs.StringVar(&target.SecretKey, "secret-key", "", "the server's ZNDRAW_AUTH_SECRET_KEY, to run the forged-token cases")
	fs.BoolVar(&target.ForwardedFor, "forwarded-for", false, "the server trusts this client's X-Forwarded-For (ZNDRAW_AUTH_TRUSTED_PROXIES covers it) and no proxy sits between: "+
		"the cases that exceed per-address limits then spend made-up addresses' budgets (skipped otherwise)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: zndraw-auth-conformance -base-url URL [flags]\n\n"+
			"Runs the conformance suite of zndraw-auth-go against a live server. It takes at most half of\n"+
			"every per-address rate limit of the server, so it is safe against production defaults.\n\nFlags:\n")
		fs.PrintDefaults()
		fmt.Fprintf(fs.Output(), "\nKeys of -limits (the server settings they stand for):\n%s", indent(conformance.LimitKeysHelp(), "  "))
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *showVer {
		fmt.Fprintln(stdout, version.Line("zndraw-auth-conformance"))
		return 0
	}
	usage := func(format string, args ...any) int {
		fmt.Fprintf(stderr, format+"\n", args...)
		return 2
	}
	switch {
	case fs.NArg() > 0:
		return usage("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	case target.BaseURL == "":
		return usage("-base-url is required")
	case *mode != "" && *mode != string(conformance.ModeProduction) && *mode != string(conformance.ModeDev):
		return usage("-mode: want production or dev (or leave it out to find out), got %q", *mode)
	case (*outageCmd == "") != (*restoreCmd == ""):
		return usage("-outage-cmd and -restore-cmd go together")
	}
	target.Mode = conformance.Mode(*mode)
	if *limits != "auto" {
		l, err := conformance.ParseLimits(*limits)
		if err != nil {
			return usage("-limits: %v", err)
		}
		target.Limits = &l
	}
	if *outbox != "" {
		target.Mailbox = conformance.OutboxFile(*outbox)
	}
	if *outageCmd != "" {
		target.Outage = conformance.OutageCommands(*outageCmd, *restoreCmd)
	}
	var filter *regexp.Regexp
	if *runExpr != "" {
		var err error
		if filter, err = regexp.Compile(*runExpr); err != nil {
			return usage("-run: %v", err)
		}
	}
	out := &printer{w: stdout, tty: isTerminal(stdout)}
	var results []jsonResult
	pos, total := 0, 0
	sum := conformance.Check(ctx, target, conformance.Options{
		Filter: filter,
		Names:  flagName,
		Ready: func(s conformance.Summary) {
			out.line("zndraw-auth-conformance against %s", target.BaseURL)
			out.line("mode:   %s (%s)", s.Mode, s.ModeNote)
			out.line("limits: %s", s.LimitsNote)
			if s.Limits.Enabled {
				out.line("budget: at most half of each per-address limit: %s", allowances(s.Budget))
			}
		},
		Start: func(id string, n, of int) {
			pos, total = n, of
			out.status("%s RUN  %s …", counter(n, of), id)
		},
		Report: func(r conformance.Result) {
			prefix := counter(pos, total)
			if r.ID == "setup" || r.ID == "teardown" {
				prefix = strings.Repeat(" ", len(prefix))
			}
			switch r.Status {
			case conformance.StatusPassed:
				out.line("%s PASS %s (%s)", prefix, r.ID, round(r.Duration))
			case conformance.StatusFailed:
				out.line("%s FAIL %s (%s)", prefix, r.ID, round(r.Duration))
				for _, m := range strings.Split(r.Message, "\n") {
					out.line("%s      %s", strings.Repeat(" ", len(prefix)), m)
				}
			default:
				out.line("%s SKIP %s: %s", prefix, r.ID, oneLine(r.Message))
			}
			results = append(results, jsonResult{ID: r.ID, Name: r.Name, Status: r.Status, Message: r.Message,
				DurationMS: float64(r.Duration.Microseconds()) / 1000})
		},
	})
	out.line("%d passed, %d failed, %d skipped in %s", sum.Passed, sum.Failed, sum.Skipped, round(sum.Duration))
	if len(sum.Budget) > 0 {
		out.line("taken from this address's limits: %s", conformance.FormatBudget(sum.Budget))
	}
	if *jsonPath != "" {
		if results == nil {
			results = []jsonResult{}
		}
		rep := report{Results: results, Passed: sum.Passed, Failed: sum.Failed, Skipped: sum.Skipped,
			Mode: string(sum.Mode), ModeNote: sum.ModeNote, Limits: sum.Limits.String(), LimitsNote: sum.LimitsNote,
			Budget: sum.Budget, DurationMS: float64(sum.Duration.Microseconds()) / 1000}
		b, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(*jsonPath, append(b, '\n'), 0o644); err != nil {
			fmt.Fprintf(stderr, "-json: %v\n", err)
			return 1
		}
	}
	if sum.Failed > 0 {
		return 1
	}
	return 0
}

// allowances lists what the suite allows itself of each limit.
func allowances(uses []conformance.BudgetUse) string {
	var parts []string
	for _, u := range uses {
		if u.Limit > 0 {
			w := "h"
			if u.WindowSeconds == 60 {
				w = "min"
			}
			parts = append(parts, fmt.Sprintf("%s %d/%s of %d", u.Name, u.Allowed, w, u.Limit))
		}
	}
	return strings.Join(parts, ", ")
}

// counter is the progress count "[ n/N]".
func counter(n, total int) string {
	w := len(fmt.Sprint(total))
	return fmt.Sprintf("[%*d/%d]", w, n, total)
}

// printer writes report lines; on a terminal it also shows which case is
// running, on a line the next output overwrites.
type printer struct {
	w       io.Writer
	tty     bool
	pending bool // a status line is on screen
}

func (p *printer) clear() {
	if p.pending {
		fmt.Fprint(p.w, "\r\033[K")
		p.pending = false
	}
}

func (p *printer) line(format string, args ...any) {
	p.clear()
	fmt.Fprintf(p.w, format+"\n", args...)
}

func (p *printer) status(format string, args ...any) {
	if !p.tty {
		return
	}
	p.clear()
	fmt.Fprintf(p.w, format, args...)
	p.pending = true
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// round shortens a duration for the report line.
func round(d time.Duration) time.Duration {
	switch {
	case d >= time.Minute:
		return d.Round(time.Second)
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	case d >= 10*time.Millisecond:
		return d.Round(time.Millisecond)
	}
	return d.Round(10 * time.Microsecond)
}

// oneLine keeps a message on its report line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	return prefix + strings.Join(lines, "\n"+prefix) + "\n"
}
