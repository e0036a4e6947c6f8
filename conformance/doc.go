// Package conformance is the black-box HTTP conformance suite of the kit: it
// checks a running server of the kit (any adapter, any store) over HTTP
// only. Its cases are named by families: the tests of fastapi-users' routers
// (A login and logout, R registration, U the users router, P reset, V
// verify, D and T routes and wire format), zndraw-auth's own tests (Z), what
// the reference does but never tests (X), where the kit is deliberately
// better than the reference (FIX: revocation, exactly-once CLI login,
// impersonation fence, null → 422, race-free registration, token claims,
// forged tokens, hostile input; FIXA: impersonation tokens that keep the
// account's credentials and end with their admin's token version, hostile
// User-Agents, bounded JSON, lookalike addresses), the rate limits (LIM)
// and what a deployment owner relies on (OPS: Cache-Control: no-store,
// error shapes, the 503 of a store outage). docs/conformance.md lists every
// case with what it checks and why.
//
// It talks HTTP only and can run against a shared production deployment:
// it takes at most half of each per-address rate limit of the server (see
// Target.Limits and Summary.Budget), reuses a few users of its own under
// fresh addresses (conf-<random>-<name>@example.com) and deletes them when
// the run ends. Cases run one after another.
//
// # In a Go test (one subtest per case)
//
// Build a Service with NewTestService (production or dev mode, a manual
// clock, a mailbox capturing reset and verify tokens, a switch that takes
// the store down), mount it on the adapter under test together with the
// demo routes, and call Run:
//
//	svc, _, _, target := conformance.NewTestService(t, conformance.ModeProduction, memstore.New())
//	kit, _ := nethttpauth.New(httpapi.Config{Service: svc})
//	mux := http.NewServeMux()
//	kit.Mount(mux)
//	// ... the demo routes, see below ...
//	target.Handler = mux
//	conformance.Run(t, target)
//
// NewTestService turns the rate limits off; WithSettings turns them on (the
// suite then waits for their windows by moving the manual clock).
//
// The demo routes (Target.DemoRoutes) stand for a host application's own
// routes guarded by the adapter's middleware:
//
//	GET /protected            active user: 200 {"message":"Hello <email>!"}, else 401
//	GET /protected/superuser  superuser: 200 with any JSON body; 401 without a token, 403 for others
//	GET /protected/optional   anyone: 200 {"user":<UserRead>} or {"user":null}
//	GET /protected/preset-headers
//	                          as /protected, behind a host middleware that first sets
//	                          Content-Type: text/plain; charset=utf-8 and
//	                          Cache-Control: public, max-age=60 (the kit's answers replace both)
//
// # Against a live server (the CLI)
//
//	go install github.com/zincware/zndraw-auth-go/cmd/zndraw-auth-conformance@latest
//	zndraw-auth-conformance -base-url https://auth.example.com \
//	    -admin-email admin@example.com -admin-password secret
//
// prints a progress count and one line per case, each failure with the
// request and the answer that broke it, and exits 1 if any case failed.
// Cases that need something the target does not offer (a mailbox, a short
// CLI challenge lifetime, the signing secret, the demo routes, a given mode,
// more of a rate limit than half) are skipped with the reason. Check is the
// same runner as a function; RunAll is Check with only a filter and a
// report.
package conformance
