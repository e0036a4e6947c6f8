package core

import (
	"time"

	"github.com/google/uuid"
)

// ChallengeStatus is the state of a CLI login challenge. The reference knows
// pending, approved and redeemed; the kit adds rejected (kept for audit
// instead of deleting the row).
type ChallengeStatus string

// The states of a CLI login challenge:
// pending → approved → redeemed, and pending|approved → rejected.
const (
	ChallengePending  ChallengeStatus = "pending"
	ChallengeApproved ChallengeStatus = "approved"
	ChallengeRedeemed ChallengeStatus = "redeemed"
	ChallengeRejected ChallengeStatus = "rejected"
)

// Challenge is a CLI (device-code) login challenge, the `cliloginchallenge`
// row of CONTRACT §8.3. The secret is never stored: SecretHash holds its
// SHA-256 digest (hex, "sha256:" prefix), and no minted token is stored at
// rest either.
type Challenge struct {
	ID         int64
	Code       string
	SecretHash string
	Status     ChallengeStatus
	// UserID is the approving user, set on approval.
	UserID    *uuid.UUID
	CreatedAt time.Time
	ExpiresAt time.Time
	// ClientIP and UserAgent describe the CLI that created the challenge, so
	// the approving user can see where the request came from.
	ClientIP  string
	UserAgent string
	// LastPolledAt is the time of the last accepted poll (zero if none); it
	// backs the server-side polling interval.
	LastPolledAt time.Time
}

// Expired reports whether the challenge has expired at now. As in the
// reference, a challenge is expired only strictly after ExpiresAt.
func (c Challenge) Expired(now time.Time) bool { return now.After(c.ExpiresAt) }
