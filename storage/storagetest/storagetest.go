package storagetest

import (
	"testing"

	"github.com/zincware/zndraw-auth-go/core"
)

// Run runs the conformance suite against the stores newStore returns. It
// calls newStore once per subtest, with that subtest's t, and expects a
// fresh, empty store each time; newStore registers any cleanup itself with
// t.Cleanup. Subtests are named after the method and behaviour they check
// (for example "Challenges/RedeemChallenge/WrongSecretHash"), so a failure
// names what broke; select some with go test -run.
//
// A store that implements core.ChangeFeed also gets the "ChangeFeed"
// section; opts give it what it cannot do through core.Store alone (see
// WithRolledBackWrite and WithBrokenFeed).
func Run(t *testing.T, newStore func(t *testing.T) core.Store, opts ...Option) {
	t.Helper()
	s := suite{newStore: newStore}
	for _, o := range opts {
		o(&s.opts)
	}
	t.Run("Users", s.testUsers)
	t.Run("Challenges", s.testChallenges)
	t.Run("Revocations", s.testRevocations)
	t.Run("RateLimits", s.testRateLimits)
	t.Run("Concurrency", s.testConcurrency)
	t.Run("ChangeFeed", s.testChangeFeed)
}

// suite carries the store factory and the options through the subtests.
type suite struct {
	newStore func(t *testing.T) core.Store
	opts     options
}

// store returns a fresh store for t.
func (s suite) store(t *testing.T) core.Store {
	t.Helper()
	st := s.newStore(t)
	if st == nil {
		t.Fatal("newStore returned a nil core.Store")
	}
	return st
}
