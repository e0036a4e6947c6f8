// Command zndraw-auth-loadtest is the kit's load harness. It starts, for
// each adapter and store, a server in a child process on a loopback port,
// drives GET /protected (the adapter's RequireUser in front of a trivial
// handler) and GET /unprotected (the same handler alone) with keep-alive
// clients, floods the login route with concurrent logins at the real
// argon2id parameters, and prints one table: throughput of both routes and
// their ratio, latencies, logins per second against raw argon2id derivations
// per second on the same machine, and the server's peak RSS.
//
//	go run ./cmd/zndraw-auth-loadtest              # everything, under 5 minutes
//	go run ./cmd/zndraw-auth-loadtest -scale       # the PostgreSQL scale run
//	go run ./cmd/zndraw-auth-loadtest -propagation # two processes on one database
//
// The propagation mode starts two server processes on one database (a
// SQLite file, and PostgreSQL when configured), makes each kind of change
// on one and measures how long the other takes to answer the new state,
// with the change feed and, for comparison, without it; on PostgreSQL it
// also measures how fast an instance is back on its fast path after its
// connections are terminated.
//
// PostgreSQL rows run when ZNDRAW_AUTH_TEST_POSTGRES_DSN is set. Traffic
// goes to 127.0.0.1 only, and every loop is bounded in count or time.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/zincware/zndraw-auth-go/internal/bench"
	"github.com/zincware/zndraw-auth-go/internal/version"
)

func main() {
	var (
		serve    = flag.Bool("serve", false, "internal: run as the server child")
		adapter  = flag.String("adapter", "", "internal: the child's adapter")
		store    = flag.String("store", "", "internal: the child's store")
		dir      = flag.String("dir", "", "directory for SQLite files (default: a temporary one)")
		adapters = flag.String("adapters", "", "comma-separated adapters (default: all of "+adapterNames()+")")
		stores   = flag.String("stores", "", "comma-separated stores (default: memory,sqlite-file, and postgres when "+bench.PostgresDSNEnv+" is set)")
		conns    = flag.Int("conns", 32, "concurrent keep-alive clients per route")
		duration = flag.Duration("duration", 3*time.Second, "load time per route (split into two alternating rounds)")
		logins   = flag.Int("logins", 256, "logins per flood (all concurrent, up to -login-concurrency)")
		loginC   = flag.Int("login-concurrency", 256, "concurrent logins")
		loginOn  = flag.String("login-stores", "memory", "stores whose rows get a login flood (comma-separated, or none)")
		micro    = flag.Int("micro-rounds", 3, "rounds of the in-process token-check benchmarks (0: skip)")
		pairs    = flag.Int("login-pairs", 7, "alternating Service.Login / raw argon2id pairs in process (0: skip)")
		scale    = flag.Bool("scale", false, "run the PostgreSQL scale run instead")
		scaleU   = flag.Int("scale-users", 1_000_000, "users in the large scale configuration")
		scaleR   = flag.Int("scale-revoked", 1_000_000, "revoked tokens in the large scale configuration")
		scaleN   = flag.Int("scale-checks", 20000, "token checks per measurement in the scale run")
		showVer  = flag.Bool("version", false, "print the version and exit")
		prop     = flag.Bool("propagation", false, "run the two-process propagation measurement instead")
		propS    = flag.String("prop-stores", "", "comma-separated stores of the propagation run (default: sqlite-file, and postgres when "+bench.PostgresDSNEnv+" is set)")
		propN    = flag.Int("prop-trials", 30, "trials per kind of change with the change feed")
		propB    = flag.Int("prop-before-trials", 5, "trials per kind of change without the change feed (0: skip)")
		propR    = flag.Int("prop-recovery-trials", 30, "connection kills per kind on PostgreSQL (0: skip)")
		propGap  = flag.Duration("prop-poll-gap", time.Millisecond, "pause between two polls of B (0: back to back)")
		serveP   = flag.Bool("serve-propagation", false, "internal: run as a propagation server child")
		dbURL    = flag.String("url", "", "internal: the propagation child's database URL")
		noFeed   = flag.Bool("no-feed", false, "internal: the propagation child hides the store's change feed")
	)
	flag.Parse()
	if *showVer {
		fmt.Println(version.Line("zndraw-auth-loadtest"))
		return
	}
	cleanup := func() {}
	if *dir == "" {
		d, err := os.MkdirTemp("", "zndraw-auth-loadtest-")
		if err != nil {
			fatal(err)
		}
		cleanup = func() { _ = os.RemoveAll(d) }
		*dir = d
	}
	var err error
	switch {
	case *serve:
		err = serveChild(*adapter, *store, *dir)
	case *serveP:
		err = servePropagationChild(*dbURL, *noFeed)
	case *prop:
		err = propagationRun(propConfig{
			stores: split(*propS, propStores()), trials: *propN, beforeTrials: *propB,
			recoveryTrials: *propR, pollGap: *propGap, dir: *dir,
		})
	case *scale:
		err = scaleRun(scaleConfig{bigUsers: *scaleU, bigRevoked: *scaleR, checks: *scaleN, dir: *dir})
	default:
		err = run(runConfig{
			adapters:    split(*adapters, adapterNames()),
			stores:      split(*stores, defaultStores()),
			loginStores: split(*loginOn, "memory"),
			conns:       *conns,
			duration:    *duration,
			logins:      *logins,
			loginConc:   *loginC,
			microRounds: *micro,
			loginPairs:  *pairs,
			dir:         *dir,
		})
	}
	cleanup()
	if err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "loadtest:", err)
	os.Exit(1)
}

func adapterNames() string {
	var names []string
	for _, a := range bench.Adapters {
		names = append(names, a.Name)
	}
	return strings.Join(names, ",")
}

func defaultStores() string {
	s := "memory,sqlite-file"
	if os.Getenv(bench.PostgresDSNEnv) != "" {
		s += ",postgres"
	}
	return s
}

func propStores() string {
	s := "sqlite-file"
	if os.Getenv(bench.PostgresDSNEnv) != "" {
		s += ",postgres"
	}
	return s
}

func split(list, def string) []string {
	if list == "" {
		list = def
	}
	if list == "none" {
		return nil
	}
	var out []string
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
