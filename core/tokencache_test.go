package core_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zincware/zndraw-auth-go/core"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// readCountingStore is a memstore that counts the reads a token check makes
// and can hold one of them (see hold).
type readCountingStore struct {
	*memstore.Store
	getUser, isRevoked atomic.Int64

	mu   sync.Mutex
	hold map[string]*heldRead // method → the next call to hold
}

// heldRead holds one store read after it has read: read is closed when the
// call has its answer, and the call returns when release is closed.
type heldRead struct{ read, release chan struct{} }

func newReadCountingStore() *readCountingStore {
	return &readCountingStore{Store: memstore.New(), hold: map[string]*heldRead{}}
}

// holdNext makes the next call of method wait, after reading, until the
// returned release is closed.
func (s *readCountingStore) holdNext(method string) *heldRead {
	h := &heldRead{read: make(chan struct{}), release: make(chan struct{})}
	s.mu.Lock()
	s.hold[method] = h
	s.mu.Unlock()
	return h
}

func (s *readCountingStore) held(method string) {
	s.mu.Lock()
	h := s.hold[method]
	delete(s.hold, method)
	s.mu.Unlock()
	if h != nil {
		close(h.read)
		<-h.release
	}
}

func (s *readCountingStore) GetUser(ctx context.Context, id uuid.UUID) (core.User, error) {
	s.getUser.Add(1)
	u, err := s.Store.GetUser(ctx, id)
	s.held("GetUser")
	return u, err
}

func (s *readCountingStore) IsTokenRevoked(ctx context.Context, jti string) (bool, error) {
	s.isRevoked.Add(1)
	r, err := s.Store.IsTokenRevoked(ctx, jti)
	s.held("IsTokenRevoked")
	return r, err
}

// reads returns the GetUser and IsTokenRevoked calls so far.
func (s *readCountingStore) reads() [2]int64 { return [2]int64{s.getUser.Load(), s.isRevoked.Load()} }

// cacheTTL sets Settings.UserCacheTTL.
func cacheTTL(d time.Duration) envOpt {
	return withSettings(func(s *core.Settings) { s.UserCacheTTL = d })
}

// sibling builds a second Service on e's store, settings, clock and hasher:
// another instance of the same deployment (or, with a fresh cache, what a
// cache miss decides).
func (e *env) sibling(opts ...core.Option) *core.Service {
	e.t.Helper()
	svc, err := core.New(e.store, e.svc.Settings(), append([]core.Option{
		core.WithClock(e.clock), core.WithHasher(e.hasher), core.WithLogger(quiet),
	}, opts...)...)
	require.NoError(e.t, err)
	e.t.Cleanup(func() { _ = svc.Close() })
	waitFeedLive(e.t, svc)
	return svc
}

// check resolves token on svc with access a and returns the error.
func (e *env) check(svc *core.Service, token string, a core.Access) error {
	_, err := svc.CurrentUser(e.ctx, token, a)
	return err
}

func TestTokenCacheReads(t *testing.T) {
	for _, tc := range []struct {
		name   string
		ttl    time.Duration
		access core.Access
		feed   bool
		// want are the store reads (GetUser, IsTokenRevoked) after three
		// checks at t0, after one more at t0+ttl-1ns and at t0+ttl.
		want [3][2]int64
	}{
		{"no feed: user cached for the TTL, revocation read every time", time.Second, core.AccessActive, false, [3][2]int64{{1, 3}, {1, 4}, {2, 5}}},
		{"no feed: TTL 0 reads every time", 0, core.AccessActive, false, [3][2]int64{{3, 3}, {4, 4}, {5, 5}}},
		{"no feed: superuser access reads every time", time.Second, core.AccessSuperuser, false, [3][2]int64{{3, 3}, {4, 4}, {5, 5}}},
		// With a live feed nothing is read again, whatever the clock
		// says (the feed's heartbeats keep it trusted; the clock moves
		// by less than the feed's silence bound here). "Not revoked" is
		// kept from a token's second check on.
		{"feed: user read once, revocation twice", 300 * time.Millisecond, core.AccessActive, true, [3][2]int64{{1, 2}, {1, 2}, {1, 2}}},
		{"feed: TTL 0 reads every time", 0, core.AccessActive, true, [3][2]int64{{3, 3}, {4, 4}, {5, 5}}},
		{"feed: superuser access reads every time", 300 * time.Millisecond, core.AccessSuperuser, true, [3][2]int64{{3, 3}, {4, 4}, {5, 5}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := newReadCountingStore()
			opts := []envOpt{withStore(st), cacheTTL(tc.ttl)}
			if !tc.feed {
				opts = append(opts, withoutFeed())
			}
			e := newEnv(t, opts...)
			e.createUser("admin@example.com", true, true, true)
			tok := e.login("admin@example.com")
			for range 3 {
				require.NoError(t, e.check(e.svc, tok, tc.access))
			}
			assert.Equal(t, tc.want[0], st.reads(), "three checks at t0")
			e.clock.Advance(tc.ttl - time.Nanosecond)
			require.NoError(t, e.check(e.svc, tok, tc.access))
			assert.Equal(t, tc.want[1], st.reads(), "one more just inside the TTL")
			e.clock.Advance(time.Nanosecond)
			require.NoError(t, e.check(e.svc, tok, tc.access))
			assert.Equal(t, tc.want[2], st.reads(), "one more at the TTL")
		})
	}
}

func TestTokenCacheTimeClaimsOnHit(t *testing.T) {
	// A token whose iat and nbf lie ahead of t0; exp has a fraction, which
	// golang-jwt truncates to the second.
	iat, nbf, exp := t0.Add(10*time.Second), t0.Add(20*time.Second), t0.Add(100*time.Second)
	valid := t0.Add(50 * time.Second)
	for _, leeway := range []time.Duration{0, 30 * time.Second} {
		t.Run(fmt.Sprintf("leeway %s", leeway), func(t *testing.T) {
			e := newEnv(t, withSettings(func(s *core.Settings) { s.JWTLeeway = leeway }))
			u := e.user("a@example.com")
			tok := hs256(t, jwt.MapClaims{
				"sub": u.ID.String(), "aud": []string{core.AudienceAuth}, "jti": "time-claims",
				"iat": iat.Unix(), "nbf": nbf.Unix(), "exp": float64(exp.Unix()) + 0.7,
			})
			from, until := nbf.Add(-leeway), exp.Add(leeway) // valid in [from, until)
			instants := []time.Time{
				iat.Add(-leeway - time.Second), iat.Add(-leeway), from.Add(-time.Nanosecond), from,
				valid, until.Add(-time.Nanosecond), until, until.Add(time.Hour), t0,
			}
			for _, at := range instants {
				// Warm the cache at a valid instant, then check at at: a hit.
				e.clock.Advance(valid.Sub(e.clock.Now()))
				require.NoError(t, e.check(e.svc, tok, core.AccessActive))
				e.clock.Advance(at.Sub(e.clock.Now()))
				hit := e.check(e.svc, tok, core.AccessActive)
				miss := e.check(e.sibling(), tok, core.AccessActive)
				wantValid := !at.Before(from) && at.Before(until)
				assert.Equal(t, wantValid, hit == nil, "hit at t0%+v: %v", at.Sub(t0), hit)
				assert.Equal(t, miss, hit, "hit and miss disagree at t0%+v", at.Sub(t0))
			}
		})
	}
}

func TestTokenCacheInvalidatedByOwnWrites(t *testing.T) {
	// With a TTL far longer than the test, only invalidation can explain a
	// changed answer; the clock never moves.
	for _, tc := range []struct {
		name string
		// act changes state through the Service after tok (of user, or of
		// an impersonation token minted by admin for user) was checked.
		act    func(e *env, user, admin core.User, p *core.Principal)
		access core.Access
		// wantBefore and wantAfter are the errors of checking tok with
		// access before and after act.
		wantBefore, wantAfter error
		impersonated          bool
	}{
		{name: "logout", act: func(e *env, _, _ core.User, p *core.Principal) {
			require.NoError(e.t, e.svc.Logout(e.ctx, p, core.RequestMeta{}))
		}, wantAfter: core.ErrUnauthorized},
		{name: "deactivation", act: func(e *env, u, _ core.User, _ *core.Principal) {
			_, err := e.svc.UpdateUser(e.ctx, u, core.UserUpdate{IsActive: ptr(false)}, core.RequestMeta{})
			require.NoError(e.t, err)
		}, wantAfter: core.ErrUnauthorized},
		{name: "password change", act: func(e *env, u, _ core.User, _ *core.Principal) {
			_, err := e.svc.UpdateSelf(e.ctx, &core.Principal{User: u}, core.UserUpdate{Password: ptr("another passphrase")}, core.RequestMeta{})
			require.NoError(e.t, err)
		}, wantAfter: core.ErrUnauthorized},
		{name: "delete", act: func(e *env, u, _ core.User, _ *core.Principal) {
			require.NoError(e.t, e.svc.DeleteUser(e.ctx, u, core.RequestMeta{}))
		}, wantAfter: core.ErrUnauthorized},
		{name: "password reset", act: func(e *env, u, _ core.User, _ *core.Principal) {
			require.NoError(e.t, e.svc.ResetPassword(e.ctx, e.forgotToken(u.Email), "another passphrase", core.RequestMeta{}))
		}, wantAfter: core.ErrUnauthorized},
		{name: "logout everywhere", act: func(e *env, u, _ core.User, _ *core.Principal) {
			require.NoError(e.t, e.svc.LogoutEverywhere(e.ctx, u, core.RequestMeta{}))
		}, wantAfter: core.ErrUnauthorized},
		{name: "verify", act: func(e *env, u, _ core.User, _ *core.Principal) {
			_, err := e.svc.Verify(e.ctx, e.verifyToken(u.Email), core.RequestMeta{})
			require.NoError(e.t, err)
		}, access: core.Access{Verified: true}, wantBefore: core.ErrForbidden},
		{name: "admin demoted: their impersonation token dies", act: func(e *env, _, admin core.User, _ *core.Principal) {
			_, err := e.svc.UpdateUser(e.ctx, admin, core.UserUpdate{IsSuperuser: ptr(false)}, core.RequestMeta{})
			require.NoError(e.t, err)
		}, impersonated: true, wantAfter: core.ErrUnauthorized},
		{name: "admin deactivated: their impersonation token dies", act: func(e *env, _, admin core.User, _ *core.Principal) {
			_, err := e.svc.UpdateUser(e.ctx, admin, core.UserUpdate{IsActive: ptr(false)}, core.RequestMeta{})
			require.NoError(e.t, err)
		}, impersonated: true, wantAfter: core.ErrUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, cacheTTL(time.Minute))
			admin := e.createUser("admin@example.com", true, true, true)
			u := e.user("a@example.com")
			tok := e.login(u.Email)
			if tc.impersonated {
				var err error
				tok, err = e.svc.MintImpersonationToken(e.ctx, e.principal(e.login(admin.Email)), u.ID, core.RequestMeta{})
				require.NoError(t, err)
			}
			p := e.principal(tok) // warms the caches
			for range 2 {
				assert.ErrorIs(t, e.check(e.svc, tok, tc.access), tc.wantBefore)
			}
			tc.act(e, u, admin, p)
			err := e.check(e.svc, tok, tc.access)
			if tc.wantAfter == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tc.wantAfter)
			}
			// The cache never answers what the store would not.
			assert.Equal(t, e.check(e.sibling(), tok, tc.access), err, "a fresh instance decides the same")
		})
	}
}

func TestTokenCacheUserStateIsCurrent(t *testing.T) {
	// A principal carries the user as last written through the Service.
	e := newEnv(t, cacheTTL(time.Minute))
	u := e.user("a@example.com")
	tok := e.login(u.Email)
	e.principal(tok)
	_, err := e.svc.UpdateUser(e.ctx, u, core.UserUpdate{Email: ptr("b@example.com"), IsVerified: ptr(true)}, core.RequestMeta{})
	require.NoError(t, err)
	p := e.principal(tok)
	assert.Equal(t, "b@example.com", p.User.Email)
	assert.True(t, p.User.IsVerified)
}

// TestTokenCacheStalenessAcrossInstances: on a store without a change
// feed, changes made on another instance are seen within UserCacheTTL (a
// logout and superuser access at once). feed_test.go has the same with a
// feed.
func TestTokenCacheStalenessAcrossInstances(t *testing.T) {
	const ttl = 2 * time.Second
	for _, tc := range []struct {
		name string
		// act changes state through instance b.
		act func(e *env, b *core.Service, u, admin core.User, tok string)
		// superuserAtOnce: the token has superuser access, which instance
		// a loses at once (superuser checks read the store).
		superuserAtOnce bool
		// atOnce: the change reaches instance a at once whatever the TTL
		// (a logout: "not revoked" answers are never reused).
		atOnce bool
	}{
		{name: "logout", act: func(e *env, b *core.Service, _, _ core.User, tok string) {
			p, err := b.CurrentUser(e.ctx, tok, core.AccessActive)
			require.NoError(e.t, err)
			require.NoError(e.t, b.Logout(e.ctx, p, core.RequestMeta{}))
		}, atOnce: true},
		{name: "deactivation", act: func(e *env, b *core.Service, u, _ core.User, _ string) {
			_, err := b.UpdateUser(e.ctx, u, core.UserUpdate{IsActive: ptr(false)}, core.RequestMeta{})
			require.NoError(e.t, err)
		}},
		{name: "logout everywhere", act: func(e *env, b *core.Service, u, _ core.User, _ string) {
			require.NoError(e.t, b.LogoutEverywhere(e.ctx, u, core.RequestMeta{}))
		}},
		{name: "delete", act: func(e *env, b *core.Service, u, _ core.User, _ string) {
			require.NoError(e.t, b.DeleteUser(e.ctx, u, core.RequestMeta{}))
		}},
		{name: "superuser demoted", act: func(e *env, b *core.Service, _, admin core.User, _ string) {
			_, err := b.UpdateUser(e.ctx, admin, core.UserUpdate{IsSuperuser: ptr(false)}, core.RequestMeta{})
			require.NoError(e.t, err)
		}, superuserAtOnce: true},
	} {
		for _, cacheOff := range []bool{false, true} {
			name := tc.name
			if cacheOff {
				name += ", TTL 0"
			}
			t.Run(name, func(t *testing.T) {
				e := newEnv(t, cacheTTL(ttl), withoutFeed())
				if cacheOff {
					e = newEnv(t, cacheTTL(0), withoutFeed())
				}
				a, b := e.svc, e.sibling()
				admin := e.createUser("admin@example.com", true, true, true)
				u := e.user("a@example.com")
				subject := u
				if tc.superuserAtOnce {
					subject = admin
				}
				tok := e.login(subject.Email)
				require.NoError(t, e.check(a, tok, core.AccessActive))
				tc.act(e, b, u, admin, tok)
				require.Error(t, e.check(b, tok, core.AccessSuperuser), "the instance that made the change sees it")
				if tc.superuserAtOnce {
					// A demotion bumps the token version: the demoted
					// admin's token is no longer valid at all.
					require.ErrorIs(t, e.check(a, tok, core.AccessSuperuser), core.ErrUnauthorized, "superuser access reads the store")
					return
				}
				if cacheOff || tc.atOnce {
					require.ErrorIs(t, e.check(a, tok, core.AccessActive), core.ErrUnauthorized, "at once")
					return
				}
				// Instance a may answer from its cache until ttl after
				// its last read of the store, and not a moment longer.
				require.NoError(t, e.check(a, tok, core.AccessActive), "within the bound")
				e.clock.Advance(ttl - time.Nanosecond)
				require.NoError(t, e.check(a, tok, core.AccessActive), "just inside the bound")
				e.clock.Advance(time.Nanosecond)
				require.ErrorIs(t, e.check(a, tok, core.AccessActive), core.ErrUnauthorized, "at the bound")
			})
		}
	}
}

func TestTokenCacheIsBounded(t *testing.T) {
	for _, feed := range []bool{false, true} {
		t.Run(fmt.Sprintf("feed %v", feed), func(t *testing.T) { testTokenCacheIsBounded(t, feed) })
	}
}

func testTokenCacheIsBounded(t *testing.T, feed bool) {
	const capacity = 32 // 2 per shard
	opts := []envOpt{cacheTTL(time.Minute)}
	if !feed {
		opts = append(opts, withoutFeed())
	}
	e := newEnv(t, opts...)
	svc := e.sibling(core.WithCacheCapacity(capacity))
	users := make([]core.User, 3*capacity)
	for i := range users {
		users[i] = e.user(fmt.Sprintf("u%d@example.com", i))
	}
	tokens := make([]string, 10*capacity)
	for i := range tokens {
		tokens[i] = hs256(t, jwt.MapClaims{
			"sub": users[i%len(users)].ID.String(), "aud": []string{core.AudienceAuth},
			"jti": fmt.Sprintf("jti-%d", i), "iat": t0.Unix(), "exp": t0.Add(time.Hour).Unix(),
		})
	}
	revoked, err := svc.CurrentUser(e.ctx, tokens[0], core.AccessActive)
	require.NoError(t, err)
	require.NoError(t, svc.Logout(e.ctx, revoked, core.RequestMeta{}))
	for pass := range 2 {
		for i, tok := range tokens {
			err := e.check(svc, tok, core.AccessActive)
			if i == 0 {
				require.ErrorIs(t, err, core.ErrUnauthorized, "pass %d: the revoked token, its entry long evicted", pass)
			} else {
				require.NoError(t, err, "pass %d: token %d", pass, i)
			}
			nt, nr, nu := core.CacheLen(svc)
			require.LessOrEqual(t, nt, capacity, "verified tokens")
			require.LessOrEqual(t, nr, capacity, "revocations")
			require.LessOrEqual(t, nu, capacity, "users")
		}
	}
	nt, nr, nu := core.CacheLen(svc)
	assert.Greater(t, nt, capacity/2, "the caches are used")
	if feed {
		assert.Greater(t, nr, 1, "with a feed, \"not revoked\" answers are cached too")
	} else {
		assert.Equal(t, 1, nr, "without a feed, only the revocation is remembered")
	}
	assert.Greater(t, nu, capacity/2)
}

func TestTokenCacheReadBeforeWrite(t *testing.T) {
	// A check that read the store before a write through the Service, and
	// finishes after it, must not leave its older answer in the cache.
	for _, tc := range []struct {
		method string
		act    func(e *env, u core.User, p *core.Principal)
	}{
		{"GetUser", func(e *env, u core.User, _ *core.Principal) {
			_, err := e.svc.UpdateUser(e.ctx, u, core.UserUpdate{IsActive: ptr(false)}, core.RequestMeta{})
			require.NoError(e.t, err)
		}},
		{"IsTokenRevoked", func(e *env, _ core.User, p *core.Principal) {
			require.NoError(e.t, e.svc.Logout(e.ctx, p, core.RequestMeta{}))
		}},
	} {
		for _, feed := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, feed %v", tc.method, feed), func(t *testing.T) {
				const ttl = time.Minute
				st := newReadCountingStore()
				opts := []envOpt{withStore(st), cacheTTL(ttl)}
				if !feed {
					opts = append(opts, withoutFeed())
				}
				e := newEnv(t, opts...)
				u := e.user("a@example.com")
				tok := e.login(u.Email)
				p, err := e.sibling().CurrentUser(e.ctx, tok, core.AccessActive) // e.svc has not seen tok
				require.NoError(t, err)
				h := st.holdNext(tc.method)
				done := make(chan error, 1)
				go func() { done <- e.check(e.svc, tok, core.AccessActive) }()
				<-h.read // the check has its (soon outdated) answer
				tc.act(e, u, p)
				close(h.release)
				require.NoError(t, <-done, "the check that began first answers as of its read")
				require.ErrorIs(t, e.check(e.svc, tok, core.AccessActive), core.ErrUnauthorized,
					"the outdated answer was not cached")
			})
		}
	}
}

func TestTokenCacheConcurrentUse(t *testing.T) {
	// Checks run on every goroutine while a write goes through the
	// Service; once it returned, no check accepts the token (run with
	// -race).
	e := newEnv(t, cacheTTL(time.Minute))
	u := e.user("a@example.com")
	tokens := []string{e.login(u.Email), e.login(u.Email), e.login(u.Email)}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var checks atomic.Int64
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
					_ = e.check(e.svc, tokens[i%len(tokens)], core.AccessActive)
					checks.Add(1)
				}
			}
		}()
	}
	for checks.Load() < 100 {
		runtime.Gosched() // until the checkers are under way
	}
	_, err := e.svc.UpdateUser(e.ctx, u, core.UserUpdate{IsActive: ptr(false)}, core.RequestMeta{})
	require.NoError(t, err)
	for _, tok := range tokens {
		assert.ErrorIs(t, e.check(e.svc, tok, core.AccessActive), core.ErrUnauthorized)
	}
	close(stop)
	wg.Wait()
	for _, tok := range tokens {
		assert.ErrorIs(t, e.check(e.svc, tok, core.AccessActive), core.ErrUnauthorized)
	}
}

func TestUserCacheTTLSetting(t *testing.T) {
	for _, tc := range []struct {
		ttl time.Duration
		ok  bool
	}{
		{0, true}, {time.Second, true}, {core.MaxUserCacheTTL, true},
		{-time.Second, false}, {core.MaxUserCacheTTL + time.Second, false},
	} {
		s := testSettings()
		s.UserCacheTTL = tc.ttl
		svc, err := core.New(memstore.New(), s, core.WithLogger(quiet))
		if tc.ok {
			assert.NoError(t, err, "%s", tc.ttl)
			assert.NoError(t, svc.Close())
		} else {
			assert.ErrorContains(t, err, "user cache TTL", "%s", tc.ttl)
		}
	}
	t.Setenv("ZNDRAW_AUTH_USER_CACHE_SECONDS", "0")
	s, err := core.LoadSettingsFromEnv()
	require.NoError(t, err)
	assert.Equal(t, time.Duration(0), s.UserCacheTTL, "0 turns the cache off")
}
