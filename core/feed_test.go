package core_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zincware/zndraw-auth-go/core"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// feedStore is a store with a change feed: a memstore, or a test store
// built on one.
type feedStore interface {
	core.Store
	core.ChangeFeed
}

// controlledFeed is a store whose change feed the test controls: it can
// refuse new subscriptions, kill the open ones (their Next fails), mute
// them (from then on every event and heartbeat is dropped: subscriptions
// that died without a word), inject events, or say it offers no feed at
// all. It counts subscriptions and closes.
type controlledFeed struct {
	feedStore
	refuse, unsupported atomic.Bool
	subscribes, closes  atomic.Int64

	mu     sync.Mutex
	open   []*controlledSub
	inject chan core.Change
}

func newControlledFeed(st feedStore) *controlledFeed {
	return &controlledFeed{feedStore: st, inject: make(chan core.Change, 16)}
}

var errKilled = errors.New("subscription killed by the test")

func (f *controlledFeed) SubscribeChanges(ctx context.Context, heartbeat time.Duration) (core.ChangeSubscription, error) {
	if f.unsupported.Load() {
		return nil, fmt.Errorf("test store: %w", core.ErrNoChangeFeed)
	}
	f.subscribes.Add(1)
	if f.refuse.Load() {
		return nil, errDown
	}
	inner, err := f.feedStore.SubscribeChanges(ctx, heartbeat)
	if err != nil {
		return nil, err
	}
	killed, kill := context.WithCancel(context.Background())
	sub := &controlledSub{inner: inner, f: f, killed: killed, kill: kill}
	f.mu.Lock()
	f.open = append(f.open, sub)
	f.mu.Unlock()
	return sub, nil
}

// kill makes every open subscription fail.
func (f *controlledFeed) kill() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, s := range f.open {
		s.kill()
	}
	f.open = nil
}

// mute silences every open subscription for good.
func (f *controlledFeed) mute() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, s := range f.open {
		s.muted.Store(true)
	}
	f.open = nil
}

type controlledSub struct {
	inner  core.ChangeSubscription
	f      *controlledFeed
	killed context.Context
	kill   context.CancelFunc
	muted  atomic.Bool
}

func (s *controlledSub) Next(ctx context.Context) (core.Change, error) {
	for {
		select {
		case ch := <-s.f.inject:
			return ch, nil
		default:
		}
		nctx, cancel := context.WithCancel(ctx)
		stop := context.AfterFunc(s.killed, cancel)
		ch, err := s.inner.Next(nctx)
		stop()
		cancel()
		if s.killed.Err() != nil {
			return core.Change{}, errKilled
		}
		if err != nil || !s.muted.Load() {
			return ch, err
		}
	}
}

func (s *controlledSub) Close() error {
	s.f.closes.Add(1)
	s.kill()
	return s.inner.Close()
}

// eventually calls f until it returns nil, for at most 10 s: for what an
// event delivered in the background brings about.
func eventually(t *testing.T, what string, f func() error) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still %v after 10 s", what, err)
		}
		time.Sleep(time.Millisecond)
	}
}

// expect returns nil when err is want (errors.Is, or both nil).
func expect(err, want error) error {
	if (want == nil && err == nil) || (want != nil && errors.Is(err, want)) {
		return nil
	}
	return fmt.Errorf("got %v, want %v", err, want)
}

// waitSubscriptions waits until svc's feed went live n times and is live.
func waitSubscriptions(t *testing.T, svc *core.Service, n uint64) {
	t.Helper()
	eventually(t, "feed live again", func() error {
		if st := svc.ChangeFeedStatus(); st.Subscriptions < n || st.State != core.ChangeFeedLive {
			return fmt.Errorf("status %+v", st)
		}
		return nil
	})
}

// TestFeedPropagatesEveryChange: two instances on one store with a change
// feed, a cache TTL far longer than the test and a clock that never
// moves: only the feed can bring each change made on one instance (or
// written to the store by host code) to the other.
func TestFeedPropagatesEveryChange(t *testing.T) {
	for _, tc := range []struct {
		name string
		// act changes state on instance b (or in the store) after tok was
		// checked on instance a.
		act          func(e *env, b *core.Service, user, admin core.User, tok string)
		access       core.Access
		impersonated bool
		// wantBefore and wantAfter are the errors of checking tok on a
		// with access before and after act.
		wantBefore, wantAfter error
		// check, when set, is checked on the principal after act.
		check func(p *core.Principal) error
	}{
		{name: "logout", act: func(e *env, b *core.Service, _, _ core.User, tok string) {
			p, err := b.CurrentUser(e.ctx, tok, core.AccessActive)
			require.NoError(e.t, err)
			require.NoError(e.t, b.Logout(e.ctx, p, core.RequestMeta{}))
		}, wantAfter: core.ErrUnauthorized},
		{name: "logout everywhere", act: func(e *env, b *core.Service, u, _ core.User, _ string) {
			require.NoError(e.t, b.LogoutEverywhere(e.ctx, u, core.RequestMeta{}))
		}, wantAfter: core.ErrUnauthorized},
		{name: "password change", act: func(e *env, b *core.Service, u, _ core.User, _ string) {
			_, err := b.UpdateSelf(e.ctx, &core.Principal{User: u}, core.UserUpdate{Password: ptr("another passphrase")}, core.RequestMeta{})
			require.NoError(e.t, err)
		}, wantAfter: core.ErrUnauthorized},
		{name: "password reset", act: func(e *env, b *core.Service, u, _ core.User, _ string) {
			require.NoError(e.t, b.ResetPassword(e.ctx, e.forgotToken(u.Email), "another passphrase", core.RequestMeta{}))
		}, wantAfter: core.ErrUnauthorized},
		{name: "deactivation", act: func(e *env, b *core.Service, u, _ core.User, _ string) {
			_, err := b.UpdateUser(e.ctx, u, core.UserUpdate{IsActive: ptr(false)}, core.RequestMeta{})
			require.NoError(e.t, err)
		}, wantAfter: core.ErrUnauthorized},
		{name: "deletion", act: func(e *env, b *core.Service, u, _ core.User, _ string) {
			require.NoError(e.t, b.DeleteUser(e.ctx, u, core.RequestMeta{}))
		}, wantAfter: core.ErrUnauthorized},
		{name: "verification", act: func(e *env, b *core.Service, u, _ core.User, _ string) {
			_, err := b.Verify(e.ctx, e.verifyToken(u.Email), core.RequestMeta{})
			require.NoError(e.t, err)
		}, access: core.Access{Verified: true}, wantBefore: core.ErrForbidden},
		{name: "email change", act: func(e *env, b *core.Service, u, _ core.User, _ string) {
			_, err := b.UpdateUser(e.ctx, u, core.UserUpdate{Email: ptr("new@example.com")}, core.RequestMeta{})
			require.NoError(e.t, err)
		}, check: func(p *core.Principal) error {
			if p.User.Email != "new@example.com" {
				return fmt.Errorf("email %q", p.User.Email)
			}
			return nil
		}},
		{name: "impersonating admin demoted", act: func(e *env, b *core.Service, _, admin core.User, _ string) {
			_, err := b.UpdateUser(e.ctx, admin, core.UserUpdate{IsSuperuser: ptr(false)}, core.RequestMeta{})
			require.NoError(e.t, err)
		}, impersonated: true, wantAfter: core.ErrUnauthorized},
		{name: "impersonating admin deactivated", act: func(e *env, b *core.Service, _, admin core.User, _ string) {
			_, err := b.UpdateUser(e.ctx, admin, core.UserUpdate{IsActive: ptr(false)}, core.RequestMeta{})
			require.NoError(e.t, err)
		}, impersonated: true, wantAfter: core.ErrUnauthorized},
		{name: "host code deactivates in the store", act: func(e *env, _ *core.Service, u, _ core.User, _ string) {
			_, err := e.mem.UpdateUser(e.ctx, u.ID, core.UserPatch{IsActive: ptr(false)})
			require.NoError(e.t, err)
		}, wantAfter: core.ErrUnauthorized},
		{name: "host code deletes in the store", act: func(e *env, _ *core.Service, u, _ core.User, _ string) {
			require.NoError(e.t, e.mem.DeleteUser(e.ctx, u.ID))
		}, wantAfter: core.ErrUnauthorized},
		{name: "host code revokes in the store", act: func(e *env, b *core.Service, _, _ core.User, tok string) {
			p, err := b.CurrentUser(e.ctx, tok, core.AccessActive)
			require.NoError(e.t, err)
			require.NoError(e.t, e.mem.RevokeToken(e.ctx, p.Token.ID, p.Token.ExpiresAt))
		}, wantAfter: core.ErrUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := newReadCountingStore()
			e := newEnv(t, withStore(st), cacheTTL(time.Minute))
			e.mem = st.Store
			a, b := e.svc, e.sibling()
			admin := e.createUser("admin@example.com", true, true, true)
			u := e.user("a@example.com")
			tok := e.login(u.Email)
			if tc.impersonated {
				var err error
				tok, err = a.MintImpersonationToken(e.ctx, e.principal(e.login(admin.Email)), u.ID, core.RequestMeta{})
				require.NoError(t, err)
			}
			for range 2 { // "not revoked" is kept from the second check on
				require.NoError(t, expect(e.check(a, tok, tc.access), tc.wantBefore))
			}
			reads := st.reads()
			for range 3 {
				require.NoError(t, expect(e.check(a, tok, tc.access), tc.wantBefore))
			}
			require.Equal(t, reads, st.reads(), "a answers from its caches while the feed is live")
			tc.act(e, b, u, admin, tok)
			eventually(t, "instance a sees the change", func() error {
				p, err := a.CurrentUser(e.ctx, tok, tc.access)
				if err := expect(err, tc.wantAfter); err != nil {
					return err
				}
				if tc.check != nil {
					return tc.check(p)
				}
				return nil
			})
			assert.Equal(t, e.check(e.sibling(), tok, tc.access), e.check(a, tok, tc.access), "a fresh instance decides the same")
		})
	}
}

// TestFeedSilentSubscription: a subscription that stops delivering
// without an error (a dead connection nobody closed) is trusted for at
// most the feed's silence bound; after it every check reads the store,
// and the Service subscribes again by itself and drops what it cached.
func TestFeedSilentSubscription(t *testing.T) {
	mem := memstore.New()
	st := newControlledFeed(mem)
	e := newEnv(t, withStore(st), cacheTTL(time.Minute))
	e.mem = mem
	u, v := e.user("u@example.com"), e.user("v@example.com")
	tokU, tokV := e.login(u.Email), e.login(v.Email)
	pU := e.principal(tokU)
	e.principal(tokV)

	st.mute()
	// Changes the muted feed never reports.
	require.NoError(t, mem.RevokeToken(e.ctx, pU.Token.ID, pU.Token.ExpiresAt))
	_, err := mem.UpdateUser(e.ctx, v.ID, core.UserPatch{IsActive: ptr(false)})
	require.NoError(t, err)
	// Within the bound the caches may still answer; past it they may not,
	// whether or not the Service has noticed the silence yet.
	e.clock.Advance(core.FeedMaxSilence)
	require.ErrorIs(t, e.check(e.svc, tokU, core.AccessActive), core.ErrUnauthorized, "revoked")
	require.ErrorIs(t, e.check(e.svc, tokV, core.AccessActive), core.ErrUnauthorized, "deactivated")

	waitSubscriptions(t, e.svc, 2)
	status := e.svc.ChangeFeedStatus()
	assert.Equal(t, uint64(1), status.Losses)
	require.ErrorIs(t, e.check(e.svc, tokU, core.AccessActive), core.ErrUnauthorized, "still revoked after resubscribing")
	require.ErrorIs(t, e.check(e.svc, tokV, core.AccessActive), core.ErrUnauthorized, "still deactivated after resubscribing")
	assert.Len(t, e.logs.Find(t, "change feed lost"), 1)
	assert.Len(t, e.logs.Find(t, "change feed live again"), 1)
}

// TestFeedLostSubscription: while the subscription is down every check
// reads the store; once it is back, the first check reads again (the
// caches were flushed) and later ones do not.
func TestFeedLostSubscription(t *testing.T) {
	rc := newReadCountingStore()
	st := newControlledFeed(rc)
	e := newEnv(t, withStore(st), cacheTTL(time.Minute))
	e.mem = rc.Store
	u, v := e.user("u@example.com"), e.user("v@example.com")
	tokU, tokV := e.login(u.Email), e.login(v.Email)
	for range 2 { // "not revoked" is kept from the second check on
		e.principal(tokU)
		e.principal(tokV)
	}
	before := rc.reads()
	e.principal(tokU)
	require.Equal(t, before, rc.reads(), "live: answered from the caches")

	st.refuse.Store(true)
	st.kill()
	eventually(t, "the Service notices the loss", func() error {
		if s := e.svc.ChangeFeedStatus(); s.State != core.ChangeFeedDown {
			return fmt.Errorf("status %+v", s)
		}
		return nil
	})
	for i := range 5 {
		r := rc.reads()
		e.principal(tokU)
		require.Equal(t, [2]int64{r[0] + 1, r[1] + 1}, rc.reads(), "down: check %d reads the user and the revocation", i)
	}
	// Written while nobody listens: seen at once, as the store is read.
	_, err := rc.Store.UpdateUser(e.ctx, v.ID, core.UserPatch{IsActive: ptr(false)})
	require.NoError(t, err)
	require.ErrorIs(t, e.check(e.svc, tokV, core.AccessActive), core.ErrUnauthorized)
	eventually(t, "the Service keeps trying to subscribe", func() error {
		if n := st.subscribes.Load(); n < 3 {
			return fmt.Errorf("%d attempts", n)
		}
		return nil
	})

	st.refuse.Store(false)
	waitSubscriptions(t, e.svc, 2)
	r := rc.reads()
	e.principal(tokU)
	require.Equal(t, [2]int64{r[0] + 1, r[1] + 1}, rc.reads(), "live again: the caches were flushed")
	r = rc.reads()
	e.principal(tokU)
	require.Equal(t, r, rc.reads(), "and are used again")
	require.ErrorIs(t, e.check(e.svc, tokV, core.AccessActive), core.ErrUnauthorized)
	assert.Equal(t, int64(1), st.closes.Load(), "the lost subscription was closed")
}

// TestFeedResync: a resync, or an event of a kind the Service does not
// know, drops everything cached.
func TestFeedResync(t *testing.T) {
	for _, ch := range []core.Change{{Kind: core.ChangeResync}, {Kind: 200}} {
		t.Run(ch.Kind.String(), func(t *testing.T) {
			rc := newReadCountingStore()
			st := newControlledFeed(rc)
			e := newEnv(t, withStore(st), cacheTTL(time.Minute))
			tok := e.login(e.user("u@example.com").Email)
			e.principal(tok)
			e.principal(tok)
			r := rc.reads()
			e.principal(tok)
			require.Equal(t, r, rc.reads())
			st.inject <- ch
			waitSubscriptions(t, e.svc, 2)
			e.principal(tok)
			require.Equal(t, [2]int64{r[0] + 1, r[1] + 1}, rc.reads(), "the caches were flushed")
		})
	}
}

// TestFeedReadBeforeEvent: a check that read the store before a change
// written elsewhere, and finishes after the feed reported the change, does
// not leave its older answer in the cache.
func TestFeedReadBeforeEvent(t *testing.T) {
	for _, method := range []string{"GetUser", "IsTokenRevoked"} {
		t.Run(method, func(t *testing.T) {
			st := newReadCountingStore()
			e := newEnv(t, withStore(st), cacheTTL(time.Minute))
			u := e.user("a@example.com")
			tok := e.login(u.Email)
			p, err := e.sibling().CurrentUser(e.ctx, tok, core.AccessActive) // e.svc has not seen tok
			require.NoError(t, err)
			h := st.holdNext(method)
			done := make(chan error, 1)
			go func() { done <- e.check(e.svc, tok, core.AccessActive) }()
			<-h.read // the check has its (soon outdated) answer
			changes := e.svc.ChangeFeedStatus().Changes
			if method == "GetUser" {
				_, err = st.Store.UpdateUser(e.ctx, u.ID, core.UserPatch{IsActive: ptr(false)})
			} else {
				err = st.Store.RevokeToken(e.ctx, p.Token.ID, p.Token.ExpiresAt)
			}
			require.NoError(t, err)
			eventually(t, "the feed reports the change", func() error {
				if e.svc.ChangeFeedStatus().Changes == changes {
					return errors.New("not yet")
				}
				return nil
			})
			close(h.release)
			require.NoError(t, <-done, "the check that began first answers as of its read")
			require.ErrorIs(t, e.check(e.svc, tok, core.AccessActive), core.ErrUnauthorized,
				"the outdated answer was not cached")
		})
	}
}

// TestFeedUnsupported: a store that says it offers no feed gets the
// bounded staleness of UserCacheTTL, and is not asked again.
func TestFeedUnsupported(t *testing.T) {
	const ttl = 2 * time.Second
	st := newControlledFeed(memstore.New())
	st.unsupported.Store(true)
	e := newEnv(t, withStore(st), cacheTTL(ttl))
	e.mem = st.feedStore.(*memstore.Store)
	eventually(t, "the Service gives up on the feed", func() error {
		if len(e.logs.Find(t, "offers no change feed")) == 0 {
			return errors.New("no log yet")
		}
		return nil
	})
	assert.Equal(t, core.ChangeFeedOff, e.svc.ChangeFeedStatus().State)
	u := e.user("u@example.com")
	tok := e.login(u.Email)
	e.principal(tok)
	_, err := e.mem.UpdateUser(e.ctx, u.ID, core.UserPatch{IsActive: ptr(false)})
	require.NoError(t, err)
	require.NoError(t, e.check(e.svc, tok, core.AccessActive), "within the TTL")
	e.clock.Advance(ttl)
	require.ErrorIs(t, e.check(e.svc, tok, core.AccessActive), core.ErrUnauthorized, "at the TTL")
	assert.Equal(t, int64(0), st.subscribes.Load(), "no subscription was counted (unsupported is answered first)")
}

// TestFeedStrictSetting: UserCacheTTL 0 reads the store on every check and
// does not subscribe.
func TestFeedStrictSetting(t *testing.T) {
	rc := newReadCountingStore()
	st := newControlledFeed(rc)
	e := newEnv(t, withStore(st), cacheTTL(0))
	tok := e.login(e.user("u@example.com").Email)
	for range 3 {
		e.principal(tok)
	}
	assert.Equal(t, [2]int64{3, 3}, rc.reads())
	assert.Equal(t, int64(0), st.subscribes.Load())
	assert.Equal(t, core.ChangeFeedOff, e.svc.ChangeFeedStatus().State)
}

// TestServiceClose: Close ends the subscription and waits for it; the
// Service then works as on a store without a feed.
func TestServiceClose(t *testing.T) {
	const ttl = 2 * time.Second
	mem := memstore.New()
	st := newControlledFeed(mem)
	e := newEnv(t, withStore(st), cacheTTL(ttl))
	u := e.user("u@example.com")
	tok := e.login(u.Email)
	p := e.principal(tok)
	require.NoError(t, e.svc.Close())
	assert.Equal(t, int64(1), st.closes.Load(), "the subscription is closed when Close returns")
	require.NoError(t, e.svc.Close(), "twice")
	assert.Equal(t, int64(1), st.closes.Load())
	assert.Equal(t, core.ChangeFeedOff, e.svc.ChangeFeedStatus().State)

	require.NoError(t, mem.RevokeToken(e.ctx, p.Token.ID, p.Token.ExpiresAt))
	require.ErrorIs(t, e.check(e.svc, tok, core.AccessActive), core.ErrUnauthorized, "a logout elsewhere: at once")
	tok = e.login(u.Email)
	e.principal(tok)
	_, err := mem.UpdateUser(e.ctx, u.ID, core.UserPatch{IsActive: ptr(false)})
	require.NoError(t, err)
	require.NoError(t, e.check(e.svc, tok, core.AccessActive), "other changes: within the TTL")
	e.clock.Advance(ttl)
	require.ErrorIs(t, e.check(e.svc, tok, core.AccessActive), core.ErrUnauthorized)
}

// TestFeedConcurrentLosses: checks run on every goroutine while the
// subscription is killed again and again and users are deactivated in the
// store behind the Service's back; a user whose deactivation was seen once
// is never accepted again (run with -race).
func TestFeedConcurrentLosses(t *testing.T) {
	mem := memstore.New()
	st := newControlledFeed(mem)
	e := newEnv(t, withStore(st), cacheTTL(time.Minute))
	const n = 8
	users := make([]core.User, n)
	tokens := make([]string, n)
	for i := range users {
		users[i] = e.user(fmt.Sprintf("u%d@example.com", i))
		tokens[i] = e.login(users[i].Email)
	}
	var rejected [n]atomic.Bool
	var resurrected atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				k := i % n
				seen := rejected[k].Load()
				err := e.check(e.svc, tokens[k], core.AccessActive)
				switch {
				case errors.Is(err, core.ErrUnauthorized):
					rejected[k].Store(true)
				case err == nil && seen:
					resurrected.Add(1)
				}
			}
		})
	}
	for i := range users {
		st.kill()
		_, err := mem.UpdateUser(e.ctx, users[i].ID, core.UserPatch{IsActive: ptr(false)})
		require.NoError(t, err)
		eventually(t, "deactivation seen", func() error { return expect(e.check(e.svc, tokens[i], core.AccessActive), core.ErrUnauthorized) })
		if i%2 == 1 {
			waitSubscriptions(t, e.svc, uint64(i/2+2))
		}
	}
	close(stop)
	wg.Wait()
	assert.Zero(t, resurrected.Load(), "a deactivated user was accepted after being rejected")
	for i, tok := range tokens {
		assert.ErrorIs(t, e.check(e.svc, tok, core.AccessActive), core.ErrUnauthorized, "user %d", i)
	}
	assert.GreaterOrEqual(t, e.svc.ChangeFeedStatus().Losses, uint64(n/2))
}
