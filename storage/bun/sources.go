package bunstore

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// RememberSource records that account was used successfully from source at
// now (an upsert of the pair's last-seen time), then forgets the sources of
// account beyond the keep seen most recently (ties: the smaller source is
// kept). The two statements are not one transaction: concurrent calls may
// leave an account with more than keep sources until its next call, never
// with fewer.
func (s *Store) RememberSource(ctx context.Context, account, source string, now time.Time, keep int) error {
	if hasNUL(account, source) {
		return errors.New("bunstore: RememberSource: key contains a NUL byte")
	}
	if keep < 1 {
		keep = 1
	}
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	if _, err := s.db.ExecContext(ctx,
		`INSERT INTO zndraw_auth_familiar_source (account, source, last_seen) VALUES (?, ?, ?)
		ON CONFLICT (account, source) DO UPDATE SET last_seen = excluded.last_seen`,
		account, source, dbTimeFloor(now)); err != nil {
		return mapErr(err)
	}
	_, err := s.db.ExecContext(ctx,
		`DELETE FROM zndraw_auth_familiar_source WHERE account = ? AND source NOT IN (
			SELECT source FROM zndraw_auth_familiar_source WHERE account = ?
			ORDER BY last_seen DESC, source ASC LIMIT ?)`,
		account, account, keep)
	return mapErr(err)
}

// SourceLastSeen returns when source was last remembered for account, or
// the zero time.
func (s *Store) SourceLastSeen(ctx context.Context, account, source string) (time.Time, error) {
	if hasNUL(account, source) {
		return time.Time{}, nil
	}
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	var seen dbTime
	err := s.db.QueryRowContext(ctx,
		`SELECT last_seen FROM zndraw_auth_familiar_source WHERE account = ? AND source = ?`,
		account, source).Scan(&seen)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, mapErr(err)
	}
	return seen.Time, nil
}

// PurgeSources deletes the sources last seen before before and returns how
// many it deleted.
func (s *Store) PurgeSources(ctx context.Context, before time.Time) (int64, error) {
	return s.purge(ctx, `DELETE FROM zndraw_auth_familiar_source WHERE last_seen < ?`, before)
}
