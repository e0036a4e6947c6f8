package bunstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/zincware/zndraw-auth-go/core"
)

// challengeColumns are the columns scanChallenge reads, in its order. The
// kit stores no token; token holds one only where zndraw-auth approved the
// challenge.
const challengeColumns = `id, code, secret, status, user_id, created_at, expires_at, client_ip, user_agent, last_polled_at, token`

// scanChallenge reads one row of challengeColumns. user_id is accepted in
// both UUID spellings (32 hex digits as zndraw-auth writes it on SQLite, or
// hyphenated).
func scanChallenge(row interface{ Scan(...any) error }) (core.Challenge, error) {
	var (
		c                     core.Challenge
		secret, ip, ua, token sql.NullString
		userID                uuid.NullUUID
		created, expires, pol dbTime
		status                string
	)
	if err := row.Scan(&c.ID, &c.Code, &secret, &status, &userID, &created, &expires, &ip, &ua, &pol, &token); err != nil {
		return core.Challenge{}, err
	}
	c.SecretHash = secret.String
	c.Status = core.ChallengeStatus(status)
	if userID.Valid {
		id := userID.UUID
		c.UserID = &id
	}
	c.CreatedAt = created.Time
	c.ExpiresAt = expires.Time
	c.ClientIP = ip.String
	c.UserAgent = ua.String
	c.LegacyToken = token.String
	if pol.Valid {
		c.LastPolledAt = pol.Time
	}
	return c, nil
}

// userIDArg is the stored form of an approver id: hyphenated text on SQLite
// (the spelling of user.id, so the foreign key holds), a uuid on PostgreSQL.
func userIDArg(id *uuid.UUID) any {
	if id == nil {
		return nil
	}
	return id.String()
}

// CreateChallenge inserts c (the database assigns ID; an empty Status is
// stored as pending) and returns the stored row. core.ErrAlreadyExists if
// c.Code is taken. Times are stored in UTC at microsecond precision; empty
// strings and a zero LastPolledAt are stored as NULL.
func (s *Store) CreateChallenge(ctx context.Context, c core.Challenge) (core.Challenge, error) {
	if hasNUL(c.Code, c.SecretHash, string(c.Status), c.ClientIP, c.UserAgent, c.LegacyToken) {
		return core.Challenge{}, errors.New("bunstore: CreateChallenge: value contains a NUL byte")
	}
	if c.Status == "" {
		c.Status = core.ChallengePending
	}
	var polled any
	if !c.LastPolledAt.IsZero() {
		polled = dbTimeFloor(c.LastPolledAt)
	}
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	got, err := scanChallenge(s.db.QueryRowContext(ctx,
		`INSERT INTO cliloginchallenge (code, secret, status, token, user_id, created_at, expires_at, client_ip, user_agent, last_polled_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING `+challengeColumns,
		c.Code, nullString(c.SecretHash), string(c.Status), nullString(c.LegacyToken), userIDArg(c.UserID),
		dbTimeFloor(c.CreatedAt), dbTimeFloor(c.ExpiresAt), nullString(c.ClientIP), nullString(c.UserAgent), polled))
	return got, mapErr(err)
}

// GetChallenge returns the challenge with exactly this code, or
// core.ErrNotFound.
func (s *Store) GetChallenge(ctx context.Context, code string) (core.Challenge, error) {
	if hasNUL(code) {
		return core.Challenge{}, core.ErrNotFound
	}
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	c, err := scanChallenge(s.db.QueryRowContext(ctx,
		`SELECT `+challengeColumns+` FROM cliloginchallenge WHERE code = ?`, code))
	return c, mapErr(err)
}

// transition runs one conditional UPDATE ... RETURNING on cliloginchallenge
// and maps "no row matched" to core.ErrNotFound.
func (s *Store) transition(ctx context.Context, code, set, cond string, args ...any) (core.Challenge, error) {
	if hasNUL(code) {
		return core.Challenge{}, core.ErrNotFound
	}
	for _, a := range args {
		if str, ok := a.(string); ok && hasNUL(str) {
			return core.Challenge{}, core.ErrNotFound
		}
	}
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	args = append(args, code)
	c, err := scanChallenge(s.db.QueryRowContext(ctx,
		`UPDATE cliloginchallenge SET `+set+` WHERE `+cond+` AND code = ? RETURNING `+challengeColumns, args...))
	return c, mapErr(err)
}

// ApproveChallenge moves a pending challenge that has not expired at now to
// approved with userID as approver, in one conditional UPDATE;
// core.ErrNotFound if none matched.
func (s *Store) ApproveChallenge(ctx context.Context, code string, userID uuid.UUID, now time.Time) (core.Challenge, error) {
	return s.transition(ctx, code,
		`status = 'approved', user_id = ?`,
		`status = 'pending' AND expires_at >= ?`,
		userIDArg(&userID), dbTimeCeil(now))
}

// RejectChallenge moves a pending challenge, or an approved one (approved
// by *approvedBy when that is not nil), to rejected, whatever its expiry,
// and clears a token zndraw-auth stored, in one conditional UPDATE;
// core.ErrNotFound if none matched. The row is kept for audit. The
// approver is matched in both UUID spellings (zndraw-auth writes 32 hex
// digits on SQLite).
func (s *Store) RejectChallenge(ctx context.Context, code string, approvedBy *uuid.UUID, now time.Time) (core.Challenge, error) {
	if approvedBy == nil {
		return s.transition(ctx, code,
			`status = 'rejected', token = NULL`,
			`status IN ('pending', 'approved')`)
	}
	return s.transition(ctx, code,
		`status = 'rejected', token = NULL`,
		`(status = 'pending' OR (status = 'approved' AND user_id IN (?, ?)))`,
		approvedBy.String(), strings.ReplaceAll(approvedBy.String(), "-", ""))
}

// RedeemChallenge moves an approved, unexpired challenge whose stored secret
// equals secretHash to redeemed and clears the secret and any token
// zndraw-auth stored; the returned row carries the secret and token it had.
// core.ErrNotFound if none matched, so of concurrent calls exactly one
// succeeds. The comparison runs in SQL and is not constant-time, which is
// harmless: the Service has compared the caller's secret in constant time
// already, and passes the stored value.
//
// PostgreSQL's RETURNING (before version 18) and SQLite's show a row as the
// UPDATE left it, so the token is cleared by a second statement in the same
// transaction: the first has already taken the row (PostgreSQL's row lock,
// SQLite's write lock), and whoever waited on it finds it redeemed.
func (s *Store) RedeemChallenge(ctx context.Context, code, secretHash string, now time.Time) (core.Challenge, error) {
	if secretHash == "" || hasNUL(code, secretHash) {
		return core.Challenge{}, core.ErrNotFound
	}
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	var c core.Challenge
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		c, err = scanChallenge(tx.QueryRowContext(ctx,
			`UPDATE cliloginchallenge SET status = 'redeemed', secret = NULL
			WHERE status = 'approved' AND secret = ? AND expires_at >= ? AND code = ?
			RETURNING `+challengeColumns, secretHash, dbTimeCeil(now), code))
		if err != nil || c.LegacyToken == "" {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE cliloginchallenge SET token = NULL WHERE id = ?`, c.ID)
		return err
	})
	if err != nil {
		return core.Challenge{}, mapErr(err)
	}
	c.SecretHash = secretHash
	return c, nil
}

// RecordChallengePoll sets last_polled_at to now when the challenge was never
// polled or last polled at or before now-minInterval, in one conditional
// UPDATE, and reports whether it did. core.ErrNotFound if there is no such
// code.
func (s *Store) RecordChallengePoll(ctx context.Context, code string, now time.Time, minInterval time.Duration) (bool, error) {
	if hasNUL(code) {
		return false, core.ErrNotFound
	}
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	res, err := s.db.ExecContext(ctx,
		`UPDATE cliloginchallenge SET last_polled_at = ?
		WHERE code = ? AND (last_polled_at IS NULL OR last_polled_at <= ?)`,
		dbTimeFloor(now), code, dbTimeFloor(now.Add(-minInterval)))
	if err != nil {
		return false, mapErr(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, mapErr(err)
	}
	if n > 0 {
		return true, nil
	}
	var one int
	if err := s.db.QueryRowContext(ctx, `SELECT 1 FROM cliloginchallenge WHERE code = ?`, code).Scan(&one); err != nil {
		return false, mapErr(err)
	}
	return false, nil
}

// PurgeChallenges deletes challenges whose expires_at is before before
// (whatever their status) and returns how many it deleted.
func (s *Store) PurgeChallenges(ctx context.Context, before time.Time) (int64, error) {
	return s.purge(ctx, `DELETE FROM cliloginchallenge WHERE expires_at < ?`, before)
}

// purge runs a DELETE with one time argument and returns the row count.
func (s *Store) purge(ctx context.Context, query string, before time.Time) (int64, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	res, err := s.db.ExecContext(ctx, query, dbTimeCeil(before))
	if err != nil {
		return 0, mapErr(err)
	}
	n, err := res.RowsAffected()
	return n, mapErr(err)
}
