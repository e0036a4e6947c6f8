// Package storagetest is the conformance suite every core.Store must pass,
// in the spirit of testing/fstest.TestFS and the Go CDK drivertest packages.
// storage/memory and storage/bun run it as their own tests; a custom store
// should run it too:
//
//	func TestConformance(t *testing.T) {
//		storagetest.Run(t, func(t *testing.T) core.Store {
//			st := mystore.Open(t.Context(), dsn)
//			t.Cleanup(func() { st.Close() })
//			return st
//		})
//	}
//
// Run calls newStore once per subtest and expects a fresh, empty store each
// time (an empty database, or truncated tables); the store registers its own
// cleanup with t.Cleanup. Subtests run sequentially, so a store backed by one
// shared database may reset it in newStore.
//
// The suite checks what the doc comments of core.Store, core.UserPatch and
// core.Challenge promise: round trips of every field (times compared at
// microsecond precision with time.Equal), the sentinel errors (tested with
// errors.Is), email uniqueness and lookup by core.EmailKey (Unicode case
// variants, NFC and NFD spellings, the Kelvin sign, racing spellings), every
// challenge state transition including the expiry boundaries, poll
// throttling, purges, fixed-window counters aligned to the Unix epoch, and
// the exactly-once guarantees under 64 concurrent callers released by one
// barrier. A store that implements core.ChangeFeed also gets the
// "ChangeFeed" section: every committed change arrives, and is visible
// through the store when it does; heartbeats come and certify that the
// subscription caught up; two subscriptions both get every change; a
// rolled-back write announces nothing (WithRolledBackWrite); a broken
// connection is reported, never silent, and a new subscription works
// (WithBrokenFeed). Outside that section the suite uses a fixed base time
// and never sleeps. It makes no assumption about how IDs are assigned, and
// it only ever records as a challenge's approver a user that exists in the
// store, so stores with a foreign key from challenges to users pass.
package storagetest
