package main

import (
	"context"
	"database/sql"
	"time"

	"github.com/google/uuid"

	"github.com/zincware/zndraw-auth-go/core"
)

// challengeColumns are the columns scanChallenge reads, in its order.
const challengeColumns = `id, code, secret_hash, status, approver_id, created_at, expires_at, client_ip, user_agent, last_polled_at`

// scanChallenge reads one row of challengeColumns.
func scanChallenge(row *sql.Row) (core.Challenge, error) {
	var (
		c                      core.Challenge
		secret, status, ip, ua sql.NullString
		approver               uuid.NullUUID
		created, expires       int64
		polled                 sql.NullInt64
	)
	if err := row.Scan(&c.ID, &c.Code, &secret, &status, &approver, &created, &expires, &ip, &ua, &polled); err != nil {
		return core.Challenge{}, mapErr(err)
	}
	c.SecretHash = secret.String
	c.Status = core.ChallengeStatus(status.String)
	if approver.Valid {
		id := approver.UUID
		c.UserID = &id
	}
	c.CreatedAt, c.ExpiresAt = fromMicros(created), fromMicros(expires)
	c.ClientIP, c.UserAgent = ip.String, ua.String
	if polled.Valid {
		c.LastPolledAt = fromMicros(polled.Int64)
	}
	return c, nil
}

// null is nil for "" (stored as NULL) and s otherwise.
func null(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CreateChallenge implements core.ChallengeStore; the database assigns ID.
func (s *Store) CreateChallenge(ctx context.Context, c core.Challenge) (core.Challenge, error) {
	if c.Status == "" {
		c.Status = core.ChallengePending
	}
	var approver, polled any
	if c.UserID != nil {
		approver = c.UserID.String()
	}
	if !c.LastPolledAt.IsZero() {
		polled = micros(c.LastPolledAt)
	}
	return scanChallenge(s.db.QueryRowContext(ctx,
		`INSERT INTO account_login_challenge (code, secret_hash, status, approver_id, created_at, expires_at, client_ip, user_agent, last_polled_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING `+challengeColumns,
		c.Code, null(c.SecretHash), string(c.Status), approver, micros(c.CreatedAt), micros(c.ExpiresAt),
		null(c.ClientIP), null(c.UserAgent), polled))
}

// GetChallenge implements core.ChallengeStore (codes compare
// case-sensitively: SQLite's default BINARY collation).
func (s *Store) GetChallenge(ctx context.Context, code string) (core.Challenge, error) {
	return scanChallenge(s.db.QueryRowContext(ctx,
		`SELECT `+challengeColumns+` FROM account_login_challenge WHERE code = ?`, code))
}

// transition is one conditional UPDATE ... RETURNING: exactly one of any
// number of concurrent callers moves the challenge out of its state, the
// others match no row and get core.ErrNotFound.
func (s *Store) transition(ctx context.Context, code, set, cond string, args ...any) (core.Challenge, error) {
	args = append(args, code)
	return scanChallenge(s.db.QueryRowContext(ctx,
		`UPDATE account_login_challenge SET `+set+` WHERE `+cond+` AND code = ? RETURNING `+challengeColumns, args...))
}

// ApproveChallenge implements core.ChallengeStore.
func (s *Store) ApproveChallenge(ctx context.Context, code string, userID uuid.UUID, now time.Time) (core.Challenge, error) {
	return s.transition(ctx, code, `status = 'approved', approver_id = ?`, `status = 'pending' AND expires_at >= ?`,
		userID.String(), microsCeil(now))
}

// RejectChallenge implements core.ChallengeStore: an approved challenge
// moves only for its approver when approvedBy is set.
func (s *Store) RejectChallenge(ctx context.Context, code string, approvedBy *uuid.UUID, _ time.Time) (core.Challenge, error) {
	if approvedBy == nil {
		return s.transition(ctx, code, `status = 'rejected'`, `status IN ('pending', 'approved')`)
	}
	return s.transition(ctx, code, `status = 'rejected'`,
		`(status = 'pending' OR (status = 'approved' AND approver_id = ?))`, approvedBy.String())
}

// RedeemChallenge implements core.ChallengeStore: the hash is cleared in
// the same write, and the returned row carries the hash it had.
func (s *Store) RedeemChallenge(ctx context.Context, code, secretHash string, now time.Time) (core.Challenge, error) {
	if secretHash == "" {
		return core.Challenge{}, core.ErrNotFound
	}
	c, err := s.transition(ctx, code, `status = 'redeemed', secret_hash = NULL`,
		`status = 'approved' AND secret_hash = ? AND expires_at >= ?`, secretHash, microsCeil(now))
	if err != nil {
		return core.Challenge{}, err
	}
	c.SecretHash = secretHash
	return c, nil
}

// RecordChallengePoll implements core.ChallengeStore with one conditional
// UPDATE; a second read only tells "too early" from "no such code".
func (s *Store) RecordChallengePoll(ctx context.Context, code string, now time.Time, minInterval time.Duration) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE account_login_challenge SET last_polled_at = ?
		WHERE code = ? AND (last_polled_at IS NULL OR last_polled_at <= ?)`,
		micros(now), code, micros(now.Add(-minInterval)))
	if err != nil {
		return false, mapErr(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return false, mapErr(err)
	} else if n > 0 {
		return true, nil
	}
	var one int
	err = s.db.QueryRowContext(ctx, `SELECT 1 FROM account_login_challenge WHERE code = ?`, code).Scan(&one)
	return false, mapErr(err)
}

// PurgeChallenges implements core.ChallengeStore.
func (s *Store) PurgeChallenges(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM account_login_challenge WHERE expires_at < ?`, microsCeil(before))
	if err != nil {
		return 0, mapErr(err)
	}
	n, err := res.RowsAffected()
	return n, mapErr(err)
}
