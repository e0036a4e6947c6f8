package core_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zincware/zndraw-auth-go/core"
)

func TestForgotPasswordSilentCases(t *testing.T) {
	for _, tc := range []struct {
		name  string
		email string
	}{
		{"unknown", "nobody@example.com"},
		{"inactive", "inactive@example.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			in := e.createUser("inactive@example.com", false, false, false)
			before := e.hasher.hashes.Load()
			require.NoError(t, e.svc.ForgotPassword(e.ctx, tc.email, core.RequestMeta{}))
			require.NoError(t, e.svc.Drain(e.ctx))
			assert.Empty(t, e.hooks.names(), "no hook, no token")
			assert.Equal(t, int64(1), e.hasher.hashes.Load()-before, "costs one hash, like the real path")
			assert.Equal(t, in, e.get(in.ID))
		})
	}
	t.Run("invalid email", func(t *testing.T) {
		e := newEnv(t)
		err := e.svc.ForgotPassword(e.ctx, "not-an-email", core.RequestMeta{})
		var ie *core.InvalidEmailError
		require.ErrorAs(t, err, &ie)
	})
}

func TestForgotPasswordToken(t *testing.T) {
	e := newEnv(t)
	u := e.user("Alice@example.com")
	before := e.hasher.hashes.Load()
	require.NoError(t, e.svc.ForgotPassword(e.ctx, "alice@EXAMPLE.com", core.RequestMeta{}))
	assert.Equal(t, int64(1), e.hasher.hashes.Load()-before)
	require.NoError(t, e.svc.Drain(e.ctx))
	calls := e.hooks.named("OnAfterForgotPassword")
	require.Len(t, calls, 1)
	assert.Equal(t, u, calls[0].User)
	assert.Equal(t, u, e.get(u.ID), "requesting a reset changes nothing on the account")

	_, claims, rawHeader, _ := jwtParts(t, calls[0].Token)
	assert.Equal(t, wantHeader, rawHeader)
	assert.Equal(t, u.ID.String(), claims["sub"])
	assert.Equal(t, core.AudienceReset, claims["aud"])
	fgpt, _ := claims["password_fgpt"].(string)
	assert.True(t, strings.HasPrefix(fgpt, "$argon2id$"), "fingerprint is an argon2id PHC string: %q", fgpt)
	assert.NotContains(t, fgpt, u.HashedPassword)
	assert.Equal(t, t0.Unix()+3600, claimInt(t, claims, "exp"))
	for _, k := range keys(claims) {
		assert.Contains(t, []string{"sub", "password_fgpt", "aud", "exp", "iat", "jti"}, k)
	}
	// Signed with the reset secret.
	_, err := jwt.Parse(calls[0].Token, func(*jwt.Token) (any, error) { return []byte(testResetSecret), nil },
		jwt.WithTimeFunc(e.clock.Now), jwt.WithAudience(core.AudienceReset))
	require.NoError(t, err)
}

func TestResetPasswordBadTokens(t *testing.T) {
	resetToken := func(t *testing.T, claims jwt.MapClaims) string {
		return sign(t, jwt.SigningMethodHS256, []byte(testResetSecret), claims, nil)
	}
	for _, tc := range []struct {
		name string
		// token returns the token to try; it may change state first.
		token func(t *testing.T, e *env, u core.User) string
	}{
		{"garbage", func(*testing.T, *env, core.User) string { return "garbage" }},
		{"empty", func(*testing.T, *env, core.User) string { return "" }},
		{"expired", func(t *testing.T, e *env, u core.User) string {
			tok := e.forgotToken(u.Email)
			e.clock.Advance(time.Hour + 30*time.Second)
			return tok
		}},
		{"wrong aud", func(t *testing.T, e *env, u core.User) string {
			return resetToken(t, with(e.resetClaims(u), "aud", core.AudienceAuth))
		}},
		{"missing aud", func(t *testing.T, e *env, u core.User) string {
			return resetToken(t, with(e.resetClaims(u), "aud", nil))
		}},
		{"missing exp", func(t *testing.T, e *env, u core.User) string {
			return resetToken(t, with(e.resetClaims(u), "exp", nil))
		}},
		{"missing fgpt", func(t *testing.T, e *env, u core.User) string {
			return resetToken(t, with(e.resetClaims(u), "password_fgpt", nil))
		}},
		{"fgpt not a hash", func(t *testing.T, e *env, u core.User) string {
			return resetToken(t, with(e.resetClaims(u), "password_fgpt", u.HashedPassword))
		}},
		{"missing sub", func(t *testing.T, e *env, u core.User) string {
			return resetToken(t, with(e.resetClaims(u), "sub", nil))
		}},
		{"sub foo", func(t *testing.T, e *env, u core.User) string {
			return resetToken(t, with(e.resetClaims(u), "sub", "foo"))
		}},
		{"unknown user", func(t *testing.T, e *env, u core.User) string {
			return resetToken(t, with(e.resetClaims(u), "sub", uuid.NewString()))
		}},
		{"signed with the access secret", func(t *testing.T, e *env, u core.User) string {
			return hs256(t, e.resetClaims(u))
		}},
		{"an access token", func(t *testing.T, e *env, u core.User) string { return e.login(u.Email) }},
		{"a verify token", func(t *testing.T, e *env, u core.User) string { return e.verifyToken(u.Email) }},
		{"inactive user", func(t *testing.T, e *env, u core.User) string {
			tok := e.forgotToken(u.Email)
			_, err := e.mem.UpdateUser(e.ctx, u.ID, core.UserPatch{IsActive: ptr(false)})
			require.NoError(t, err)
			return tok
		}},
		{"second use", func(t *testing.T, e *env, u core.User) string {
			tok := e.forgotToken(u.Email)
			require.NoError(t, e.svc.ResetPassword(e.ctx, tok, "first new passphrase", core.RequestMeta{}))
			return tok
		}},
		{"after a password change", func(t *testing.T, e *env, u core.User) string {
			tok := e.forgotToken(u.Email)
			_, err := e.svc.UpdateSelf(e.ctx, &core.Principal{User: u}, core.UserUpdate{Password: ptr("changed passphrase")}, core.RequestMeta{})
			require.NoError(t, err)
			return tok
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			u := e.user("a@example.com")
			tok := tc.token(t, e, u)
			e.hooks.reset()
			before := e.get(u.ID)
			err := e.svc.ResetPassword(e.ctx, tok, "the final passphrase", core.RequestMeta{})
			require.ErrorIs(t, err, core.ErrResetBadToken)
			assert.Equal(t, before, e.get(u.ID), "nothing written")
			assert.Empty(t, e.hooks.names(), "no hook")
		})
	}
}

// resetClaims are valid reset-token claims for u, as ForgotPassword makes.
func (e *env) resetClaims(u core.User) jwt.MapClaims {
	e.t.Helper()
	fgpt, err := e.hasher.Hash(e.ctx, e.get(u.ID).HashedPassword)
	require.NoError(e.t, err)
	return jwt.MapClaims{"sub": u.ID.String(), "password_fgpt": fgpt, "aud": core.AudienceReset, "exp": e.clock.Now().Add(time.Hour).Unix()}
}

func TestResetPassword(t *testing.T) {
	t.Run("success", func(t *testing.T) {
		e := newEnv(t)
		u := e.createUser("a@example.com", true, false, true)
		access := e.login("a@example.com")
		tok := e.forgotToken("a@example.com")
		e.clock.Advance(time.Hour + 29*time.Second) // within the leeway
		require.NoError(t, e.svc.ResetPassword(e.ctx, tok, "a new passphrase", core.RequestMeta{}))

		stored := e.get(u.ID)
		assert.NotEqual(t, u.HashedPassword, stored.HashedPassword)
		assert.Equal(t, u.TokenVersion+1, stored.TokenVersion)
		assert.True(t, stored.IsVerified, "only the password changes")
		_, err := e.svc.Login(e.ctx, "a@example.com", "a new passphrase", core.RequestMeta{})
		require.NoError(t, err)
		_, err = e.svc.Login(e.ctx, "a@example.com", testPassword, core.RequestMeta{})
		require.ErrorIs(t, err, core.ErrBadCredentials)
		_, err = e.svc.CurrentUser(e.ctx, access, core.AccessActive)
		require.ErrorIs(t, err, core.ErrUnauthorized, "earlier access tokens are revoked")
		calls := e.hooks.named("OnAfterResetPassword")
		require.Len(t, calls, 1)
		assert.Equal(t, u.ID, calls[0].User.ID)
		assert.Equal(t, stored.HashedPassword, calls[0].User.HashedPassword)
		assert.Empty(t, e.hooks.named("OnAfterUpdate"), "reset is not an update")
	})
	t.Run("policy failure writes nothing and keeps the token usable", func(t *testing.T) {
		e := newEnv(t)
		u := e.user("a@example.com")
		tok := e.forgotToken("a@example.com")
		err := e.svc.ResetPassword(e.ctx, tok, "short", core.RequestMeta{})
		var ce *core.Error
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, core.CodeResetPasswordInvalidPassword, ce.Code)
		assert.NotEmpty(t, ce.Reason)
		assert.Equal(t, u, e.get(u.ID))
		assert.Empty(t, e.hooks.named("OnAfterResetPassword"))
		require.NoError(t, e.svc.ResetPassword(e.ctx, tok, "long enough now", core.RequestMeta{}))
	})
	t.Run("after-hook error is logged", func(t *testing.T) {
		e := newEnv(t)
		e.user("a@example.com")
		tok := e.forgotToken("a@example.com")
		e.hooks.failWith("OnAfterResetPassword", errors.New("boom"))
		require.NoError(t, e.svc.ResetPassword(e.ctx, tok, "a new passphrase", core.RequestMeta{}))
		require.Len(t, e.logs.Find(t, "after-hook failed"), 1)
	})
	t.Run("store outage does not consume the token", func(t *testing.T) {
		st := newFaultyStore()
		e := newEnv(t, withStore(st))
		e.user("a@example.com")
		tok := e.forgotToken("a@example.com")
		for _, m := range []string{"GetUser", "UpdateUser"} {
			st.fail(m)
			err := e.svc.ResetPassword(e.ctx, tok, "a new passphrase", core.RequestMeta{})
			require.ErrorIs(t, err, core.ErrServiceUnavailable, m)
			assert.NotErrorIs(t, err, core.ErrResetBadToken)
		}
		st.recover()
		require.NoError(t, e.svc.ResetPassword(e.ctx, tok, "a new passphrase", core.RequestMeta{}))
	})
}

func TestResetPasswordConcurrentUse(t *testing.T) {
	st := newBarrierStore("GetUser")
	e := newEnv(t, withStore(st))
	u := e.user("a@example.com")
	tok := e.forgotToken("a@example.com")
	const n = 16
	st.arm(n) // all 16 read the user before any writes
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = e.svc.ResetPassword(e.ctx, tok, "new passphrase "+string(rune('a'+i)), core.RequestMeta{})
		})
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, err := range errs {
		if err == nil {
			require.Equal(t, -1, winner, "more than one reset succeeded")
			winner = i
			continue
		}
		require.ErrorIs(t, err, core.ErrResetBadToken)
	}
	require.NotEqual(t, -1, winner, "one reset succeeds")
	assert.Len(t, e.hooks.named("OnAfterResetPassword"), 1)
	assert.Equal(t, u.TokenVersion+1, e.get(u.ID).TokenVersion, "tokens revoked once")
	_, err := e.svc.Login(e.ctx, "a@example.com", "new passphrase "+string(rune('a'+winner)), core.RequestMeta{})
	require.NoError(t, err, "the stored password is the winner's")
}

func TestRequestVerifySilentCases(t *testing.T) {
	for _, tc := range []struct {
		name  string
		email string
	}{
		{"unknown", "nobody@example.com"},
		{"inactive", "inactive@example.com"},
		{"verified", "verified@example.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.createUser("inactive@example.com", false, false, false)
			e.createUser("verified@example.com", true, false, true)
			require.NoError(t, e.svc.RequestVerify(e.ctx, tc.email, core.RequestMeta{}))
			require.NoError(t, e.svc.Drain(e.ctx))
			assert.Empty(t, e.hooks.names())
		})
	}
	t.Run("invalid email", func(t *testing.T) {
		e := newEnv(t)
		var ie *core.InvalidEmailError
		require.ErrorAs(t, e.svc.RequestVerify(e.ctx, "king.arthur", core.RequestMeta{}), &ie)
	})
}

func TestRequestVerifyToken(t *testing.T) {
	e := newEnv(t)
	u := e.user("Alice@example.com")
	require.NoError(t, e.svc.RequestVerify(e.ctx, "alice@example.COM", core.RequestMeta{}))
	require.NoError(t, e.svc.Drain(e.ctx))
	calls := e.hooks.named("OnAfterRequestVerify")
	require.Len(t, calls, 1)
	assert.Equal(t, u, calls[0].User)
	_, claims, rawHeader, _ := jwtParts(t, calls[0].Token)
	assert.Equal(t, wantHeader, rawHeader)
	assert.Equal(t, u.ID.String(), claims["sub"])
	assert.Equal(t, "Alice@example.com", claims["email"], "the stored email")
	assert.Equal(t, core.AudienceVerify, claims["aud"])
	assert.Equal(t, t0.Unix()+3600, claimInt(t, claims, "exp"))
	_, err := jwt.Parse(calls[0].Token, func(*jwt.Token) (any, error) { return []byte(testVerifySecret), nil },
		jwt.WithTimeFunc(e.clock.Now), jwt.WithAudience(core.AudienceVerify))
	require.NoError(t, err, "signed with the verification secret")
}

func TestVerify(t *testing.T) {
	verifyTok := func(t *testing.T, claims jwt.MapClaims) string {
		return sign(t, jwt.SigningMethodHS256, []byte(testVerifySecret), claims, nil)
	}
	claimsFor := func(u core.User) jwt.MapClaims {
		return jwt.MapClaims{"sub": u.ID.String(), "email": u.Email, "aud": core.AudienceVerify, "exp": t0.Add(time.Hour).Unix()}
	}
	for _, tc := range []struct {
		name    string
		token   func(t *testing.T, e *env, u, other core.User) string
		wantErr error
	}{
		{"garbage", func(*testing.T, *env, core.User, core.User) string { return "garbage" }, core.ErrVerifyBadToken},
		{"expired", func(t *testing.T, e *env, u, _ core.User) string {
			tok := e.verifyToken(u.Email)
			e.clock.Advance(time.Hour + 30*time.Second)
			return tok
		}, core.ErrVerifyBadToken},
		{"missing email", func(t *testing.T, e *env, u, _ core.User) string {
			return verifyTok(t, with(claimsFor(u), "email", nil))
		}, core.ErrVerifyBadToken},
		{"missing sub", func(t *testing.T, e *env, u, _ core.User) string {
			return verifyTok(t, with(claimsFor(u), "sub", nil))
		}, core.ErrVerifyBadToken},
		{"sub foo", func(t *testing.T, e *env, u, _ core.User) string {
			return verifyTok(t, with(claimsFor(u), "sub", "foo"))
		}, core.ErrVerifyBadToken},
		{"email of another user", func(t *testing.T, e *env, u, other core.User) string {
			return verifyTok(t, with(claimsFor(u), "email", other.Email))
		}, core.ErrVerifyBadToken},
		{"unknown email", func(t *testing.T, e *env, u, _ core.User) string {
			return verifyTok(t, with(claimsFor(u), "email", "ghost@example.com"))
		}, core.ErrVerifyBadToken},
		{"email changed since", func(t *testing.T, e *env, u, _ core.User) string {
			tok := e.verifyToken(u.Email)
			_, err := e.svc.UpdateSelf(e.ctx, &core.Principal{User: u}, core.UserUpdate{Email: ptr("moved@example.com")}, core.RequestMeta{})
			require.NoError(t, err)
			return tok
		}, core.ErrVerifyBadToken},
		{"wrong aud", func(t *testing.T, e *env, u, _ core.User) string {
			return verifyTok(t, with(claimsFor(u), "aud", core.AudienceReset))
		}, core.ErrVerifyBadToken},
		{"signed with the access secret", func(t *testing.T, e *env, u, _ core.User) string {
			return hs256(t, claimsFor(u))
		}, core.ErrVerifyBadToken},
		{"a reset token", func(t *testing.T, e *env, u, _ core.User) string { return e.forgotToken(u.Email) }, core.ErrVerifyBadToken},
		{"already verified", func(t *testing.T, e *env, u, _ core.User) string {
			tok := e.verifyToken(u.Email)
			_, err := e.svc.Verify(e.ctx, tok, core.RequestMeta{})
			require.NoError(t, err)
			return tok
		}, core.ErrAlreadyVerified},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			u := e.user("a@example.com")
			other := e.user("b@example.com")
			tok := tc.token(t, e, u, other)
			e.hooks.reset()
			before := e.get(u.ID)
			_, err := e.svc.Verify(e.ctx, tok, core.RequestMeta{})
			require.ErrorIs(t, err, tc.wantErr)
			assert.Equal(t, before, e.get(u.ID), "nothing written")
			assert.False(t, e.get(other.ID).IsVerified)
			assert.Empty(t, e.hooks.names())
		})
	}
}

func TestVerifySuccess(t *testing.T) {
	t.Run("active", func(t *testing.T) {
		e := newEnv(t)
		u := e.user("a@example.com")
		tok := e.verifyToken("a@example.com")
		got, err := e.svc.Verify(e.ctx, tok, core.RequestMeta{})
		require.NoError(t, err)
		assert.True(t, got.IsVerified)
		assert.Equal(t, got, e.get(u.ID))
		assert.Equal(t, u.TokenVersion, got.TokenVersion)
		calls := e.hooks.named("OnAfterVerify")
		require.Len(t, calls, 1)
		assert.Equal(t, got, calls[0].User)
	})
	t.Run("inactive user is verified and stays inactive", func(t *testing.T) {
		e := newEnv(t)
		u := e.user("a@example.com")
		tok := e.verifyToken("a@example.com")
		_, err := e.svc.UpdateUser(e.ctx, u, core.UserUpdate{IsActive: ptr(false)}, core.RequestMeta{})
		require.NoError(t, err)
		got, err := e.svc.Verify(e.ctx, tok, core.RequestMeta{})
		require.NoError(t, err)
		assert.True(t, got.IsVerified)
		assert.False(t, got.IsActive)
		assert.False(t, e.get(u.ID).IsActive)
	})
}

func TestVerifyConcurrentUse(t *testing.T) {
	st := newBarrierStore("GetUserByEmail")
	e := newEnv(t, withStore(st))
	e.user("a@example.com")
	tok := e.verifyToken("a@example.com")
	const n = 16
	st.arm(n) // all 16 see an unverified user before any writes
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			_, errs[i] = e.svc.Verify(e.ctx, tok, core.RequestMeta{})
		})
	}
	close(start)
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
			continue
		}
		require.ErrorIs(t, err, core.ErrAlreadyVerified)
	}
	assert.Equal(t, 1, ok)
	assert.Len(t, e.hooks.named("OnAfterVerify"), 1)
}
