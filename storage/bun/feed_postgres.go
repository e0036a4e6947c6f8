package bunstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"

	"github.com/zincware/zndraw-auth-go/core"
)

// The change feed on PostgreSQL. The triggers of migration 7 notify the
// channel of their schema (pgChangeChannel) on every update or deletion of
// a user and every revocation; PostgreSQL delivers notifications only on
// commit, in commit order. A subscription is one connection, opened with
// the pool's settings, that LISTENs to that channel and to a private one
// of its own, on which it notifies itself every heartbeat interval: when
// that notification comes back, everything committed before it was sent
// has been received, so the echo is the heartbeat. A connection that
// breaks (the backend terminated, the server restarted, the network gone)
// fails the wait at once; one that hangs without breaking fails when an
// echo is pingTimeout late.

// pgChangeChannel is the SQL expression of the notification channel of the
// schema named by the text expression schema; the trigger function of
// migration 7 computes the same.
func pgChangeChannel(schema string) string {
	return `'zndraw_auth_' || to_hex(hashtext(` + schema + `))`
}

// The names of the triggers migration 7 creates, which a subscription
// requires.
const (
	pgUserTrigger       = "zndraw_auth_user_change"
	pgRevocationTrigger = "zndraw_auth_revocation_change"
)

// FeedApplicationSuffix is appended to the pool's application_name (or to
// "zndraw-auth") for the connection of a PostgreSQL change-feed
// subscription, so that it can be told apart in pg_stat_activity.
const FeedApplicationSuffix = "/changefeed"

// pgSubscription is a core.ChangeSubscription on PostgreSQL.
type pgSubscription struct {
	conn          *pgx.Conn
	channel, echo string // the shared channel and the private heartbeat channel
	heartbeat     time.Duration
	// seq numbers the heartbeat notifications; sentAt is when the one
	// awaited was sent (zero: none is awaited); nextAt is when the next
	// one is due.
	seq            uint64
	sentAt, nextAt time.Time
	err            error
}

// subscribePostgres opens the subscription's connection and LISTENs.
func subscribePostgres(ctx context.Context, db *bun.DB, heartbeat time.Duration) (core.ChangeSubscription, error) {
	cfg, err := pgxConfig(ctx, db)
	if err != nil {
		return nil, err
	}
	app := cfg.RuntimeParams["application_name"]
	if app == "" {
		app = "zndraw-auth"
	}
	cfg.RuntimeParams["application_name"] = app + FeedApplicationSuffix
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("bunstore: change feed: connect: %w", mapErr(err))
	}
	sub, err := listen(ctx, conn, heartbeat)
	if err != nil {
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		_ = conn.Close(closeCtx)
		return nil, err
	}
	return sub, nil
}

// pgxConfig returns the configuration of the pool's pgx connections.
func pgxConfig(ctx context.Context, db *bun.DB) (*pgx.ConnConfig, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("bunstore: change feed: %w", mapErr(err))
	}
	defer conn.Close()
	var cfg *pgx.ConnConfig
	err = conn.Raw(func(dc any) error {
		if c, ok := dc.(*stdlib.Conn); ok {
			cfg = c.Conn().Config()
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bunstore: change feed: %w", mapErr(err))
	}
	if cfg == nil {
		return nil, fmt.Errorf("bunstore: the PostgreSQL driver is not pgx: %w", core.ErrNoChangeFeed)
	}
	// The copy still routes notifications (and notices) to the pool
	// connection it came from; the new connection gets its own.
	cfg.OnNotification = nil
	cfg.OnNotice = nil
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	return cfg, nil
}

// listen checks that the triggers are in place and LISTENs to the
// schema's channel and a private heartbeat channel.
func listen(ctx context.Context, conn *pgx.Conn, heartbeat time.Duration) (*pgSubscription, error) {
	var channel string
	var triggers int
	err := conn.QueryRow(ctx, `SELECT `+pgChangeChannel("n.nspname")+`,
			(SELECT count(*) FROM pg_trigger t WHERE t.tgenabled <> 'D' AND (
				(t.tgrelid = c.oid AND t.tgname = $1) OR
				(t.tgrelid = to_regclass('zndraw_auth_revoked_token') AND t.tgname = $2)))
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.oid = to_regclass('"user"')`, pgUserTrigger, pgRevocationTrigger).Scan(&channel, &triggers)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && triggers < 2) {
		return nil, fmt.Errorf("bunstore: the change-feed triggers are missing (run Migrate): %w", core.ErrNoChangeFeed)
	}
	if err != nil {
		return nil, fmt.Errorf("bunstore: change feed: %w", mapErr(err))
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	sub := &pgSubscription{conn: conn, channel: channel, echo: channel + "_" + hex.EncodeToString(b[:]), heartbeat: heartbeat}
	for _, ch := range []string{sub.channel, sub.echo} {
		if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{ch}.Sanitize()); err != nil {
			return nil, fmt.Errorf("bunstore: change feed: LISTEN: %w", mapErr(err))
		}
	}
	sub.nextAt = time.Now().Add(heartbeat)
	return sub, nil
}

// pingTimeout is how late a heartbeat echo may be before the subscription
// counts as lost.
func (s *pgSubscription) pingTimeout() time.Duration { return 4 * s.heartbeat }

// Next returns the next change, or the heartbeat echo.
func (s *pgSubscription) Next(ctx context.Context) (core.Change, error) {
	if s.err != nil {
		return core.Change{}, s.err
	}
	for {
		now := time.Now()
		if s.sentAt.IsZero() && !now.Before(s.nextAt) {
			if ctx.Err() != nil {
				return core.Change{}, ctx.Err()
			}
			if err := s.ping(ctx, now); err != nil {
				// Interrupted or not, the connection's state is unknown.
				return core.Change{}, s.fail(err)
			}
			continue
		}
		deadline := s.nextAt
		if !s.sentAt.IsZero() {
			deadline = s.sentAt.Add(s.pingTimeout())
			if !now.Before(deadline) {
				return core.Change{}, s.fail(fmt.Errorf("no heartbeat echo within %v", s.pingTimeout()))
			}
		}
		wctx, cancel := context.WithDeadline(ctx, deadline)
		n, err := s.conn.WaitForNotification(wctx)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return core.Change{}, ctx.Err()
			}
			if wctx.Err() != nil && !s.conn.IsClosed() {
				continue // the wait timed out: time for a heartbeat
			}
			return core.Change{}, s.fail(err)
		}
		if n == nil {
			continue
		}
		switch n.Channel {
		case s.echo:
			if !s.sentAt.IsZero() && n.Payload == strconv.FormatUint(s.seq, 10) {
				s.sentAt = time.Time{}
				return core.Change{Kind: core.ChangeHeartbeat}, nil
			}
		case s.channel:
			if n.Payload == "" {
				return core.Change{Kind: core.ChangeResync}, nil
			}
			return parseChange(n.Payload[0], n.Payload[1:]), nil
		}
	}
}

// ping sends the next heartbeat notification to the subscription's own
// channel. It commits without waiting for the WAL to reach disk: the
// notification is delivered at commit either way, and it is no data.
func (s *pgSubscription) ping(ctx context.Context, now time.Time) error {
	s.seq++
	s.sentAt, s.nextAt = now, now.Add(s.heartbeat)
	pctx, cancel := context.WithTimeout(ctx, s.pingTimeout())
	defer cancel()
	_, err := s.conn.PgConn().Exec(pctx, "BEGIN; SET LOCAL synchronous_commit = off; NOTIFY "+
		pgx.Identifier{s.echo}.Sanitize()+", '"+strconv.FormatUint(s.seq, 10)+"'; COMMIT").ReadAll()
	return err
}

// fail records err: the subscription is dead.
func (s *pgSubscription) fail(err error) error {
	s.err = fmt.Errorf("bunstore: change feed lost: %w", err)
	return s.err
}

// Close closes the subscription's connection.
func (s *pgSubscription) Close() error {
	if s.conn.IsClosed() {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	return s.conn.Close(ctx)
}

// backendPID is the PostgreSQL process id of the subscription's
// connection.
func (s *pgSubscription) backendPID() uint32 { return s.conn.PgConn().PID() }
