package bunstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/zincware/zndraw-auth-go/core"
)

// The Store's core.ChangeFeed. The database announces its own changes
// (a migration adds the triggers), so a change made by any program sharing
// the database reaches every instance:
//
//   - PostgreSQL: LISTEN/NOTIFY on a dedicated connection
//     (feed_postgres.go);
//   - a SQLite file: a change log filled by triggers, polled every
//     sqlitePollInterval through a dedicated connection (feed_sqlite.go).
//
// An in-memory SQLite database has no feed: it lives in one process and
// is reachable only through its one connection, which polling would take
// from the requests; the Service's own writes reach its caches at once
// anyway, and host writes within Settings.UserCacheTTL. Neither has a
// Store built on a bun.Tx or bun.Conn (it lives as long as that
// transaction or connection), nor a database that Migrate has not brought
// up to date.

var _ core.ChangeFeed = (*Store)(nil)

// SubscribeChanges subscribes to the changes of users and revocations (see
// core.ChangeFeed). It needs a Store on a *bun.DB whose schema Migrate
// brought up to date; otherwise, and on an in-memory SQLite database, it
// returns an error wrapping core.ErrNoChangeFeed. On PostgreSQL the
// subscription holds two connections of its own, opened with the pool's
// settings (pgx only; application_name gets the suffix "/changefeed"); on
// a SQLite file, one.
func (s *Store) SubscribeChanges(ctx context.Context, heartbeat time.Duration) (core.ChangeSubscription, error) {
	if heartbeat <= 0 {
		return nil, fmt.Errorf("bunstore: SubscribeChanges: the heartbeat interval must be positive")
	}
	db, ok := s.db.(*bun.DB)
	if !ok {
		return nil, fmt.Errorf("bunstore: a Store on a transaction or connection: %w", core.ErrNoChangeFeed)
	}
	if s.pg {
		return subscribePostgres(ctx, db, heartbeat)
	}
	return subscribeSQLite(ctx, db, heartbeat)
}

// errTriggersGone is the loss of a subscription whose triggers were
// dropped or disabled while it was live.
var errTriggersGone = errors.New("the change-feed triggers are gone")

// parseChange decodes a change as the triggers write it: kind 'u' with a
// user id, kind 'r' with a jti; anything else, and a user id that does not
// parse, is a resync.
func parseChange(kind byte, key string) core.Change {
	switch kind {
	case 'u':
		if id, err := uuid.Parse(key); err == nil {
			return core.Change{Kind: core.ChangeUser, UserID: id}
		}
	case 'r':
		return core.Change{Kind: core.ChangeRevocation, JTI: key}
	}
	return core.Change{Kind: core.ChangeResync}
}
