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

// The change feed on PostgreSQL. The triggers of the change-feed migration
// (pgChangeFeed) notify the channel of their schema (pgChangeChannel) on
// every update or deletion of a user and every revocation; PostgreSQL delivers notifications only on
// commit, in commit order. A subscription holds two connections, opened
// with the pool's settings: one LISTENs to that channel and to a private
// one and does nothing else, so that a notification is passed on the
// moment it is committed; the other notifies the private channel every
// heartbeat interval. When that notification comes back, everything
// committed before it was sent has been received: the echo is the
// heartbeat. A connection that breaks (the backend terminated, the server
// restarted, the network gone) fails the wait or the ping at once; one
// that hangs without breaking fails when an echo is pingTimeout late.
//
// The pings have a connection of their own because a NOTIFY commit waits
// for every other NOTIFY-ing transaction of the cluster to commit (one
// lock serializes them), and PostgreSQL sends a connection its
// notifications only while it is idle: pinging on the listening connection
// delayed notifications by tens of milliseconds whenever a ping waited.

// pgChangeChannel is the SQL expression of the notification channel of the
// schema named by the text expression schema; the trigger function of the
// change-feed migration computes the same.
func pgChangeChannel(schema string) string {
	return `'zndraw_auth_' || to_hex(hashtext(` + schema + `))`
}

// The names of the triggers the change-feed migration creates, which a
// subscription requires.
const (
	pgUserTrigger       = "zndraw_auth_user_change"
	pgRevocationTrigger = "zndraw_auth_revocation_change"
)

// FeedApplicationSuffix is appended to the pool's application_name (or to
// "zndraw-auth") for the connections of a PostgreSQL change-feed
// subscription, so that they can be told apart in pg_stat_activity.
const FeedApplicationSuffix = "/changefeed"

// pgSubscription is a core.ChangeSubscription on PostgreSQL.
type pgSubscription struct {
	listener, pinger *pgx.Conn
	channel, echo    string // the shared channel and the private heartbeat channel
	heartbeat        time.Duration

	// lastReturn is when Next last returned: an echo certifies what it
	// must (see core.ChangeSubscription) only if its ping was sent after.
	lastReturn time.Time
	// seq numbers the pings; sentAt is when ping seq was sent (zero: no
	// echo awaited); nextAt is when the next ping is due.
	seq            uint64
	sentAt, nextAt time.Time
	// pinging is set while a ping runs on pinger; it reports on pinged.
	pinging bool
	pinged  chan error
	err     error
	closed  bool
}

// subscribePostgres opens the subscription's connections and LISTENs.
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
	var conns [2]*pgx.Conn
	closeAll := func() {
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		for _, c := range conns {
			if c != nil {
				_ = c.Close(closeCtx)
			}
		}
	}
	for i := range conns {
		if conns[i], err = pgx.ConnectConfig(ctx, cfg); err != nil {
			closeAll()
			return nil, fmt.Errorf("bunstore: change feed: connect: %w", mapErr(err))
		}
	}
	sub, err := listen(ctx, conns[0], heartbeat)
	if err != nil {
		closeAll()
		return nil, err
	}
	sub.pinger = conns[1]
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
	err := conn.QueryRow(ctx, `SELECT `+pgChangeChannel("n.nspname")+`, (`+pgTriggerCount+`)
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.oid = to_regclass('"user"')`).Scan(&channel, &triggers)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && triggers < 2) {
		return nil, fmt.Errorf("bunstore: the change-feed triggers are missing (run Migrate): %w", core.ErrNoChangeFeed)
	}
	if err != nil {
		return nil, fmt.Errorf("bunstore: change feed: %w", mapErr(err))
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	sub := &pgSubscription{listener: conn, channel: channel, echo: channel + "_" + hex.EncodeToString(b[:]),
		heartbeat: heartbeat, pinged: make(chan error, 1)}
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
		if err := s.pingResult(); err != nil {
			return core.Change{}, s.fail(fmt.Errorf("heartbeat: %w", err))
		}
		now := time.Now()
		if s.sentAt.IsZero() && !s.pinging && !now.Before(s.nextAt) {
			if ctx.Err() != nil {
				return core.Change{}, ctx.Err()
			}
			s.ping(now)
		}
		deadline := s.nextAt
		if !s.sentAt.IsZero() {
			deadline = s.sentAt.Add(s.pingTimeout())
			if !now.Before(deadline) {
				return core.Change{}, s.fail(fmt.Errorf("no heartbeat echo within %v", s.pingTimeout()))
			}
		}
		if s.pinging {
			// Look again soon for the ping's result.
			deadline = minTime(deadline, now.Add(s.heartbeat/4))
		}
		wctx, cancel := context.WithDeadline(ctx, deadline)
		n, err := s.listener.WaitForNotification(wctx)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return core.Change{}, ctx.Err()
			}
			if wctx.Err() != nil && !s.listener.IsClosed() {
				continue // the wait timed out: time for a heartbeat
			}
			return core.Change{}, s.fail(err)
		}
		if n == nil {
			continue
		}
		switch n.Channel {
		case s.echo:
			if s.sentAt.IsZero() || n.Payload != strconv.FormatUint(s.seq, 10) {
				continue
			}
			sent := s.sentAt
			s.sentAt = time.Time{}
			if sent.Before(s.lastReturn) {
				// Sent before the previous Next returned: it does not
				// certify enough. Ping again at once.
				s.nextAt = time.Now()
				continue
			}
			return s.returns(core.Change{Kind: core.ChangeHeartbeat})
		case s.channel:
			if n.Payload == "" {
				return s.returns(core.Change{Kind: core.ChangeResync})
			}
			return s.returns(parseChange(n.Payload[0], n.Payload[1:]))
		}
	}
}

// returns records when Next returned ch.
func (s *pgSubscription) returns(ch core.Change) (core.Change, error) {
	s.lastReturn = time.Now()
	return ch, nil
}

// ping starts the next heartbeat: a notification to the subscription's own
// channel, sent on the pinger connection in the background. It commits
// without waiting for the WAL to reach disk: the notification is delivered
// at commit either way, and it is no data. The same transaction checks
// that the triggers are still there and enabled: dropped or disabled while
// subscribed, they would leave the channel silent.
func (s *pgSubscription) ping(now time.Time) {
	s.seq++
	s.sentAt, s.nextAt = now, now.Add(s.heartbeat)
	s.pinging = true
	sql := "BEGIN; SET LOCAL synchronous_commit = off; " + pgTriggerCount + "; NOTIFY " + pgx.Identifier{s.echo}.Sanitize() +
		", '" + strconv.FormatUint(s.seq, 10) + "'; COMMIT"
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), s.pingTimeout())
		defer cancel()
		results, err := s.pinger.PgConn().Exec(ctx, sql).ReadAll()
		if err == nil && (len(results) < 3 || len(results[2].Rows) != 1 || string(results[2].Rows[0][0]) != "2") {
			err = errTriggersGone
		}
		s.pinged <- err
	}()
}

// pgTriggerCount counts the enabled change-feed triggers of the tables the
// search path finds: 2 when all is well.
const pgTriggerCount = `SELECT count(*) FROM pg_trigger t WHERE t.tgenabled <> 'D' AND (
	(t.tgrelid = to_regclass('"user"') AND t.tgname = '` + pgUserTrigger + `') OR
	(t.tgrelid = to_regclass('zndraw_auth_revoked_token') AND t.tgname = '` + pgRevocationTrigger + `'))`

// pingResult collects the result of a finished ping, if any.
func (s *pgSubscription) pingResult() error {
	if !s.pinging {
		return nil
	}
	select {
	case err := <-s.pinged:
		s.pinging = false
		return err
	default:
		return nil
	}
}

// fail records err: the subscription is dead.
func (s *pgSubscription) fail(err error) error {
	s.err = fmt.Errorf("bunstore: change feed lost: %w", err)
	return s.err
}

// Close closes the subscription's connections, once a running ping has
// ended (it ends within pingTimeout).
func (s *pgSubscription) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	if s.pinging {
		<-s.pinged
		s.pinging = false
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	return errors.Join(s.listener.Close(ctx), s.pinger.Close(ctx))
}

// backendPID is the PostgreSQL process id of the subscription's listening
// connection.
func (s *pgSubscription) backendPID() uint32 { return s.listener.PgConn().PID() }

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
