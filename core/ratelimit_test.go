package core_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zincware/zndraw-auth-go/core"
)

// limited turns the rate limits on with small values.
func limited(f func(*core.RateLimitSettings)) envOpt {
	return withSettings(func(s *core.Settings) {
		s.RateLimit = core.RateLimitSettings{
			Enabled:                        true,
			LoginFailuresPerAccountPerHour: 100,
			LoginPerIPPerMinute:            100,
			RegisterPerIPPerHour:           100,
			ForgotPasswordPerIPPerHour:     100,
			CLILoginCreatePerIPPerHour:     100,
		}
		if f != nil {
			f(&s.RateLimit)
		}
	})
}

// requireTooMany asserts a TOO_MANY_REQUESTS error whose RetryAfter is in
// (0, max] and returns it.
func requireTooMany(t *testing.T, err error, max time.Duration) time.Duration {
	t.Helper()
	var ce *core.Error
	require.ErrorAs(t, err, &ce)
	require.Equal(t, core.CodeTooManyRequests, ce.Code)
	require.Positive(t, ce.RetryAfter)
	require.LessOrEqual(t, ce.RetryAfter, max)
	return ce.RetryAfter
}

func TestLoginPerIPLimit(t *testing.T) {
	e := newEnv(t, limited(func(r *core.RateLimitSettings) { r.LoginPerIPPerMinute = 3 }))
	e.user("a@example.com")
	ip := core.RequestMeta{ClientIP: "203.0.113.1"}
	for i := range 3 {
		pw := testPassword
		if i == 1 {
			pw = "wrong password" // failures count towards the IP limit too
		}
		_, err := e.svc.Login(e.ctx, "a@example.com", pw, ip)
		if i == 1 {
			require.ErrorIs(t, err, core.ErrBadCredentials)
		} else {
			require.NoError(t, err)
		}
	}
	_, err := e.svc.Login(e.ctx, "a@example.com", testPassword, ip)
	retry := requireTooMany(t, err, time.Minute)
	assert.Len(t, e.hooks.named("OnAfterLogin"), 2, "no login through the limit")

	_, err = e.svc.Login(e.ctx, "a@example.com", testPassword, core.RequestMeta{ClientIP: "203.0.113.2"})
	require.NoError(t, err, "another IP is not limited")
	_, err = e.svc.Login(e.ctx, "a@example.com", testPassword, core.RequestMeta{})
	require.NoError(t, err, "calls without a client IP are not limited per IP")

	e.clock.Advance(retry)
	_, err = e.svc.Login(e.ctx, "a@example.com", testPassword, ip)
	require.NoError(t, err, "the window ended")
}

func TestLoginPerAccountFailureLimit(t *testing.T) {
	e := newEnv(t, limited(func(r *core.RateLimitSettings) { r.LoginFailuresPerAccountPerHour = 3 }))
	e.user("a@example.com")
	e.user("b@example.com")
	for i := range 3 {
		ip := core.RequestMeta{ClientIP: fmt.Sprintf("203.0.113.%d", i)} // per account, not per IP
		_, err := e.svc.Login(e.ctx, "a@example.com", "wrong password", ip)
		require.ErrorIs(t, err, core.ErrBadCredentials)
	}
	_, err := e.svc.Login(e.ctx, "a@example.com", testPassword, core.RequestMeta{})
	retry := requireTooMany(t, err, time.Hour)
	_, err = e.svc.Login(e.ctx, "A@EXAMPLE.COM", testPassword, core.RequestMeta{})
	requireTooMany(t, err, time.Hour)
	e.login("b@example.com") // other accounts are not affected
	require.NoError(t, e.svc.ForgotPassword(e.ctx, "a@example.com", core.RequestMeta{}), "forgot-password works while locked")

	e.clock.Advance(retry - time.Second)
	_, err = e.svc.Login(e.ctx, "a@example.com", testPassword, core.RequestMeta{})
	requireTooMany(t, err, time.Second)
	e.clock.Advance(time.Second)
	e.login("a@example.com") // no permanent lockout

	t.Run("unknown accounts are counted too", func(t *testing.T) {
		for range 3 {
			_, err := e.svc.Login(e.ctx, "ghost@example.com", testPassword, core.RequestMeta{})
			require.ErrorIs(t, err, core.ErrBadCredentials)
		}
		_, err := e.svc.Login(e.ctx, "ghost@example.com", testPassword, core.RequestMeta{})
		requireTooMany(t, err, time.Hour)
	})
}

func TestPerIPLimits(t *testing.T) {
	ip := core.RequestMeta{ClientIP: "203.0.113.1"}
	for _, tc := range []struct {
		name string
		set  func(*core.RateLimitSettings)
		call func(e *env, i int, meta core.RequestMeta) error
		max  time.Duration
	}{
		{"register", func(r *core.RateLimitSettings) { r.RegisterPerIPPerHour = 2 }, func(e *env, i int, meta core.RequestMeta) error {
			_, err := e.svc.Register(e.ctx, core.UserCreate{Email: fmt.Sprintf("u%d@example.com", i), Password: testPassword}, meta)
			return err
		}, time.Hour},
		{"forgot password", func(r *core.RateLimitSettings) { r.ForgotPasswordPerIPPerHour = 2 }, func(e *env, _ int, meta core.RequestMeta) error {
			return e.svc.ForgotPassword(e.ctx, "a@example.com", meta)
		}, time.Hour},
		{"request verify", func(r *core.RateLimitSettings) { r.ForgotPasswordPerIPPerHour = 2 }, func(e *env, _ int, meta core.RequestMeta) error {
			return e.svc.RequestVerify(e.ctx, "a@example.com", meta)
		}, time.Hour},
		{"CLI challenge creation", func(r *core.RateLimitSettings) { r.CLILoginCreatePerIPPerHour = 2 }, func(e *env, _ int, meta core.RequestMeta) error {
			_, err := e.svc.CreateCLIChallenge(e.ctx, meta)
			return err
		}, time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, limited(tc.set))
			e.user("a@example.com")
			require.NoError(t, tc.call(e, 0, ip))
			require.NoError(t, tc.call(e, 1, ip))
			retry := requireTooMany(t, tc.call(e, 2, ip), tc.max)
			require.NoError(t, tc.call(e, 3, core.RequestMeta{ClientIP: "203.0.113.2"}), "another IP")
			require.NoError(t, tc.call(e, 4, core.RequestMeta{}), "host code without a client IP")
			e.clock.Advance(retry)
			require.NoError(t, tc.call(e, 5, ip), "the window ended")
		})
	}
}

func TestRateLimitsDisabled(t *testing.T) {
	e := newEnv(t, limited(func(r *core.RateLimitSettings) {
		*r = core.RateLimitSettings{Enabled: false, LoginFailuresPerAccountPerHour: 1, LoginPerIPPerMinute: 1,
			RegisterPerIPPerHour: 1, ForgotPasswordPerIPPerHour: 1, CLILoginCreatePerIPPerHour: 1}
	}))
	e.user("a@example.com")
	ip := core.RequestMeta{ClientIP: "203.0.113.1"}
	for i := range 5 {
		_, err := e.svc.Login(e.ctx, "a@example.com", "wrong password", ip)
		require.ErrorIs(t, err, core.ErrBadCredentials)
		_, err = e.svc.Login(e.ctx, "a@example.com", testPassword, ip)
		require.NoError(t, err)
		_, err = e.svc.Register(e.ctx, core.UserCreate{Email: fmt.Sprintf("u%d@example.com", i), Password: testPassword}, ip)
		require.NoError(t, err)
		require.NoError(t, e.svc.ForgotPassword(e.ctx, "a@example.com", ip))
		require.NoError(t, e.svc.RequestVerify(e.ctx, "a@example.com", ip))
		_, err = e.svc.CreateCLIChallenge(e.ctx, ip)
		require.NoError(t, err)
	}
}
