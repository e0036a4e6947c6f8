// Package conformance is the black-box HTTP conformance suite of the kit: it
// checks a running server of the kit (any adapter, any store) against the
// behaviour contract, one
// case per acceptance item of CONTRACT §11 (A1–A11, R1–R9, U1–U55, P1–P11,
// V1–V11, D1, T1, Z1–Z50 without the host-level Z8, the §11.9 extras as X*)
// plus the kit's fixes of the reference (FIX*: revocation, exactly-once CLI
// login, impersonation fence, null → 422, race-free registration, token
// claims, forged tokens, hostile input; FIXA*: impersonation tokens that
// keep the account's credentials and end with their admin's token version,
// hostile User-Agents, bounded JSON, lookalike addresses).
//
// It talks HTTP only. Every case creates its own users with unique addresses
// (conf-<random>-<name>@example.com) and deletes them when it ends, so it can
// run against a shared deployment. Cases run one after another.
//
// # In a Go test (one subtest per case)
//
// Build a Service with NewTestService (production or dev mode, a manual
// clock, a mailbox capturing reset and verify tokens), mount it on the
// adapter under test together with the three demo routes, and call Run:
//
//	svc, _, _, target := conformance.NewTestService(t, conformance.ModeProduction, memstore.New())
//	kit, _ := nethttpauth.New(httpapi.Config{Service: svc})
//	mux := http.NewServeMux()
//	kit.Mount(mux)
//	// ... the demo routes, see below ...
//	target.Handler = mux
//	conformance.Run(t, target)
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
//	go run ./cmd/zndraw-auth-conformance -base-url http://127.0.0.1:8000 \
//	    -admin-email admin@example.com -admin-password secret [-mode production|dev] \
//	    [-reset-verify] [-outbox outbox.jsonl] [-challenge-lifetime 3s] [-demo-routes] \
//	    [-secret-key KEY] [-run REGEX] [-json report.json]
//
// prints one line per case and exits 1 if any case failed. The server must run
// with ZNDRAW_AUTH_RATE_LIMIT_ENABLED=false. Cases that need something the
// target does not offer (a mailbox, clock control or a short CLI challenge
// lifetime, the signing secret, the demo routes, a given mode) are skipped
// with the reason. RunAll is the same runner as a function.
package conformance
