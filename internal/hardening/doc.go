// Package hardening holds the kit's cross-package hardening tests: they
// build real in-process servers (core.Service + httpapi + the net/http
// adapter over the memory store, SQLite or PostgreSQL) and prove, over HTTP,
// what the kit survives. The package has no non-test code; everything lives
// in its _test.go files, one file per property:
//
//	ratelimit_test.go      rate limits (per IP, per account, CLI poll interval,
//	                       X-Forwarded-For trust, counters shared by instances)
//	timing_test.go         unknown email costs what a wrong password costs
//	failclosed_test.go     store outage: every route answers 503, nothing counted,
//	                       no partial writes, recovery without restart
//	outage_test.go         a real PostgreSQL connection cut mid-load (TCP proxy)
//	jwt_test.go            forged, tampered, expired, revoked and misused tokens
//	impersonation_test.go  the admin token-minting fence and its audit log
//	concurrency_test.go    one-time secrets and registration under 64 racing requests
//	multiinstance_test.go  two servers on one database, concurrent migrations
//
// helpers_test.go builds the servers and clients, flakystore_test.go is a
// store whose methods can be switched to fail with core.ErrUnavailable, and
// tcpproxy_test.go a loopback TCP proxy that can cut a database connection.
//
// What they establish is summed up, with the test of each claim, in
// docs/security.md. Run them with
//
//	go test -race ./internal/hardening/...
//
// PostgreSQL cases run when ZNDRAW_AUTH_TEST_POSTGRES_DSN is set (for
// example postgres://postgres@127.0.0.1:5432/test?sslmode=disable) and skip
// with a message otherwise; each uses a fresh schema that is dropped at the
// end.
package hardening
