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

// Challenge is a CLI (device-code) login challenge, a row of zndraw-auth's
// cliloginchallenge table. The kit never stores a secret: SecretHash holds
// its SHA-256 digest (hex, "sha256:" prefix), and no minted token is stored
// at rest either.
//
// A database shared with zndraw-auth's Python services also holds the
// challenges they create and approve: for those, SecretHash is the secret
// itself (zndraw-auth stores it in the clear; it never contains a colon, so
// it cannot look like a digest) and LegacyToken the token zndraw-auth
// minted at approval. The Service compares either form of secret in
// constant time and hands such a token out at most once.
type Challenge struct {
	ID   int64
	Code string
	// SecretHash is "sha256:" + the hex SHA-256 of the secret, or the
	// plain secret of a challenge zndraw-auth created.
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
	// LegacyToken is the access token a zndraw-auth service stored when it
	// approved the challenge; empty for every challenge the kit approves.
	// Redeeming or rejecting the challenge clears it. A store that never
	// shares its database with zndraw-auth may leave it out: the Service
	// then mints the token at redemption, as for its own challenges.
	LegacyToken string
}

// Expired reports whether the challenge has expired at now. As in the
// reference, a challenge is expired only strictly after ExpiresAt.
func (c Challenge) Expired(now time.Time) bool { return now.After(c.ExpiresAt) }
