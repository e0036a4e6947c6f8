package core

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// The Service's side of a ChangeFeed: one goroutine per Service subscribes,
// applies every change to the caches (tokencache.go) and keeps the feed's
// state, which decides what a token check may take from them.

// Timing of the subscription.
const (
	// feedHeartbeat is the heartbeat interval the Service asks of its
	// subscription.
	feedHeartbeat = 100 * time.Millisecond
	// feedMaxSilence is how long after the subscription last proved that
	// it was caught up the caches may still be used; a Next that returns
	// nothing for that long counts as a lost subscription. It bounds how
	// late a change is seen when the subscription dies without a word.
	feedMaxSilence = 500 * time.Millisecond
	// feedRetryMin and feedRetryMax bound the pause between failed
	// attempts to subscribe (doubling from the first to the second).
	feedRetryMin = 25 * time.Millisecond
	feedRetryMax = 2 * time.Second
)

// ChangeFeedState is the state of a Service's change-feed subscription.
type ChangeFeedState uint8

// The states of ChangeFeedStatus.State.
const (
	// ChangeFeedOff: the Service has no feed: its store offers none,
	// Settings.UserCacheTTL is 0, or the Service was closed. Token checks
	// follow UserCacheTTL.
	ChangeFeedOff ChangeFeedState = iota
	// ChangeFeedDown: the store offers a feed but the subscription is not
	// live (starting, lost, or silent for too long): every token check
	// reads the store.
	ChangeFeedDown
	// ChangeFeedLive: the subscription is live and caught up: token checks
	// answer from the caches.
	ChangeFeedLive
)

// String returns the state's name.
func (s ChangeFeedState) String() string {
	switch s {
	case ChangeFeedOff:
		return "off"
	case ChangeFeedDown:
		return "down"
	case ChangeFeedLive:
		return "live"
	}
	return "unknown"
}

// ChangeFeedStatus describes a Service's change-feed subscription, for
// health checks and metrics.
type ChangeFeedStatus struct {
	// State is the state at the moment of the call.
	State ChangeFeedState
	// Subscriptions counts the subscriptions that went live (the first
	// one and every resubscription after a loss).
	Subscriptions uint64
	// Losses counts the subscriptions that were lost (failed, fell
	// silent, or reported a resync).
	Losses uint64
	// Changes counts the change events applied (heartbeats excluded).
	Changes uint64
}

// feedRunner is the subscription goroutine of a Service.
type feedRunner struct {
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once

	// maxSilence and heartbeat are feedMaxSilence and feedHeartbeat
	// (tests shorten them).
	maxSilence, heartbeat time.Duration

	subscriptions, losses, changes atomic.Uint64
}

// startFeed starts the subscription goroutine when the store offers a feed
// and the caches are on.
func (s *Service) startFeed() {
	feed, ok := s.base.(ChangeFeed)
	if !ok || s.cache.ttl <= 0 {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := s.feedRunner
	r.cancel, r.done = cancel, make(chan struct{})
	s.cache.feed.Store(feedDown)
	go s.runFeed(ctx, feed)
}

// Close stops the Service's change-feed subscription, if it has one, and
// waits until it has ended; it is safe to call more than once. Call it
// when the Service is no longer needed: a Service on a store with a
// ChangeFeed holds a goroutine and, for a database, a connection. After
// Close the Service still works, as on a store without a feed (see
// Settings.UserCacheTTL). At shutdown call Drain first (deliveries may
// still read the store), then Close.
func (s *Service) Close() error {
	r := s.feedRunner
	r.once.Do(func() {
		if r.cancel == nil {
			return
		}
		r.cancel()
		<-r.done
	})
	return nil
}

// ChangeFeedStatus returns the state of the Service's change-feed
// subscription and its counters.
func (s *Service) ChangeFeedStatus() ChangeFeedStatus {
	r := s.feedRunner
	st := ChangeFeedStatus{
		Subscriptions: r.subscriptions.Load(),
		Losses:        r.losses.Load(),
		Changes:       r.changes.Load(),
	}
	switch s.cache.feed.Load() {
	case feedDown:
		st.State = ChangeFeedDown
	case feedLive:
		st.State = ChangeFeedDown
		if s.cache.policy(s.clock.Now(), false) == useFeed {
			st.State = ChangeFeedLive
		}
	}
	return st
}

// runFeed subscribes, consumes, and subscribes again after every loss,
// until ctx is cancelled or the store says it offers no feed.
func (s *Service) runFeed(ctx context.Context, feed ChangeFeed) {
	r, c := s.feedRunner, s.cache
	defer close(r.done)
	defer c.feed.Store(feedNone)
	defer c.trustedUntil.Store(0)
	pause := time.Duration(0)
	for {
		if !sleepCtx(ctx, pause) {
			return
		}
		sub, err := feed.SubscribeChanges(ctx, r.heartbeat)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			if errors.Is(err, ErrNoChangeFeed) {
				s.log.Info("zndraw-auth: the store offers no change feed; changes made elsewhere are seen within the user cache TTL",
					"ttl", c.ttl, "reason", err)
				return
			}
			level := slog.LevelDebug
			if pause == 0 {
				level = slog.LevelWarn // the first failure of a series
			}
			pause = min(max(2*pause, feedRetryMin), feedRetryMax)
			s.log.Log(ctx, level, "zndraw-auth: change feed: cannot subscribe; every token check reads the store",
				"error", err, "retry_in", pause)
			continue
		}
		// Listening again: drop what was cached before, then trust.
		c.flush()
		c.trustedUntil.Store(s.clock.Now().Add(r.maxSilence).UnixNano())
		c.feed.Store(feedLive)
		if n := r.subscriptions.Add(1); n > 1 {
			s.log.Info("zndraw-auth: change feed live again", "subscriptions", n)
		}
		err = s.consume(ctx, sub)
		c.feed.Store(feedDown)
		c.trustedUntil.Store(0)
		_ = sub.Close()
		if ctx.Err() != nil {
			return
		}
		r.losses.Add(1)
		if errors.Is(err, errFeedResync) {
			s.log.Info("zndraw-auth: change feed asked for a resync; subscribing again")
		} else {
			s.log.Warn("zndraw-auth: change feed lost; every token check reads the store until it is back", "error", err)
		}
		pause = 0
	}
}

// errFeedSilent is the loss of a subscription that said nothing for
// feedMaxSilence.
var errFeedSilent = errors.New("zndraw-auth: change feed: no heartbeat in time")

// errFeedResync ends a subscription that reported a resync; the caller
// flushes when it subscribes again.
var errFeedResync = errors.New("zndraw-auth: change feed: resync")

// consume applies the events of sub until it fails.
func (s *Service) consume(ctx context.Context, sub ChangeSubscription) error {
	r, c := s.feedRunner, s.cache
	prev := s.clock.Now()
	for {
		nctx, cancel := context.WithTimeout(ctx, r.maxSilence)
		ch, err := sub.Next(nctx)
		silent := nctx.Err() != nil && ctx.Err() == nil
		cancel()
		if err != nil {
			if silent {
				return errors.Join(errFeedSilent, err)
			}
			return err
		}
		returned := s.clock.Now()
		switch ch.Kind {
		case ChangeHeartbeat:
			// Everything committed before the previous Next returned
			// has been applied.
			c.trustedUntil.Store(prev.Add(r.maxSilence).UnixNano())
		case ChangeUser:
			r.changes.Add(1)
			c.userChanged(ch.UserID)
		case ChangeRevocation:
			r.changes.Add(1)
			c.revocationChanged(ch.JTI)
		default:
			// A resync (or a kind this Service does not know): nothing
			// cached can be trusted. Subscribing again flushes, in the
			// order a loss needs.
			r.changes.Add(1)
			return errFeedResync
		}
		prev = returned
	}
}

// sleepCtx waits d, and reports false if ctx ended first.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
