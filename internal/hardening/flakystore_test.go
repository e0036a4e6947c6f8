package hardening_test

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/zincware/zndraw-auth-go/core"
)

// errDown is what a store reports while it is down.
var errDown = fmt.Errorf("%w: down", core.ErrUnavailable)

// flakyStore wraps a store and makes chosen methods (or all) fail with
// errDown until they are switched back.
type flakyStore struct {
	inner core.Store
	mu    sync.RWMutex
	all   bool
	down  map[string]bool
	// failed counts calls that were refused.
	failed int
	// onDown, when set, runs after setDown took methods down (the tests
	// let the service's cache go stale there).
	onDown func()
}

var _ core.Store = (*flakyStore)(nil)

func newFlaky(inner core.Store) *flakyStore {
	return &flakyStore{inner: inner, down: map[string]bool{}}
}

// setAll takes every method down (true) or brings the store back (false).
func (f *flakyStore) setAll(down bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.all = down
	if !down {
		clear(f.down)
	}
}

// setDown takes the named methods down, then runs onDown.
func (f *flakyStore) setDown(methods ...string) {
	f.mu.Lock()
	for _, m := range methods {
		f.down[m] = true
	}
	onDown := f.onDown
	f.mu.Unlock()
	if onDown != nil {
		onDown()
	}
}

// refused returns how many calls were refused so far.
func (f *flakyStore) refused() int {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.failed
}

func (f *flakyStore) check(method string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.all || f.down[method] {
		f.failed++
		return errDown
	}
	return nil
}

func (f *flakyStore) GetUser(ctx context.Context, id uuid.UUID) (core.User, error) {
	if err := f.check("GetUser"); err != nil {
		return core.User{}, err
	}
	return f.inner.GetUser(ctx, id)
}

func (f *flakyStore) GetUserByEmail(ctx context.Context, email string) (core.User, error) {
	if err := f.check("GetUserByEmail"); err != nil {
		return core.User{}, err
	}
	return f.inner.GetUserByEmail(ctx, email)
}

func (f *flakyStore) CreateUser(ctx context.Context, u core.User) (core.User, error) {
	if err := f.check("CreateUser"); err != nil {
		return core.User{}, err
	}
	return f.inner.CreateUser(ctx, u)
}

func (f *flakyStore) UpdateUser(ctx context.Context, id uuid.UUID, p core.UserPatch) (core.User, error) {
	if err := f.check("UpdateUser"); err != nil {
		return core.User{}, err
	}
	return f.inner.UpdateUser(ctx, id, p)
}

func (f *flakyStore) DeleteUser(ctx context.Context, id uuid.UUID) error {
	if err := f.check("DeleteUser"); err != nil {
		return err
	}
	return f.inner.DeleteUser(ctx, id)
}

func (f *flakyStore) CreateChallenge(ctx context.Context, c core.Challenge) (core.Challenge, error) {
	if err := f.check("CreateChallenge"); err != nil {
		return core.Challenge{}, err
	}
	return f.inner.CreateChallenge(ctx, c)
}

func (f *flakyStore) GetChallenge(ctx context.Context, code string) (core.Challenge, error) {
	if err := f.check("GetChallenge"); err != nil {
		return core.Challenge{}, err
	}
	return f.inner.GetChallenge(ctx, code)
}

func (f *flakyStore) ApproveChallenge(ctx context.Context, code string, userID uuid.UUID, now time.Time) (core.Challenge, error) {
	if err := f.check("ApproveChallenge"); err != nil {
		return core.Challenge{}, err
	}
	return f.inner.ApproveChallenge(ctx, code, userID, now)
}

func (f *flakyStore) RejectChallenge(ctx context.Context, code string, approvedBy *uuid.UUID, now time.Time) (core.Challenge, error) {
	if err := f.check("RejectChallenge"); err != nil {
		return core.Challenge{}, err
	}
	return f.inner.RejectChallenge(ctx, code, approvedBy, now)
}

func (f *flakyStore) RedeemChallenge(ctx context.Context, code, secretHash string, now time.Time) (core.Challenge, error) {
	if err := f.check("RedeemChallenge"); err != nil {
		return core.Challenge{}, err
	}
	return f.inner.RedeemChallenge(ctx, code, secretHash, now)
}

func (f *flakyStore) RecordChallengePoll(ctx context.Context, code string, now time.Time, minInterval time.Duration) (bool, error) {
	if err := f.check("RecordChallengePoll"); err != nil {
		return false, err
	}
	return f.inner.RecordChallengePoll(ctx, code, now, minInterval)
}

func (f *flakyStore) PurgeChallenges(ctx context.Context, before time.Time) (int64, error) {
	if err := f.check("PurgeChallenges"); err != nil {
		return 0, err
	}
	return f.inner.PurgeChallenges(ctx, before)
}

func (f *flakyStore) RevokeToken(ctx context.Context, jti string, expiresAt time.Time) error {
	if err := f.check("RevokeToken"); err != nil {
		return err
	}
	return f.inner.RevokeToken(ctx, jti, expiresAt)
}

func (f *flakyStore) IsTokenRevoked(ctx context.Context, jti string) (bool, error) {
	if err := f.check("IsTokenRevoked"); err != nil {
		return false, err
	}
	return f.inner.IsTokenRevoked(ctx, jti)
}

func (f *flakyStore) PurgeRevocations(ctx context.Context, before time.Time) (int64, error) {
	if err := f.check("PurgeRevocations"); err != nil {
		return 0, err
	}
	return f.inner.PurgeRevocations(ctx, before)
}

func (f *flakyStore) IncrementCounter(ctx context.Context, key string, window time.Duration, now time.Time) (int64, time.Time, error) {
	if err := f.check("IncrementCounter"); err != nil {
		return 0, time.Time{}, err
	}
	return f.inner.IncrementCounter(ctx, key, window, now)
}

func (f *flakyStore) CounterValue(ctx context.Context, key string, window time.Duration, now time.Time) (int64, error) {
	if err := f.check("CounterValue"); err != nil {
		return 0, err
	}
	return f.inner.CounterValue(ctx, key, window, now)
}

func (f *flakyStore) PurgeCounters(ctx context.Context, before time.Time) (int64, error) {
	if err := f.check("PurgeCounters"); err != nil {
		return 0, err
	}
	return f.inner.PurgeCounters(ctx, before)
}

func (f *flakyStore) RememberSource(ctx context.Context, account, source string, now time.Time, keep int) error {
	if err := f.check("RememberSource"); err != nil {
		return err
	}
	return f.inner.RememberSource(ctx, account, source, now, keep)
}

func (f *flakyStore) SourceLastSeen(ctx context.Context, account, source string) (time.Time, error) {
	if err := f.check("SourceLastSeen"); err != nil {
		return time.Time{}, err
	}
	return f.inner.SourceLastSeen(ctx, account, source)
}

func (f *flakyStore) PurgeSources(ctx context.Context, before time.Time) (int64, error) {
	if err := f.check("PurgeSources"); err != nil {
		return 0, err
	}
	return f.inner.PurgeSources(ctx, before)
}
