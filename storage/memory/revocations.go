package memstore

import (
	"context"
	"time"

	"github.com/zincware/zndraw-auth-go/core"
)

// RevokeToken records jti as revoked until expiresAt. Revoking a jti again
// keeps the later of the two expiries.
func (s *Store) RevokeToken(ctx context.Context, jti string, expiresAt time.Time) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.revocations[jti]; !ok || expiresAt.After(old) {
		s.revocations[jti] = utc(expiresAt)
	}
	s.publish(core.Change{Kind: core.ChangeRevocation, JTI: jti})
	return nil
}

// IsTokenRevoked reports whether jti is revoked. Entries stay until
// PurgeRevocations removes them, so an expired entry is still reported.
func (s *Store) IsTokenRevoked(ctx context.Context, jti string) (bool, error) {
	if err := ctxErr(ctx); err != nil {
		return false, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, ok := s.revocations[jti]
	return ok, nil
}

// PurgeRevocations deletes entries that expired before before and returns
// how many it deleted.
func (s *Store) PurgeRevocations(ctx context.Context, before time.Time) (int64, error) {
	if err := ctxErr(ctx); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for jti, exp := range s.revocations {
		if exp.Before(before) {
			delete(s.revocations, jti)
			n++
		}
	}
	return n, nil
}
