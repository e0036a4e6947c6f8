package conformance

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/zincware/zndraw-auth-go/core"
)

// outageStore is a core.Store that fails every call with
// core.ErrUnavailable while it is down: the outage of NewTestService.
type outageStore struct {
	core.Store
	down atomic.Bool
}

var _ Outage = (*outageStore)(nil)

// Down implements Outage.
func (o *outageStore) Down(context.Context) error { o.down.Store(true); return nil }

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
