package memstore

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/zincware/zndraw-auth-go/core"
)

// The Store's core.ChangeFeed. Every Service on the Store subscribes, so a
// change written to the Store directly (by host code, or by another
// Service on the same Store) reaches every Service's token checks at once,
// and those answer from their caches in between.
//
// Each update or deletion of a user and each revocation is handed to every
// subscription while the write still holds the Store's lock, so events
// follow the order of the writes and a reader that receives one sees the
// write. A subscription buffers subscriptionBuffer events; a subscriber
// that falls further behind gets core.ChangeResync instead of the events
// it missed.

// subscriptionBuffer is how many undelivered events a subscription holds.
const subscriptionBuffer = 1024

var _ core.ChangeFeed = (*Store)(nil)

// errSubscriptionClosed is what Next returns after Close.
var errSubscriptionClosed = errors.New("memstore: subscription closed")

// subscription is one core.ChangeSubscription of the Store.
type subscription struct {
	store     *Store
	heartbeat time.Duration
	events    chan core.Change
	// overflow is set when an event did not fit in events.
	overflow atomic.Bool
	done     chan struct{}
	once     sync.Once
}

// SubscribeChanges subscribes to the changes of users and revocations
// written to the Store from now on; heartbeat is how often the
// subscription reports that it is caught up (see core.ChangeSubscription).
func (s *Store) SubscribeChanges(ctx context.Context, heartbeat time.Duration) (core.ChangeSubscription, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	if heartbeat <= 0 {
		return nil, errors.New("memstore: SubscribeChanges: the heartbeat interval must be positive")
	}
	sub := &subscription{store: s, heartbeat: heartbeat, events: make(chan core.Change, subscriptionBuffer), done: make(chan struct{})}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.subs == nil {
		s.subs = make(map[*subscription]struct{})
	}
	s.subs[sub] = struct{}{}
	return sub, nil
}

// publish hands ch to every subscription. The caller holds s.mu for
// writing.
func (s *Store) publish(ch core.Change) {
	for sub := range s.subs {
		select {
		case sub.events <- ch:
		default:
			sub.overflow.Store(true)
		}
	}
}

// userChanged publishes a change of user id (the caller holds s.mu).
func (s *Store) userChanged(id uuid.UUID) {
	s.publish(core.Change{Kind: core.ChangeUser, UserID: id})
}

// Next returns the next change, a heartbeat when none arrived for the
// heartbeat interval, or core.ChangeResync after events were dropped.
func (sub *subscription) Next(ctx context.Context) (core.Change, error) {
	select {
	case <-sub.done:
		return core.Change{}, errSubscriptionClosed
	default:
	}
	if sub.overflow.Swap(false) {
		return core.Change{Kind: core.ChangeResync}, nil
	}
	select {
	case ch := <-sub.events:
		return ch, nil
	default:
	}
	t := time.NewTimer(sub.heartbeat)
	defer t.Stop()
	select {
	case ch := <-sub.events:
		return ch, nil
	case <-t.C:
		// Events are buffered as they are written, so an empty buffer
		// means every earlier write has been delivered.
		select {
		case ch := <-sub.events:
			return ch, nil
		default:
		}
		if sub.overflow.Swap(false) {
			return core.Change{Kind: core.ChangeResync}, nil
		}
		return core.Change{Kind: core.ChangeHeartbeat}, nil
	case <-ctx.Done():
		return core.Change{}, ctx.Err()
	case <-sub.done:
		return core.Change{}, errSubscriptionClosed
	}
}

// Close ends the subscription.
func (sub *subscription) Close() error {
	sub.once.Do(func() {
		sub.store.mu.Lock()
		delete(sub.store.subs, sub)
		sub.store.mu.Unlock()
		close(sub.done)
	})
	return nil
}
