package core

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
)

// ChangeFeed is an optional capability of a Store, in the manner of
// database/sql/driver's optional interfaces: a store that can tell every
// instance sharing it about changes to users and revocations, whoever made
// them (another instance, another program writing the same database, an
// operator's UPDATE), implements it. storage/memory and storage/bun
// (PostgreSQL, SQLite files) do; storage/storagetest checks an
// implementation.
//
// When the Store given to New implements ChangeFeed (and
// Settings.UserCacheTTL is not 0), the Service subscribes in the
// background and, while the subscription is live, answers token checks
// from its caches without reading the store: every change the feed
// reports drops the affected cache entry. While the subscription is down,
// every token check reads the store, and when it is back the Service drops
// everything it cached before. A wrapper around a Store must forward
// SubscribeChanges to keep this; a store without it gets the bounded
// staleness of Settings.UserCacheTTL instead.
type ChangeFeed interface {
	// SubscribeChanges starts a subscription. When it returns, the
	// subscription is listening: every change committed from then on is
	// delivered by its Next. ctx bounds this call only; the subscription
	// lives until Close. heartbeat is how often a live subscription must
	// deliver a ChangeHeartbeat (see ChangeSubscription.Next).
	//
	// A store that cannot offer a feed in its present configuration (a
	// store bound to one transaction, an in-memory database, a database
	// whose schema lacks what the feed needs) returns an error wrapping
	// ErrNoChangeFeed; the Service then keeps the bounded staleness of
	// Settings.UserCacheTTL and does not ask again. Any other error is an
	// outage: the Service reads the store on every check and tries again.
	SubscribeChanges(ctx context.Context, heartbeat time.Duration) (ChangeSubscription, error)
}

// ErrNoChangeFeed is returned (possibly wrapped) by
// ChangeFeed.SubscribeChanges when the store cannot offer a change feed in
// its present configuration.
var ErrNoChangeFeed = errors.New("zndraw-auth: the store offers no change feed")

// ChangeSubscription is one live subscription of a ChangeFeed. Next and
// Close are called from one goroutine; to interrupt a waiting Next, cancel
// its context.
type ChangeSubscription interface {
	// Next waits for the next event and returns it.
	//
	// Ordering: changes are delivered in the order they were committed,
	// and only once committed (a write that is rolled back delivers
	// nothing); a change is delivered only once a read through the store
	// sees it. An event names what may have changed, never the new state:
	// extra or repeated events are allowed (they cost a cache miss),
	// missing ones are not.
	//
	// Liveness: a live subscription returns a ChangeHeartbeat at least
	// every heartbeat (the interval given to SubscribeChanges), also while
	// changes keep arriving. A heartbeat certifies that every change
	// committed before the previous call of Next returned has been
	// delivered, by this call or an earlier one.
	//
	// Loss: when the subscription cannot keep these promises (its
	// connection broke or the database restarted, it fell behind and
	// dropped events, it cannot get a heartbeat through), Next returns a
	// non-nil error as soon as it knows; the subscription is then dead and
	// the caller closes it and subscribes again. Instead of failing, a
	// subscription that dropped events but is otherwise live may return
	// ChangeResync and go on. Next also returns ctx's error when ctx is
	// done.
	Next(ctx context.Context) (Change, error)
	// Close ends the subscription and releases what it holds. It may be
	// called after Next failed, and more than once.
	Close() error
}

// ChangeKind says what a Change is about.
type ChangeKind uint8

// The kinds of Change.
const (
	// ChangeHeartbeat carries no change: the subscription is live and
	// caught up (see ChangeSubscription.Next).
	ChangeHeartbeat ChangeKind = iota + 1
	// ChangeUser: the user Change.UserID was updated or deleted (any
	// field: flags, password, email, token version).
	ChangeUser
	// ChangeRevocation: the token Change.JTI was revoked.
	ChangeRevocation
	// ChangeResync: anything may have changed (events were dropped, a
	// table was truncated, a change was too large to describe); the
	// Service drops everything it cached.
	ChangeResync
)

// String returns the kind's name.
func (k ChangeKind) String() string {
	switch k {
	case ChangeHeartbeat:
		return "heartbeat"
	case ChangeUser:
		return "user"
	case ChangeRevocation:
		return "revocation"
	case ChangeResync:
		return "resync"
	}
	return "unknown"
}

// Change is one event of a ChangeSubscription. A Kind the Service does not
// know is treated as ChangeResync.
type Change struct {
	Kind ChangeKind
	// UserID is the user of a ChangeUser.
	UserID uuid.UUID
	// JTI is the token id of a ChangeRevocation.
	JTI string
}
