// Package bench holds the kit's performance measurements: Go benchmarks of
// the token → user hot path, of each adapter's middleware and of login (in
// bench_test.go), and the fixtures they share with the load harness in
// cmd/zndraw-auth-loadtest. BENCHMARKS.md at the repository root says how to run
// them and what they measured.
//
// The fixtures build a Service on a chosen store with one active user and
// a token for it:
//
//	st, err := bench.OpenStore(ctx, bench.SQLiteFile, dir)
//	defer st.Close()
//	fx, err := bench.NewFixture(ctx, st, password.TestParams)
//	p, err := fx.Service.CurrentUser(ctx, fx.Token, core.AccessActive)
//
// It is internal: nothing here is meant for production code.
package bench
