package core_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zincware/zndraw-auth-go/core"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// callLog is a core.Store that records the rate-limit and user-lookup
// calls made through it.
type callLog struct {
	*memstore.Store
	mu    sync.Mutex
	calls []string
}

func (c *callLog) rec(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, name)
}

func (c *callLog) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.calls
	c.calls = nil
	return out
}

func (c *callLog) GetUserByEmail(ctx context.Context, email string) (core.User, error) {
	c.rec("GetUserByEmail")
	return c.Store.GetUserByEmail(ctx, email)
}

func (c *callLog) IncrementCounter(ctx context.Context, key string, w time.Duration, now time.Time) (int64, time.Time, error) {
	c.rec("IncrementCounter")
	return c.Store.IncrementCounter(ctx, key, w, now)
}

func (c *callLog) CounterValue(ctx context.Context, key string, w time.Duration, now time.Time) (int64, error) {
	c.rec("CounterValue")
	return c.Store.CounterValue(ctx, key, w, now)
}

func (c *callLog) SourceLastSeen(ctx context.Context, account, source string) (time.Time, error) {
	c.rec("SourceLastSeen")
	return c.Store.SourceLastSeen(ctx, account, source)
}

func (c *callLog) RememberSource(ctx context.Context, account, source string, now time.Time, keep int) error {
	c.rec("RememberSource")
	return c.Store.RememberSource(ctx, account, source, now, keep)
}

// TestLoginFailuresCostTheSame: with the lockout on, an unknown email, a
// wrong password, an inactive account's right password, and the same from a
// familiar source, all make the same store calls and one password
// verification, so neither the answer nor its cost tells them apart.
func TestLoginFailuresCostTheSame(t *testing.T) {
	st := &callLog{Store: memstore.New()}
	e := newEnv(t, withStore(st), withSettings(func(s *core.Settings) { s.RateLimit = core.DefaultSettings().RateLimit }))
	e.user("known@example.com")
	e.createUser("inactive@example.com", false, false, false)
	home := core.RequestMeta{ClientIP: "198.51.100.1"}
	_, err := e.svc.Login(e.ctx, "known@example.com", testPassword, home)
	require.NoError(t, err)
	e.clock.Advance(time.Minute) // past the purge that ran on the first limited request

	var want []string
	for _, tc := range []struct {
		name, email, password string
		meta                  core.RequestMeta
	}{
		{"unknown email", "nobody@example.com", testPassword, core.RequestMeta{ClientIP: "203.0.113.1"}},
		{"wrong password", "known@example.com", "wrong password", core.RequestMeta{ClientIP: "203.0.113.2"}},
		{"inactive, right password", "inactive@example.com", testPassword, core.RequestMeta{ClientIP: "203.0.113.3"}},
		{"wrong password, familiar source", "known@example.com", "wrong password", home},
	} {
		st.take()
		before := e.hasher.verifs.Load()
		_, err := e.svc.Authenticate(e.ctx, tc.email, tc.password, tc.meta)
		require.ErrorIs(t, err, core.ErrBadCredentials, tc.name)
		got := st.take()
		assert.Equal(t, int64(1), e.hasher.verifs.Load()-before, "%s: one password verification", tc.name)
		if want == nil {
			want = got
			continue
		}
		assert.Equal(t, want, got, "%s: the same store calls as an unknown email", tc.name)
	}
	t.Logf("every failure: %v and one verification", want)
}

// TestResetPasswordChecksPolicyFirst: a rejected password costs no hash
// computation (the token's fingerprint is verified only for an acceptable
// password) and leaves the token usable.
func TestResetPasswordChecksPolicyFirst(t *testing.T) {
	e := newEnv(t)
	u := e.user("a@example.com")
	tok := e.forgotToken(u.Email)
	before := e.hasher.calls()
	for range 3 {
		err := e.svc.ResetPassword(e.ctx, tok, "short", core.RequestMeta{})
		require.ErrorIs(t, err, core.ErrInvalidPassword)
	}
	assert.Equal(t, int64(0), e.hasher.calls()-before, "no argon2 for a rejected password")
	require.NoError(t, e.svc.ResetPassword(e.ctx, tok, "a long enough password", core.RequestMeta{}))
	require.ErrorIs(t, e.svc.ResetPassword(e.ctx, tok, "short", core.RequestMeta{}), core.ErrInvalidPassword,
		"a spent token with a rejected password: the policy answers first")
	require.ErrorIs(t, e.svc.ResetPassword(e.ctx, tok, "another long password", core.RequestMeta{}), core.ErrResetBadToken)
}

// TestResetPasswordClearsTheLock: after the account's shared budget is
// spent, a completed reset starts a fresh one (the budgets belong to the
// password), and makes the source of the reset familiar.
func TestResetPasswordClearsTheLock(t *testing.T) {
	e := newEnv(t, limited(func(r *core.RateLimitSettings) {
		r.LoginFailuresPerAccountPerHour = 3
		r.LoginPerIPPerMinute = 0
	}))
	u := e.user("a@example.com")
	for i := range 3 {
		_, err := e.svc.Login(e.ctx, u.Email, "wrong", core.RequestMeta{ClientIP: fmt.Sprintf("203.0.113.%d", i)})
		require.ErrorIs(t, err, core.ErrBadCredentials)
	}
	_, err := e.svc.Login(e.ctx, u.Email, testPassword, core.RequestMeta{ClientIP: "192.0.2.1"})
	requireTooMany(t, err, time.Hour)
	tok := e.forgotToken(u.Email)
	require.NoError(t, e.svc.ResetPassword(e.ctx, tok, "the new password", core.RequestMeta{ClientIP: "192.0.2.1"}))
	_, err = e.svc.Login(e.ctx, u.Email, "the new password", core.RequestMeta{ClientIP: "192.0.2.2"})
	require.NoError(t, err, "a fresh budget after the reset")
}

// TestCLICodeLookupsLimited: codes that match nothing count against the
// user's and the address's budgets; a code that matches hands the attempt
// back; describing counts like approving.
func TestCLICodeLookupsLimited(t *testing.T) {
	e := newEnv(t, limited(func(r *core.RateLimitSettings) {
		r.CLICodeFailuresPerUserPerHour = 3
		r.CLICodeFailuresPerIPPerHour = 5
	}))
	meta := core.RequestMeta{ClientIP: "203.0.113.5"}
	a := e.principal(e.login(e.user("a@example.com").Email))
	b := e.principal(e.login(e.user("b@example.com").Email))
	for i := range 5 { // good codes do not count
		c := e.challenge()
		_, err := e.svc.DescribeCLIChallenge(e.ctx, a, c.Code, meta)
		require.NoError(t, err, "lookup %d", i)
	}
	require.ErrorIs(t, e.svc.ApproveCLIChallenge(e.ctx, a, "AAAAAAAA", meta), core.ErrChallengeNotFound)
	_, err := e.svc.DescribeCLIChallenge(e.ctx, a, "BBBBBBBB", meta)
	require.ErrorIs(t, err, core.ErrChallengeNotFound)
	require.ErrorIs(t, e.svc.RejectCLIChallenge(e.ctx, a, "CCCCCCCC", meta), core.ErrChallengeNotFound)
	requireTooMany(t, e.svc.ApproveCLIChallenge(e.ctx, a, e.challenge().Code, meta), time.Hour)
	require.ErrorIs(t, e.svc.ApproveCLIChallenge(e.ctx, b, "DDDDDDDD", meta), core.ErrChallengeNotFound)
	require.ErrorIs(t, e.svc.ApproveCLIChallenge(e.ctx, b, "EEEEEEEE", meta), core.ErrChallengeNotFound)
	requireTooMany(t, e.svc.ApproveCLIChallenge(e.ctx, b, "FFFFFFFF", meta), time.Hour) // the address: 3 + 2
	require.NoError(t, e.svc.ApproveCLIChallenge(e.ctx, b, e.challenge().Code, core.RequestMeta{ClientIP: "203.0.113.6"}))
	e.clock.Advance(time.Hour)
	require.NoError(t, e.svc.ApproveCLIChallenge(e.ctx, a, e.challenge().Code, meta), "a new window")
}

// TestEmailChangesLimited: only changes of the address count, per user and
// per address; a superuser's PATCH /users/{id} is not limited.
func TestEmailChangesLimited(t *testing.T) {
	e := newEnv(t, limited(func(r *core.RateLimitSettings) { r.EmailChangesPerUserPerHour = 2 }))
	u := e.user("a@example.com")
	p := e.principal(e.login(u.Email))
	meta := core.RequestMeta{ClientIP: "203.0.113.5"}
	same := u.Email
	for range 3 {
		_, err := e.svc.UpdateSelf(e.ctx, p, core.UserUpdate{Email: &same}, meta)
		require.NoError(t, err, "the same address is no change")
	}
	for i := range 2 {
		next := fmt.Sprintf("a%d@example.com", i)
		_, err := e.svc.UpdateSelf(e.ctx, p, core.UserUpdate{Email: &next}, meta)
		require.NoError(t, err)
	}
	next := "a9@example.com"
	_, err := e.svc.UpdateSelf(e.ctx, p, core.UserUpdate{Email: &next}, meta)
	requireTooMany(t, err, time.Hour)
	for i := range 3 {
		next := fmt.Sprintf("admin-set-%d@example.com", i)
		_, err := e.svc.UpdateUser(e.ctx, e.get(u.ID), core.UserUpdate{Email: &next}, meta)
		require.NoError(t, err)
	}
	assert.True(t, slices.ContainsFunc(e.logs.Events(t, "rate_limited"), func(r map[string]any) bool { return r["limit"] == "email:user" }))
}
