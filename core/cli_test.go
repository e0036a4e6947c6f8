package core_test

import (
	"encoding/base64"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zincware/zndraw-auth-go/core"
)

// challenge creates a CLI challenge.
func (e *env) challenge() core.CLIChallengeCreated {
	e.t.Helper()
	c, err := e.svc.CreateCLIChallenge(e.ctx, core.RequestMeta{ClientIP: "198.51.100.7", UserAgent: "zndraw-cli/1.0"})
	require.NoError(e.t, err)
	return c
}

// approvedChallenge creates a challenge and approves it as u (logging u in).
func (e *env) approvedChallenge(u core.User) core.CLIChallengeCreated {
	e.t.Helper()
	c := e.challenge()
	require.NoError(e.t, e.svc.ApproveCLIChallenge(e.ctx, e.principal(e.login(u.Email)), c.Code, core.RequestMeta{}))
	e.hooks.reset()
	return c
}

func (e *env) poll(c core.CLIChallengeCreated) (core.CLIPollResult, error) {
	return e.svc.PollCLIChallenge(e.ctx, c.Code, c.Secret, core.RequestMeta{ClientIP: "198.51.100.7"})
}

func TestCreateCLIChallenge(t *testing.T) {
	e := newEnv(t)
	codes := map[string]bool{}
	for range 50 {
		c := e.challenge()
		require.Len(t, c.Code, core.CLICodeLength)
		for _, r := range c.Code {
			require.True(t, strings.ContainsRune(core.CLICodeAlphabet, r), "code %q uses A–Z0–9 only", c.Code)
		}
		require.Len(t, c.Secret, 43)
		raw, err := base64.RawURLEncoding.DecodeString(c.Secret)
		require.NoError(t, err, "secret is base64url")
		require.Len(t, raw, 32)
		assert.Equal(t, 300*time.Second, c.ExpiresIn)
		assert.Equal(t, time.Second, c.Interval)
		require.False(t, codes[c.Code], "codes differ")
		codes[c.Code] = true

		stored, err := e.mem.GetChallenge(e.ctx, c.Code)
		require.NoError(t, err)
		assert.NotEqual(t, c.Secret, stored.SecretHash)
		assert.NotContains(t, stored.SecretHash, c.Secret, "the secret is not stored")
		assert.NotEmpty(t, stored.SecretHash)
		assert.Equal(t, core.ChallengePending, stored.Status)
		assert.Equal(t, t0, stored.CreatedAt)
		assert.Equal(t, t0.Add(300*time.Second), stored.ExpiresAt)
		assert.Equal(t, "198.51.100.7", stored.ClientIP)
		assert.Equal(t, "zndraw-cli/1.0", stored.UserAgent)
		assert.Nil(t, stored.UserID)
	}
	assert.NotContains(t, e.logs.String(), "secret\":\"", "no secret in the log")
}

func TestCLIChallengeHappyPath(t *testing.T) {
	e := newEnv(t)
	u := e.user("a@example.com")
	c := e.challenge()

	res, err := e.poll(c)
	require.NoError(t, err)
	assert.Equal(t, core.CLIPollResult{Status: core.ChallengePending}, res)

	require.NoError(t, e.svc.ApproveCLIChallenge(e.ctx, e.principal(e.login(u.Email)), c.Code, core.RequestMeta{}))
	approved := e.hooks.named("OnCLILoginApproved")
	require.Len(t, approved, 1)
	assert.Equal(t, u.ID, approved[0].User.ID)

	res, err = e.poll(c)
	require.NoError(t, err)
	assert.Equal(t, core.ChallengeApproved, res.Status)
	require.NotEmpty(t, res.Token)
	assert.Equal(t, u.ID, e.principal(res.Token).User.ID, "the token is the approver's")
	redeemed := e.hooks.named("OnCLILoginRedeemed")
	require.Len(t, redeemed, 1)
	assert.Equal(t, u.ID, redeemed[0].User.ID)

	_, err = e.poll(c)
	require.ErrorIs(t, err, core.ErrChallengeNotFound, "the token is handed out once")
	stored, err := e.mem.GetChallenge(e.ctx, c.Code)
	require.NoError(t, err, "the row is kept for audit")
	assert.Equal(t, core.ChallengeRedeemed, stored.Status)
	assert.Empty(t, stored.SecretHash)
	require.NotNil(t, stored.UserID)
	assert.Equal(t, u.ID, *stored.UserID)
	assert.NotContains(t, e.logs.String(), res.Token, "the token is not logged")
	assert.NotContains(t, e.logs.String(), c.Secret, "the secret is not logged")
}

func TestPollCLIChallengeNotFound(t *testing.T) {
	e := newEnv(t)
	c := e.challenge()
	for _, tc := range []struct{ name, code, secret string }{
		{"unknown code", "ZZZZZZZZ", c.Secret},
		{"code in lower case", strings.ToLower(c.Code), c.Secret},
		{"wrong secret", c.Code, c.Secret[:42] + "x"},
		{"empty secret", c.Code, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.code == strings.ToLower(c.Code) && tc.code == c.Code {
				t.Skip("code has no letters")
			}
			_, err := e.svc.PollCLIChallenge(e.ctx, tc.code, tc.secret, core.RequestMeta{})
			require.ErrorIs(t, err, core.ErrChallengeNotFound)
		})
	}
}

func TestCLIChallengeExpiry(t *testing.T) {
	t.Run("at ExpiresAt it still works", func(t *testing.T) {
		e := newEnv(t)
		u := e.user("a@example.com")
		c := e.challenge()
		e.clock.Advance(300 * time.Second)
		require.NoError(t, e.svc.ApproveCLIChallenge(e.ctx, e.principal(e.login(u.Email)), c.Code, core.RequestMeta{}))
		res, err := e.poll(c)
		require.NoError(t, err)
		assert.NotEmpty(t, res.Token)
	})
	t.Run("pending, expired", func(t *testing.T) {
		e := newEnv(t)
		u := e.user("a@example.com")
		p := e.principal(e.login(u.Email))
		c := e.challenge()
		e.clock.Advance(10 * time.Minute)
		_, err := e.poll(c)
		require.ErrorIs(t, err, core.ErrChallengeExpired)
		_, err = e.svc.PollCLIChallenge(e.ctx, c.Code, "wrong", core.RequestMeta{})
		require.ErrorIs(t, err, core.ErrChallengeNotFound, "a wrong secret is 404 even when expired")
		require.ErrorIs(t, e.svc.ApproveCLIChallenge(e.ctx, p, c.Code, core.RequestMeta{}), core.ErrChallengeExpired)
		assert.Empty(t, e.hooks.named("OnCLILoginApproved"))
	})
	t.Run("approved, expired before the poll", func(t *testing.T) {
		e := newEnv(t)
		u := e.user("a@example.com")
		c := e.approvedChallenge(u)
		e.clock.Advance(300*time.Second + time.Nanosecond)
		res, err := e.poll(c)
		require.ErrorIs(t, err, core.ErrChallengeExpired)
		assert.Empty(t, res.Token)
		p := e.principal(e.login(u.Email))
		require.ErrorIs(t, e.svc.ApproveCLIChallenge(e.ctx, p, c.Code, core.RequestMeta{}), core.ErrChallengeNotFound,
			"an expired approved challenge is 404 on approve")
		assert.Empty(t, e.hooks.named("OnCLILoginRedeemed"))
	})
}

func TestApproveCLIChallenge(t *testing.T) {
	e := newEnv(t)
	u := e.user("a@example.com")
	p := e.principal(e.login(u.Email))

	t.Run("unknown", func(t *testing.T) {
		require.ErrorIs(t, e.svc.ApproveCLIChallenge(e.ctx, p, "ZZZZZZZZ", core.RequestMeta{}), core.ErrChallengeNotFound)
	})
	t.Run("already approved", func(t *testing.T) {
		c := e.approvedChallenge(u)
		require.ErrorIs(t, e.svc.ApproveCLIChallenge(e.ctx, p, c.Code, core.RequestMeta{}), core.ErrChallengeNotFound)
		assert.Empty(t, e.hooks.named("OnCLILoginApproved"))
	})
	t.Run("redeemed", func(t *testing.T) {
		c := e.approvedChallenge(u)
		_, err := e.poll(c)
		require.NoError(t, err)
		require.ErrorIs(t, e.svc.ApproveCLIChallenge(e.ctx, p, c.Code, core.RequestMeta{}), core.ErrChallengeNotFound)
	})
	t.Run("rejected", func(t *testing.T) {
		c := e.challenge()
		require.NoError(t, e.svc.RejectCLIChallenge(e.ctx, p, c.Code, core.RequestMeta{}))
		require.ErrorIs(t, e.svc.ApproveCLIChallenge(e.ctx, p, c.Code, core.RequestMeta{}), core.ErrChallengeNotFound)
	})
	t.Run("impersonation token cannot approve", func(t *testing.T) {
		e := newEnv(t)
		e.createUser("admin@example.com", true, true, true)
		target := e.user("t@example.com")
		tok, err := e.svc.MintImpersonationToken(e.ctx, e.principal(e.login("admin@example.com")), target.ID, core.RequestMeta{})
		require.NoError(t, err)
		c := e.challenge()
		require.ErrorIs(t, e.svc.ApproveCLIChallenge(e.ctx, e.principal(tok), c.Code, core.RequestMeta{}), core.ErrForbidden)
		stored, err := e.mem.GetChallenge(e.ctx, c.Code)
		require.NoError(t, err)
		assert.Equal(t, core.ChallengePending, stored.Status)
	})
}

func TestRejectCLIChallenge(t *testing.T) {
	// by is who rejects: "" is another active user (not the approver).
	for _, tc := range []struct {
		name    string
		prepare func(e *env, u core.User) core.CLIChallengeCreated
		wantErr error
		by      string
	}{
		{"pending", func(e *env, _ core.User) core.CLIChallengeCreated { return e.challenge() }, nil, ""},
		{"approved, by its approver", func(e *env, u core.User) core.CLIChallengeCreated { return e.approvedChallenge(u) }, nil, "approver"},
		{"approved, by a superuser", func(e *env, u core.User) core.CLIChallengeCreated { return e.approvedChallenge(u) }, nil, "superuser"},
		{"approved, by someone else", func(e *env, u core.User) core.CLIChallengeCreated { return e.approvedChallenge(u) }, core.ErrChallengeNotFound, ""},
		{"approved, by an impersonation token of a superuser", func(e *env, u core.User) core.CLIChallengeCreated {
			return e.approvedChallenge(u)
		}, core.ErrChallengeNotFound, "impersonation"},
		{"expired pending", func(e *env, _ core.User) core.CLIChallengeCreated {
			c := e.challenge()
			e.clock.Advance(10 * time.Minute)
			return c
		}, nil, ""},
		{"redeemed", func(e *env, u core.User) core.CLIChallengeCreated {
			c := e.approvedChallenge(u)
			_, err := e.poll(c)
			require.NoError(e.t, err)
			return c
		}, core.ErrChallengeNotFound, ""},
		{"rejected", func(e *env, u core.User) core.CLIChallengeCreated {
			c := e.challenge()
			require.NoError(e.t, e.svc.RejectCLIChallenge(e.ctx, e.principal(e.login(u.Email)), c.Code, core.RequestMeta{}))
			e.hooks.reset()
			return c
		}, core.ErrChallengeNotFound, ""},
		{"unknown", func(*env, core.User) core.CLIChallengeCreated {
			return core.CLIChallengeCreated{Code: "ZZZZZZZZ"}
		}, core.ErrChallengeNotFound, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			u := e.user("a@example.com")
			other := e.user("b@example.com")
			c := tc.prepare(e, u)
			before, _ := e.mem.GetChallenge(e.ctx, c.Code)
			by := e.principal(e.login(other.Email))
			switch tc.by {
			case "approver":
				by = e.principal(e.login(u.Email))
			case "superuser":
				by = e.principal(e.login(e.createUser("root@example.com", true, true, true).Email))
			case "impersonation":
				root := e.principal(e.login(e.createUser("root@example.com", true, true, true).Email))
				tok, err := e.svc.MintImpersonationToken(e.ctx, root, other.ID, core.RequestMeta{})
				require.NoError(t, err)
				by = e.principal(tok)
			}
			err := e.svc.RejectCLIChallenge(e.ctx, by, c.Code, core.RequestMeta{})
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				after, _ := e.mem.GetChallenge(e.ctx, c.Code)
				assert.Equal(t, before, after, "unchanged, and never deleted")
				assert.Empty(t, e.hooks.named("OnCLILoginRejected"))
				return
			}
			require.NoError(t, err)
			calls := e.hooks.named("OnCLILoginRejected")
			require.Len(t, calls, 1)
			assert.Equal(t, by.User.ID, calls[0].User.ID)
			stored, err := e.mem.GetChallenge(e.ctx, c.Code)
			require.NoError(t, err, "kept for audit")
			assert.Equal(t, core.ChallengeRejected, stored.Status)
			res, err := e.poll(c)
			require.ErrorIs(t, err, core.ErrChallengeNotFound)
			assert.Empty(t, res.Token)
			e.clock.Advance(time.Hour)
			_, err = e.poll(c)
			require.ErrorIs(t, err, core.ErrChallengeNotFound, "a rejected challenge stays 404 after it expires")
		})
	}
}

func TestPollCLIChallengeRechecksApprover(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(e *env, u core.User)
	}{
		{"deactivated", func(e *env, u core.User) {
			_, err := e.svc.UpdateUser(e.ctx, u, core.UserUpdate{IsActive: ptr(false)}, core.RequestMeta{})
			require.NoError(e.t, err)
		}},
		{"deleted", func(e *env, u core.User) { require.NoError(e.t, e.svc.DeleteUser(e.ctx, u, core.RequestMeta{})) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			u := e.user("a@example.com")
			c := e.approvedChallenge(u)
			tc.change(e, u)
			e.hooks.reset()
			res, err := e.poll(c)
			require.ErrorIs(t, err, core.ErrChallengeNotFound)
			assert.Empty(t, res.Token)
			assert.Empty(t, e.hooks.named("OnCLILoginRedeemed"))
		})
	}
}

func TestPollCLIChallengeConcurrent(t *testing.T) {
	st := newBarrierStore("GetChallenge")
	e := newEnv(t, withStore(st))
	u := e.user("a@example.com")
	c := e.approvedChallenge(u)
	const n = 64
	st.arm(n) // all 64 see the approved challenge before any redeems
	tokens := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			res, err := e.poll(c)
			tokens[i], errs[i] = res.Token, err
		})
	}
	close(start)
	wg.Wait()
	got := 0
	for i := range n {
		if errs[i] == nil {
			got++
			require.NotEmpty(t, tokens[i])
			continue
		}
		require.ErrorIs(t, errs[i], core.ErrChallengeNotFound)
		require.Empty(t, tokens[i])
	}
	assert.Equal(t, 1, got, "exactly one poll gets the token")
	assert.Len(t, e.hooks.named("OnCLILoginRedeemed"), 1)
}

func TestPollCLIChallengeInterval(t *testing.T) {
	e := newEnv(t, withSettings(func(s *core.Settings) {
		s.RateLimit.Enabled = true
		s.CLILoginPollInterval = time.Second
	}))
	u := e.user("a@example.com")
	c := e.challenge()

	res, err := e.poll(c)
	require.NoError(t, err)
	assert.Equal(t, core.ChallengePending, res.Status)
	_, err = e.poll(c)
	var ce *core.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, core.CodeTooManyRequests, ce.Code)
	assert.GreaterOrEqual(t, ce.RetryAfter, time.Second)

	e.clock.Advance(999 * time.Millisecond)
	_, err = e.poll(c)
	require.ErrorIs(t, err, core.ErrTooManyRequests, "still too fast")
	e.clock.Advance(time.Millisecond)
	res, err = e.poll(c)
	require.NoError(t, err, "once a second is fine")
	assert.Equal(t, core.ChallengePending, res.Status)

	require.NoError(t, e.svc.ApproveCLIChallenge(e.ctx, e.principal(e.login(u.Email)), c.Code, core.RequestMeta{}))
	_, err = e.poll(c)
	require.ErrorIs(t, err, core.ErrTooManyRequests, "the interval applies to approved challenges too")
	e.clock.Advance(time.Second)
	res, err = e.poll(c)
	require.NoError(t, err)
	assert.NotEmpty(t, res.Token, "a throttled poll did not consume the challenge")

	t.Run("rate limits disabled", func(t *testing.T) {
		e := newEnv(t, withSettings(func(s *core.Settings) { s.CLILoginPollInterval = time.Second }))
		c := e.challenge()
		for range 5 {
			_, err := e.poll(c)
			require.NoError(t, err)
		}
	})
}

func TestPurgeChallenges(t *testing.T) {
	e := newEnv(t, withSettings(func(s *core.Settings) { s.CLILoginRetention = time.Hour }))
	old := e.challenge() // expires at t0+5m
	e.clock.Advance(time.Hour + 5*time.Minute + time.Second)
	recent := e.challenge() // expires 5 minutes from now
	e.clock.Advance(30 * time.Minute)
	expiredRecently := e.challenge()
	e.clock.Advance(10 * time.Minute) // expiredRecently expired 5 minutes ago
	require.NoError(t, e.svc.Purge(e.ctx))

	_, err := e.mem.GetChallenge(e.ctx, old.Code)
	require.ErrorIs(t, err, core.ErrNotFound, "older than the retention: purged")
	_, err = e.poll(old)
	require.ErrorIs(t, err, core.ErrChallengeNotFound)
	for _, c := range []core.CLIChallengeCreated{recent, expiredRecently} {
		_, err := e.mem.GetChallenge(e.ctx, c.Code)
		require.NoError(t, err, "within the retention: kept")
	}
	_, err = e.poll(expiredRecently)
	require.ErrorIs(t, err, core.ErrChallengeExpired, "an expired challenge keeps answering 410 within the retention")
}

func TestPurgeRevocationsKeepsLiveTokensRevoked(t *testing.T) {
	e := newEnv(t)
	e.user("a@example.com")
	tok := e.login("a@example.com")
	require.NoError(t, e.svc.Logout(e.ctx, e.principal(tok), core.RequestMeta{}))
	e.clock.Advance(time.Hour + 10*time.Second) // expired, but within the 30 s leeway
	require.NoError(t, e.svc.Purge(e.ctx))
	_, err := e.svc.CurrentUser(e.ctx, tok, core.AccessActive)
	require.ErrorIs(t, err, core.ErrUnauthorized, "still revoked")
}

func TestCLIChallengeStoreOutage(t *testing.T) {
	st := newFaultyStore()
	e := newEnv(t, withStore(st))
	u := e.user("a@example.com")
	c := e.approvedChallenge(u)
	for _, m := range []string{"GetChallenge", "GetUser", "RedeemChallenge"} {
		st.fail(m)
		res, err := e.poll(c)
		require.ErrorIs(t, err, core.ErrServiceUnavailable, m)
		assert.NotErrorIs(t, err, core.ErrChallengeExpired)
		assert.NotErrorIs(t, err, core.ErrChallengeNotFound)
		assert.Empty(t, res.Token)
	}
	st.recover()
	res, err := e.poll(c)
	require.NoError(t, err, "after the outage the poll succeeds once")
	assert.NotEmpty(t, res.Token)
}

func TestDescribeCLIChallenge(t *testing.T) {
	e := newEnv(t)
	p := e.principal(e.login(e.user("viewer@example.com").Email))
	_, err := e.svc.DescribeCLIChallenge(e.ctx, p, "ZZZZZZZZ", core.RequestMeta{})
	require.ErrorIs(t, err, core.ErrChallengeNotFound)

	c := e.challenge()
	info, err := e.svc.DescribeCLIChallenge(e.ctx, p, c.Code, core.RequestMeta{})
	require.NoError(t, err)
	assert.Equal(t, c.Code, info.Code)
	assert.Equal(t, core.ChallengePending, info.Status)
	assert.Equal(t, "198.51.100.7", info.ClientIP)
	assert.Equal(t, "zndraw-cli/1.0", info.UserAgent)
	assert.False(t, info.Expired)
	assert.Equal(t, 300*time.Second, info.TimeLeft)

	e.clock.Advance(301 * time.Second)
	info, err = e.svc.DescribeCLIChallenge(e.ctx, p, c.Code, core.RequestMeta{})
	require.NoError(t, err)
	assert.True(t, info.Expired)
}
