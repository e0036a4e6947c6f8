package memstore

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/zincware/zndraw-auth-go/core"
)

// copyChallenge returns c with its own copy of *UserID and times in UTC,
// so that stored and returned challenges share no memory.
func copyChallenge(c core.Challenge) core.Challenge {
	if c.UserID != nil {
		id := *c.UserID
		c.UserID = &id
	}
	c.CreatedAt = utc(c.CreatedAt)
	c.ExpiresAt = utc(c.ExpiresAt)
	c.LastPolledAt = utc(c.LastPolledAt)
	return c
}

// CreateChallenge stores c with the next challenge ID (IDs count up from 1)
// and returns it; core.ErrAlreadyExists if c.Code is taken. c.ID is ignored.
func (s *Store) CreateChallenge(ctx context.Context, c core.Challenge) (core.Challenge, error) {
	if err := ctxErr(ctx); err != nil {
		return core.Challenge{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.challenges[c.Code]; taken {
		return core.Challenge{}, fmt.Errorf("memstore: create challenge: code: %w", core.ErrAlreadyExists)
	}
	if len(s.challenges) >= s.maxChallenges && !s.makeRoom(utc(c.CreatedAt)) {
		return core.Challenge{}, fmt.Errorf("memstore: create challenge: %d live challenges, the most the store keeps: %w", len(s.challenges), core.ErrUnavailable)
	}
	s.nextChallengeID++
	c = copyChallenge(c)
	c.ID = s.nextChallengeID
	s.challenges[c.Code] = c
	return copyChallenge(c), nil
}

// makeRoom drops the challenges that cannot be approved or redeemed any
// more at now and reports whether there is room for one more. Called with
// the write lock held and the store full. When nothing could be dropped it
// remembers until when (the earliest expiry), so that a flood of creations
// does not scan the store every time.
func (s *Store) makeRoom(now time.Time) bool {
	if now.Before(s.fullUntil) {
		return false
	}
	earliest := time.Time{}
	for code, c := range s.challenges {
		live := (c.Status == core.ChallengePending || c.Status == core.ChallengeApproved) && !c.Expired(now)
		if !live {
			delete(s.challenges, code)
			continue
		}
		if earliest.IsZero() || c.ExpiresAt.Before(earliest) {
			earliest = c.ExpiresAt
		}
	}
	if len(s.challenges) < s.maxChallenges {
		return true
	}
	s.fullUntil = earliest
	return false
}

// GetChallenge returns the challenge with exactly this code, or
// core.ErrNotFound.
func (s *Store) GetChallenge(ctx context.Context, code string) (core.Challenge, error) {
	if err := ctxErr(ctx); err != nil {
		return core.Challenge{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, ok := s.challenges[code]
	if !ok {
		return core.Challenge{}, fmt.Errorf("memstore: challenge: %w", core.ErrNotFound)
	}
	return copyChallenge(c), nil
}

// transition applies change to the challenge code if match accepts it, all
// under the write lock, and returns the changed challenge as change left it
// (before cleanup, if any, runs on the stored copy). It returns
// core.ErrNotFound if there is no such challenge or match rejects it.
func (s *Store) transition(ctx context.Context, op, code string, match func(core.Challenge) bool, change func(*core.Challenge), cleanup func(*core.Challenge)) (core.Challenge, error) {
	if err := ctxErr(ctx); err != nil {
		return core.Challenge{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.challenges[code]
	if !ok || !match(c) {
		return core.Challenge{}, fmt.Errorf("memstore: %s challenge: %w", op, core.ErrNotFound)
	}
	change(&c)
	out := copyChallenge(c)
	if cleanup != nil {
		cleanup(&c)
	}
	s.challenges[code] = c
	s.fullUntil = time.Time{} // a challenge may have stopped being live
	return out, nil
}

// ApproveChallenge moves a pending challenge that has not expired at now to
// approved with userID as the approver; core.ErrNotFound otherwise.
func (s *Store) ApproveChallenge(ctx context.Context, code string, userID uuid.UUID, now time.Time) (core.Challenge, error) {
	return s.transition(ctx, "approve", code,
		func(c core.Challenge) bool { return c.Status == core.ChallengePending && !c.Expired(now) },
		func(c *core.Challenge) {
			c.Status = core.ChallengeApproved
			c.UserID = &userID
		}, nil)
}

// RejectChallenge moves a pending challenge, or an approved one (approved
// by *approvedBy when that is not nil), to rejected, whatever its expiry,
// and clears its LegacyToken; core.ErrNotFound otherwise.
func (s *Store) RejectChallenge(ctx context.Context, code string, approvedBy *uuid.UUID, now time.Time) (core.Challenge, error) {
	return s.transition(ctx, "reject", code,
		func(c core.Challenge) bool {
			if c.Status == core.ChallengeApproved && approvedBy != nil {
				return c.UserID != nil && *c.UserID == *approvedBy
			}
			return c.Status == core.ChallengePending || c.Status == core.ChallengeApproved
		},
		func(c *core.Challenge) {
			c.Status = core.ChallengeRejected
			c.LegacyToken = ""
		}, nil)
}

// RedeemChallenge moves an approved challenge whose SecretHash equals
// secretHash and that has not expired at now to redeemed and clears the
// stored SecretHash and LegacyToken. It returns the challenge with Status
// redeemed and the SecretHash and LegacyToken it had; core.ErrNotFound if
// nothing matched.
func (s *Store) RedeemChallenge(ctx context.Context, code, secretHash string, now time.Time) (core.Challenge, error) {
	return s.transition(ctx, "redeem", code,
		func(c core.Challenge) bool {
			return c.Status == core.ChallengeApproved && c.SecretHash != "" &&
				c.SecretHash == secretHash && !c.Expired(now)
		},
		func(c *core.Challenge) { c.Status = core.ChallengeRedeemed },
		func(c *core.Challenge) {
			c.SecretHash = ""
			c.LegacyToken = ""
		})
}

// RecordChallengePoll sets LastPolledAt to now if the challenge was never
// polled or was last polled at or before now-minInterval, and reports
// whether it did; core.ErrNotFound if there is no such code.
func (s *Store) RecordChallengePoll(ctx context.Context, code string, now time.Time, minInterval time.Duration) (bool, error) {
	if err := ctxErr(ctx); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.challenges[code]
	if !ok {
		return false, fmt.Errorf("memstore: poll challenge: %w", core.ErrNotFound)
	}
	if !c.LastPolledAt.IsZero() && c.LastPolledAt.After(now.Add(-minInterval)) {
		return false, nil
	}
	c.LastPolledAt = utc(now)
	s.challenges[code] = c
	return true, nil
}

// PurgeChallenges deletes challenges whose ExpiresAt is before before and
// returns how many it deleted.
func (s *Store) PurgeChallenges(ctx context.Context, before time.Time) (int64, error) {
	if err := ctxErr(ctx); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for code, c := range s.challenges {
		if c.ExpiresAt.Before(before) {
			delete(s.challenges, code)
			n++
		}
	}
	if n > 0 {
		s.fullUntil = time.Time{}
	}
	return n, nil
}
