// Package memstore is an in-memory core.Store, the reference implementation
// of the storage interfaces (like testing/fstest.MapFS for io/fs). Import it
// as
//
//	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
//
// and use it for tests, demos and single-process deployments:
//
//	st := memstore.New()
//
// It is single-instance only: the data lives in one process and is lost when
// the process ends, and two processes (or two Stores) share nothing, so
// revocations, challenges and rate limits are not seen across instances.
// Use storage/bun for anything that runs more than one
// instance or must survive a restart.
//
// Within the process it gives the same semantics as the database stores:
// one sync.RWMutex guards all state, so every method, including each
// compare-and-set transition, is atomic; values are copied in and out, so
// callers cannot modify stored state through a returned value. Emails are
// unique and looked up by core.EmailKey (case-insensitive in Unicode, NFC
// and NFD spellings alike), as in the SQL stores.
// Times are kept at full precision, converted to UTC. It passes
// storage/storagetest.
//
// Memory is bounded where anyone who can reach the server could fill it:
// CLI login challenges (WithMaxChallenges, default DefaultMaxChallenges),
// and the familiar sources kept per account (the Service's
// RateLimit.FamiliarSourcesPerAccount). Counters and revocations are
// purged by core.Service.Purge, which the Service runs at most once a
// minute on the request path.
//
// It implements core.ChangeFeed: every Service on a Store learns at once
// about changes written through another Service on the same Store, or by
// host code calling the Store directly, and answers token checks from its
// caches in between. Close such a Service (core.Service.Close) when done.
package memstore

import (
	"context"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/zincware/zndraw-auth-go/core"
)

// Store is an in-memory core.Store, safe for concurrent use. Create it with
// New; the zero value is not usable.
type Store struct {
	mu sync.RWMutex
	// users by ID, and the ID for each folded email.
	users  map[uuid.UUID]core.User
	emails map[string]uuid.UUID
	// challenges by code; nextChallengeID is the last assigned ID.
	challenges      map[string]core.Challenge
	nextChallengeID int64
	// revocations maps a jti to its expiry.
	revocations map[string]time.Time
	// counters holds one count per key and window.
	counters map[counterKey]int64
	// sources holds the familiar sources of each account: source → last
	// seen.
	sources map[string]map[string]time.Time

	// maxChallenges bounds challenges; while full is after the time of a
	// challenge being created, the store is full of live challenges.
	maxChallenges int
	fullUntil     time.Time
	// subs are the open change-feed subscriptions (feed.go).
	subs map[*subscription]struct{}
}

// DefaultMaxChallenges is how many CLI login challenges a Store keeps at
// most unless WithMaxChallenges says otherwise: about 16 MB at the largest
// client metadata the Service records.
const DefaultMaxChallenges = 10_000

// Option configures New.
type Option func(*Store)

// WithMaxChallenges bounds the CLI login challenges the Store keeps (n < 1
// means DefaultMaxChallenges). When it is full, creating a challenge first
// drops every challenge that can no longer be approved or redeemed (expired,
// redeemed or rejected ones, otherwise kept until the Service purges them
// so that they answer 410 or stay for audit); if that frees nothing, it
// fails with core.ErrUnavailable until the earliest live challenge expires.
// Challenges are created by anyone who can reach the server, so the bound
// keeps a flood from exhausting memory.
func WithMaxChallenges(n int) Option {
	return func(s *Store) {
		if n < 1 {
			n = DefaultMaxChallenges
		}
		s.maxChallenges = n
	}
}

// New returns an empty Store.
func New(opts ...Option) *Store {
	s := &Store{
		users:         make(map[uuid.UUID]core.User),
		emails:        make(map[string]uuid.UUID),
		challenges:    make(map[string]core.Challenge),
		revocations:   make(map[string]time.Time),
		counters:      make(map[counterKey]int64),
		sources:       make(map[string]map[string]time.Time),
		maxChallenges: DefaultMaxChallenges,
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

var _ core.Store = (*Store)(nil)

// utc returns t in UTC without a monotonic clock reading, the form in which
// the Store keeps times.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

// ctxErr returns the context's error, so that a cancelled caller gets no
// result, as with a database store.
func ctxErr(ctx context.Context) error {
	return ctx.Err()
}
