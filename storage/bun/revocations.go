package bunstore

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// RevokeToken records jti as revoked until expiresAt. Revoking again keeps
// the later of the two expiry times.
func (s *Store) RevokeToken(ctx context.Context, jti string, expiresAt time.Time) error {
	if hasNUL(jti) {
		return errors.New("bunstore: RevokeToken: jti contains a NUL byte")
	}
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	_, err := s.db.ExecContext(ctx,
		`INSERT INTO zndraw_auth_revoked_token (jti, expires_at) VALUES (?, ?)
		ON CONFLICT (jti) DO UPDATE SET expires_at = CASE
			WHEN excluded.expires_at > zndraw_auth_revoked_token.expires_at THEN excluded.expires_at
			ELSE zndraw_auth_revoked_token.expires_at END`,
		jti, dbTimeCeil(expiresAt))
	return mapErr(err)
}

// IsTokenRevoked reports whether jti is revoked. Entries past their expiry
// are reported until PurgeRevocations deletes them.
func (s *Store) IsTokenRevoked(ctx context.Context, jti string) (bool, error) {
	if hasNUL(jti) {
		return false, nil
	}
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	var one int
	err := s.db.QueryRowContext(ctx, `SELECT 1 FROM zndraw_auth_revoked_token WHERE jti = ?`, jti).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, mapErr(err)
	}
	return true, nil
}

// PurgeRevocations deletes entries that expired before before and returns
// how many it deleted.
func (s *Store) PurgeRevocations(ctx context.Context, before time.Time) (int64, error) {
	return s.purge(ctx, `DELETE FROM zndraw_auth_revoked_token WHERE expires_at < ?`, before)
}
