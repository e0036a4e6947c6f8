package bunstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/driver/sqliteshim"

	"github.com/zincware/zndraw-auth-go/core"
)

// The change feed on a SQLite file. The triggers of the change-feed
// migration (sqliteChangeFeed) append every update or deletion of a user
// and every revocation to the change log zndraw_auth_change, in the
// writing transaction; SQLite serializes writers, so seq counts the
// changes one by one in commit order. A
// subscription holds a connection of its own to the file and asks it every
// sqlitePollInterval whether anyone committed since its last look (PRAGMA
// data_version, a few microseconds, no table read); only then does it read
// the log past the last seq it delivered. A gap in seq (the log was pruned
// past it) is reported as a resync. Each poll sees every commit before it,
// so a poll that finds nothing new is the heartbeat.
//
// Measured on the kit's 2-core test machine (modernc.org/sqlite): PRAGMA
// data_version 4.9 µs, SELECT max(seq) 9.6 µs, the log read 11 µs; a
// commit by another connection was seen 1.2 ms later with a 1 ms poll.
// Polling every 2 ms costs about 0.25 % of a core per instance.

// sqlitePollInterval is how often a subscription looks for new commits.
const sqlitePollInterval = 2 * time.Millisecond

// sqliteLogBatch is how many log rows one read returns at most.
const sqliteLogBatch = 512

// The names of the triggers the change-feed migration creates, which a
// subscription requires.
var sqliteFeedTriggers = []string{"zndraw_auth_user_update", "zndraw_auth_user_delete", "zndraw_auth_revocation_insert"}

// sqliteSubscription is a core.ChangeSubscription on a SQLite file.
type sqliteSubscription struct {
	db        *sql.DB
	conn      *sql.Conn
	heartbeat time.Duration
	// last is the seq of the last change delivered; version the last
	// data_version seen (-1: read the log at the next poll).
	last, version int64
	beatAt        time.Time // when the last heartbeat was returned
	pending       []core.Change
	err           error
	closed        sync.Once
}

// subscribeSQLite opens the subscription's connection to db's file.
func subscribeSQLite(ctx context.Context, db *bun.DB, heartbeat time.Duration) (core.ChangeSubscription, error) {
	var path string
	rows, err := db.QueryContext(ctx, `SELECT name, file FROM pragma_database_list`)
	if err != nil {
		return nil, fmt.Errorf("bunstore: change feed: %w", mapErr(err))
	}
	for rows.Next() {
		var name, file string
		if err := rows.Scan(&name, &file); err != nil {
			rows.Close()
			return nil, fmt.Errorf("bunstore: change feed: %w", mapErr(err))
		}
		if name == "main" {
			path = file
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("bunstore: change feed: %w", mapErr(err))
	}
	if path == "" {
		return nil, fmt.Errorf("bunstore: an in-memory SQLite database: %w", core.ErrNoChangeFeed)
	}
	var triggers int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN (?)`,
		bun.In(sqliteFeedTriggers)).Scan(&triggers); err != nil {
		return nil, fmt.Errorf("bunstore: change feed: %w", mapErr(err))
	}
	if triggers < len(sqliteFeedTriggers) {
		return nil, fmt.Errorf("bunstore: the change-feed triggers are missing (run Migrate): %w", core.ErrNoChangeFeed)
	}
	dsn := fmt.Sprintf("%s?_pragma=busy_timeout(%d)", sqliteFileURI(path), sqliteBusyTimeout.Milliseconds())
	sqldb, err := sql.Open(sqliteshim.ShimName, dsn)
	if err != nil {
		return nil, fmt.Errorf("bunstore: change feed: open %s: %w", path, err)
	}
	sqldb.SetMaxOpenConns(1)
	conn, err := sqldb.Conn(ctx)
	if err == nil {
		s := &sqliteSubscription{db: sqldb, conn: conn, heartbeat: heartbeat, version: -1, beatAt: time.Now()}
		// Start after the highest seq ever assigned (AUTOINCREMENT keeps
		// it in sqlite_sequence), even if the log was emptied since.
		if err = conn.QueryRowContext(ctx, `SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'zndraw_auth_change'),
			(SELECT max(seq) FROM zndraw_auth_change), 0)`).Scan(&s.last); err == nil {
			return s, nil
		}
		_ = conn.Close()
	}
	_ = sqldb.Close()
	return nil, fmt.Errorf("bunstore: change feed: %w", mapErr(err))
}

// Next returns the next change, or a heartbeat after a poll that found
// nothing new once the heartbeat interval has passed.
func (s *sqliteSubscription) Next(ctx context.Context) (core.Change, error) {
	if s.err != nil {
		return core.Change{}, s.err
	}
	for {
		if len(s.pending) > 0 {
			ch := s.pending[0]
			s.pending = s.pending[1:]
			return ch, nil
		}
		if err := s.poll(ctx); err != nil {
			if ctx.Err() != nil {
				return core.Change{}, ctx.Err()
			}
			s.err = fmt.Errorf("bunstore: change feed lost: %w", err)
			return core.Change{}, s.err
		}
		if len(s.pending) > 0 {
			continue
		}
		now := time.Now()
		if now.Sub(s.beatAt) >= s.heartbeat {
			// Triggers dropped while subscribed (by a migration that
			// rebuilds a table, or by hand) would leave the log silent:
			// a heartbeat also checks that they are there.
			if err := s.checkTriggers(ctx); err != nil {
				if ctx.Err() != nil {
					return core.Change{}, ctx.Err()
				}
				s.err = fmt.Errorf("bunstore: change feed lost: %w", err)
				return core.Change{}, s.err
			}
			s.beatAt = now
			return core.Change{Kind: core.ChangeHeartbeat}, nil
		}
		t := time.NewTimer(min(sqlitePollInterval, s.heartbeat-now.Sub(s.beatAt)))
		select {
		case <-ctx.Done():
			t.Stop()
			return core.Change{}, ctx.Err()
		case <-t.C:
		}
	}
}

// checkTriggers fails unless the change-feed triggers exist.
func (s *sqliteSubscription) checkTriggers(ctx context.Context) error {
	var n int
	if err := s.conn.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN (?, ?, ?)`,
		sqliteFeedTriggers[0], sqliteFeedTriggers[1], sqliteFeedTriggers[2]).Scan(&n); err != nil {
		return err
	}
	if n < len(sqliteFeedTriggers) {
		return errTriggersGone
	}
	return nil
}

// poll reads the log past s.last into s.pending if anyone committed since
// the last poll.
func (s *sqliteSubscription) poll(ctx context.Context) error {
	var version int64
	if err := s.conn.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&version); err != nil {
		return err
	}
	if version == s.version {
		return nil
	}
	rows, err := s.conn.QueryContext(ctx, `SELECT seq, kind, key FROM zndraw_auth_change WHERE seq > ? ORDER BY seq LIMIT ?`,
		s.last, sqliteLogBatch)
	if err != nil {
		return err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var seq int64
		var kind, key string
		if err := rows.Scan(&seq, &kind, &key); err != nil {
			return err
		}
		if seq != s.last+1 {
			// Pruned before this subscription read it.
			s.pending = append(s.pending, core.Change{Kind: core.ChangeResync})
		}
		s.last = seq
		if kind == "" {
			kind = "?"
		}
		s.pending = append(s.pending, parseChange(kind[0], key))
		n++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n < sqliteLogBatch {
		// Caught up: the next poll reads the log only after a commit.
		s.version = version
	}
	return nil
}

// Close closes the subscription's connection.
func (s *sqliteSubscription) Close() error {
	var err error
	s.closed.Do(func() {
		err = s.conn.Close()
		if errors.Is(err, sql.ErrConnDone) {
			err = nil // closed under it
		}
		err = errors.Join(err, s.db.Close())
	})
	return err
}
