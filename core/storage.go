package core

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// Store is everything the Service persists. storage/memory and storage/bun
// implement it; storage/storagetest is the suite any implementation must
// pass. Every method takes the caller's context first and reports the
// sentinel errors ErrNotFound, ErrAlreadyExists, ErrConflict and
// ErrUnavailable (possibly wrapped) as documented per method; any other error
// is treated as an internal failure.
type Store interface {
	UserStore
	ChallengeStore
	RevocationStore
	RateLimitStore
}

// UserStore keeps users. Emails are unique by EmailKey (case-insensitive in
// Unicode, and blind to NFC/NFD spelling), and lookups by email match by
// EmailKey, so every store gives the same answer: storagetest checks it.
type UserStore interface {
	// GetUser returns the user with id, or ErrNotFound.
	GetUser(ctx context.Context, id uuid.UUID) (User, error)
	// GetUserByEmail returns the user whose email has the EmailKey of email,
	// or ErrNotFound.
	GetUserByEmail(ctx context.Context, email string) (User, error)
	// CreateUser inserts u as given (ID set by the caller) and returns the
	// stored row. A user whose email has the same EmailKey gives
	// ErrAlreadyExists, also when two calls race: exactly one wins.
	CreateUser(ctx context.Context, u User) (User, error)
	// UpdateUser applies p to the user id in one conditional write and
	// returns the updated row. ErrNotFound if there is no such user,
	// ErrConflict if a precondition (p.Expect*) does not hold,
	// ErrAlreadyExists if the new email has the EmailKey of another user's.
	UpdateUser(ctx context.Context, id uuid.UUID, p UserPatch) (User, error)
	// DeleteUser deletes the user id, or returns ErrNotFound. Challenges the
	// user approved keep their row with UserID set to nil.
	DeleteUser(ctx context.Context, id uuid.UUID) error
}

// ChallengeStore keeps CLI login challenges. Each state transition is one
// atomic compare-and-set: under any concurrency exactly one caller moves a
// challenge out of a given state.
type ChallengeStore interface {
	// CreateChallenge inserts c (ID is assigned by the store) and returns
	// the stored row; ErrAlreadyExists if c.Code is taken.
	CreateChallenge(ctx context.Context, c Challenge) (Challenge, error)
	// GetChallenge returns the challenge with exactly this code
	// (case-sensitive), or ErrNotFound.
	GetChallenge(ctx context.Context, code string) (Challenge, error)
	// ApproveChallenge moves a pending challenge that has not expired at now
	// (now <= ExpiresAt) to approved and records userID as the approver.
	// ErrNotFound if no challenge matched all of that.
	ApproveChallenge(ctx context.Context, code string, userID uuid.UUID, now time.Time) (Challenge, error)
	// RejectChallenge moves a pending or approved challenge to rejected
	// (whatever its expiry) and clears its LegacyToken. When approvedBy is
	// not nil, an approved challenge moves only if *approvedBy approved it
	// (a pending one moves whoever asks). ErrNotFound if no challenge
	// matched.
	RejectChallenge(ctx context.Context, code string, approvedBy *uuid.UUID, now time.Time) (Challenge, error)
	// RedeemChallenge moves an approved challenge whose SecretHash equals
	// secretHash (the stored value, compared exactly) and that has not
	// expired at now to redeemed, clears its SecretHash and LegacyToken,
	// and returns the row as it was before clearing (with Status
	// redeemed). ErrNotFound if no challenge matched: of N concurrent calls
	// exactly one succeeds, so a LegacyToken is handed to one caller only.
	RedeemChallenge(ctx context.Context, code, secretHash string, now time.Time) (Challenge, error)
	// RecordChallengePoll sets LastPolledAt to now if the challenge was
	// never polled or was last polled at or before now-minInterval, and
	// reports whether it did. ErrNotFound if there is no such code.
	RecordChallengePoll(ctx context.Context, code string, now time.Time, minInterval time.Duration) (bool, error)
	// PurgeChallenges deletes challenges whose ExpiresAt is before before
	// and returns how many it deleted.
	PurgeChallenges(ctx context.Context, before time.Time) (int64, error)
}

// RevocationStore keeps revoked token ids (jti) until the token expires.
type RevocationStore interface {
	// RevokeToken records jti as revoked until expiresAt. Revoking twice is
	// not an error.
	RevokeToken(ctx context.Context, jti string, expiresAt time.Time) error
	// IsTokenRevoked reports whether jti is revoked (entries past their
	// expiry may or may not still be reported).
	IsTokenRevoked(ctx context.Context, jti string) (bool, error)
	// PurgeRevocations deletes entries that expired before before.
	PurgeRevocations(ctx context.Context, before time.Time) (int64, error)
}

// RateLimitStore counts events in fixed windows and remembers the familiar
// sources of accounts, shared by every instance that shares the store.
type RateLimitStore interface {
	// IncrementCounter adds one to the counter of key in the fixed window of
	// length window that contains now (windows start at multiples of window
	// since the Unix epoch) and returns the count after the increment and
	// the end of that window. Concurrent increments are never lost.
	IncrementCounter(ctx context.Context, key string, window time.Duration, now time.Time) (count int64, windowEnd time.Time, err error)
	// CounterValue returns the count of key in the window of length window
	// that contains now, 0 if there is none, without changing it.
	CounterValue(ctx context.Context, key string, window time.Duration, now time.Time) (int64, error)
	// PurgeCounters deletes counters whose window ended before before.
	PurgeCounters(ctx context.Context, before time.Time) (int64, error)

	// RememberSource records that account was used successfully from
	// source at now (the pair's last-seen time becomes now, also when it
	// was later) and keeps at most keep sources per account: the ones
	// seen least recently are forgotten (ties: the greater source first).
	// account and source are opaque keys of at most 64 bytes.
	RememberSource(ctx context.Context, account, source string, now time.Time, keep int) error
	// SourceLastSeen returns when source was last remembered for account,
	// or the zero time if it is not remembered.
	SourceLastSeen(ctx context.Context, account, source string) (time.Time, error)
	// PurgeSources deletes the sources last seen before before and
	// returns how many it deleted.
	PurgeSources(ctx context.Context, before time.Time) (int64, error)
}
