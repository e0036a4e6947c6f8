package conformance

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/zincware/zndraw-auth-go/core"
)

// outageStore is a core.Store that fails every call with
// core.ErrUnavailable while it is down: the outage of NewTestService. It
// offers the change feed of feed (nil: none).
type outageStore struct {
	core.Store
	feed core.ChangeFeed
	down atomic.Bool

	subsMu     sync.Mutex
	broken     context.Context // done when an outage starts; nil until a subscription asks
	breakFeeds context.CancelFunc
}

var _ Outage = (*outageStore)(nil)

// Down implements Outage.
func (o *outageStore) Down(context.Context) error {
	o.down.Store(true)
	o.subsMu.Lock()
	defer o.subsMu.Unlock()
	if o.breakFeeds != nil {
		o.breakFeeds()
		o.broken, o.breakFeeds = nil, nil
	}
	return nil
}

// Up implements Outage.
func (o *outageStore) Up(context.Context) error { o.down.Store(false); return nil }

func (o *outageStore) err() error {
	if o.down.Load() {
		return fmt.Errorf("conformance: simulated outage: %w", core.ErrUnavailable)
	}
	return nil
}

// GetUser implements core.UserStore.
func (o *outageStore) GetUser(ctx context.Context, id uuid.UUID) (core.User, error) {
	if err := o.err(); err != nil {
		return core.User{}, err
	}
	return o.Store.GetUser(ctx, id)
}

// GetUserByEmail implements core.UserStore.
func (o *outageStore) GetUserByEmail(ctx context.Context, email string) (core.User, error) {
	if err := o.err(); err != nil {
		return core.User{}, err
	}
	return o.Store.GetUserByEmail(ctx, email)
}

// CreateUser implements core.UserStore.
func (o *outageStore) CreateUser(ctx context.Context, u core.User) (core.User, error) {
	if err := o.err(); err != nil {
		return core.User{}, err
	}
	return o.Store.CreateUser(ctx, u)
}

// UpdateUser implements core.UserStore.
func (o *outageStore) UpdateUser(ctx context.Context, id uuid.UUID, p core.UserPatch) (core.User, error) {
	if err := o.err(); err != nil {
		return core.User{}, err
	}
	return o.Store.UpdateUser(ctx, id, p)
}

// DeleteUser implements core.UserStore.
func (o *outageStore) DeleteUser(ctx context.Context, id uuid.UUID) error {
	if err := o.err(); err != nil {
		return err
	}
	return o.Store.DeleteUser(ctx, id)
}

// CreateChallenge implements core.ChallengeStore.
func (o *outageStore) CreateChallenge(ctx context.Context, c core.Challenge) (core.Challenge, error) {
	if err := o.err(); err != nil {
		return core.Challenge{}, err
	}
	return o.Store.CreateChallenge(ctx, c)
}

// GetChallenge implements core.ChallengeStore.
func (o *outageStore) GetChallenge(ctx context.Context, code string) (core.Challenge, error) {
	if err := o.err(); err != nil {
		return core.Challenge{}, err
	}
	return o.Store.GetChallenge(ctx, code)
}

// ApproveChallenge implements core.ChallengeStore.
func (o *outageStore) ApproveChallenge(ctx context.Context, code string, userID uuid.UUID, now time.Time) (core.Challenge, error) {
	if err := o.err(); err != nil {
		return core.Challenge{}, err
	}
	return o.Store.ApproveChallenge(ctx, code, userID, now)
}

// RejectChallenge implements core.ChallengeStore.
func (o *outageStore) RejectChallenge(ctx context.Context, code string, approvedBy *uuid.UUID, now time.Time) (core.Challenge, error) {
	if err := o.err(); err != nil {
		return core.Challenge{}, err
	}
	return o.Store.RejectChallenge(ctx, code, approvedBy, now)
}

// RedeemChallenge implements core.ChallengeStore.
func (o *outageStore) RedeemChallenge(ctx context.Context, code, secretHash string, now time.Time) (core.Challenge, error) {
	if err := o.err(); err != nil {
		return core.Challenge{}, err
	}
	return o.Store.RedeemChallenge(ctx, code, secretHash, now)
}

// RecordChallengePoll implements core.ChallengeStore.
func (o *outageStore) RecordChallengePoll(ctx context.Context, code string, now time.Time, minInterval time.Duration) (bool, error) {
	if err := o.err(); err != nil {
		return false, err
	}
	return o.Store.RecordChallengePoll(ctx, code, now, minInterval)
}

// PurgeChallenges implements core.ChallengeStore.
func (o *outageStore) PurgeChallenges(ctx context.Context, before time.Time) (int64, error) {
	if err := o.err(); err != nil {
		return 0, err
	}
	return o.Store.PurgeChallenges(ctx, before)
}

// RevokeToken implements core.RevocationStore.
func (o *outageStore) RevokeToken(ctx context.Context, jti string, expiresAt time.Time) error {
	if err := o.err(); err != nil {
		return err
	}
	return o.Store.RevokeToken(ctx, jti, expiresAt)
}

// IsTokenRevoked implements core.RevocationStore.
func (o *outageStore) IsTokenRevoked(ctx context.Context, jti string) (bool, error) {
	if err := o.err(); err != nil {
		return false, err
	}
	return o.Store.IsTokenRevoked(ctx, jti)
}

// PurgeRevocations implements core.RevocationStore.
func (o *outageStore) PurgeRevocations(ctx context.Context, before time.Time) (int64, error) {
	if err := o.err(); err != nil {
		return 0, err
	}
	return o.Store.PurgeRevocations(ctx, before)
}

// IncrementCounter implements core.RateLimitStore.
func (o *outageStore) IncrementCounter(ctx context.Context, key string, window time.Duration, now time.Time) (int64, time.Time, error) {
	if err := o.err(); err != nil {
		return 0, time.Time{}, err
	}
	return o.Store.IncrementCounter(ctx, key, window, now)
}

// CounterValue implements core.RateLimitStore.
func (o *outageStore) CounterValue(ctx context.Context, key string, window time.Duration, now time.Time) (int64, error) {
	if err := o.err(); err != nil {
		return 0, err
	}
	return o.Store.CounterValue(ctx, key, window, now)
}

// PurgeCounters implements core.RateLimitStore.
func (o *outageStore) PurgeCounters(ctx context.Context, before time.Time) (int64, error) {
	if err := o.err(); err != nil {
		return 0, err
	}
	return o.Store.PurgeCounters(ctx, before)
}

// RememberSource implements core.RateLimitStore.
func (o *outageStore) RememberSource(ctx context.Context, account, source string, now time.Time, keep int) error {
	if err := o.err(); err != nil {
		return err
	}
	return o.Store.RememberSource(ctx, account, source, now, keep)
}

// SourceLastSeen implements core.RateLimitStore.
func (o *outageStore) SourceLastSeen(ctx context.Context, account, source string) (time.Time, error) {
	if err := o.err(); err != nil {
		return time.Time{}, err
	}
	return o.Store.SourceLastSeen(ctx, account, source)
}

// PurgeSources implements core.RateLimitStore.
func (o *outageStore) PurgeSources(ctx context.Context, before time.Time) (int64, error) {
	if err := o.err(); err != nil {
		return 0, err
	}
	return o.Store.PurgeSources(ctx, before)
}

// OutageCommands is an Outage that runs shell commands (sh -c): down takes
// the server's store away (stops the database, cuts a proxy in front of
// it), up brings it back. The CLI's -outage-cmd and -restore-cmd.
func OutageCommands(down, up string) Outage { return outageCommands{down, up} }

type outageCommands struct{ down, up string }

func (o outageCommands) Down(ctx context.Context) error { return runShell(ctx, o.down) }
func (o outageCommands) Up(ctx context.Context) error   { return runShell(ctx, o.up) }

func runShell(ctx context.Context, cmd string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "sh", "-c", cmd).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%q: %w: %s", cmd, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// SubscribeChanges implements core.ChangeFeed with the feed of the store
// the test service runs on, if it has one, so the in-process suite checks
// tokens as a deployment does. A simulated outage breaks every
// subscription at once (their Next fails) and refuses new ones until Up,
// as a cut database connection does.
func (o *outageStore) SubscribeChanges(ctx context.Context, heartbeat time.Duration) (core.ChangeSubscription, error) {
	if o.feed == nil {
		return nil, core.ErrNoChangeFeed
	}
	if err := o.err(); err != nil {
		return nil, err
	}
	sub, err := o.feed.SubscribeChanges(ctx, heartbeat)
	if err != nil {
		return nil, err
	}
	return &outageSubscription{ChangeSubscription: sub, o: o, broken: o.brokenContext()}, nil
}

// brokenContext is done once the current outage starts.
func (o *outageStore) brokenContext() context.Context {
	o.subsMu.Lock()
	defer o.subsMu.Unlock()
	if o.broken == nil {
		o.broken, o.breakFeeds = context.WithCancel(context.Background())
	}
	if o.down.Load() {
		// Down came between SubscribeChanges' check and here.
		broken, cancel := context.WithCancel(context.Background())
		cancel()
		return broken
	}
	return o.broken
}

// outageSubscription is a subscription that a simulated outage breaks.
type outageSubscription struct {
	core.ChangeSubscription
	o      *outageStore
	broken context.Context
}

// Next implements core.ChangeSubscription: the store's next event, or the
// outage's error once it started.
func (s *outageSubscription) Next(ctx context.Context) (core.Change, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(s.broken, cancel)()
	c, err := s.ChangeSubscription.Next(ctx)
	if s.broken.Err() != nil {
		return core.Change{}, fmt.Errorf("conformance: simulated outage: %w", core.ErrUnavailable)
	}
	return c, err
}
