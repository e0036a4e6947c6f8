package core_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zincware/zndraw-auth-go/core"
)

// TestAfterHookErrorsAreLoggedNotReturned checks the documented semantics of
// core.Hooks for every after-hook: the write stands, the caller gets the
// normal result, and the error is logged with the hook's name.
func TestAfterHookErrorsAreLoggedNotReturned(t *testing.T) {
	for _, tc := range []struct {
		hook string
		// run triggers the hook and checks the normal result.
		run func(t *testing.T, e *env)
	}{
		{"OnAfterRegister", func(t *testing.T, e *env) {
			u, err := e.svc.Register(e.ctx, core.UserCreate{Email: "new@example.com", Password: testPassword}, core.RequestMeta{})
			require.NoError(t, err)
			assert.Equal(t, u, e.get(u.ID))
		}},
		{"OnAfterUpdate", func(t *testing.T, e *env) {
			u, err := e.svc.UpdateUser(e.ctx, e.userByEmail("a@example.com"), core.UserUpdate{IsSuperuser: ptr(true)}, core.RequestMeta{})
			require.NoError(t, err)
			assert.True(t, e.get(u.ID).IsSuperuser)
		}},
		{"OnAfterLogin", func(t *testing.T, e *env) {
			e.principal(e.login("a@example.com"))
		}},
		{"OnAfterLogout", func(t *testing.T, e *env) {
			tok := e.login("a@example.com")
			require.NoError(t, e.svc.Logout(e.ctx, e.principal(tok), core.RequestMeta{}))
			_, err := e.svc.CurrentUser(e.ctx, tok, core.AccessActive)
			require.ErrorIs(t, err, core.ErrUnauthorized)
		}},
		{"OnAfterRequestVerify", func(t *testing.T, e *env) {
			require.NoError(t, e.svc.RequestVerify(e.ctx, "a@example.com", core.RequestMeta{}))
		}},
		{"OnAfterVerify", func(t *testing.T, e *env) {
			tok := e.verifyToken("a@example.com")
			u, err := e.svc.Verify(e.ctx, tok, core.RequestMeta{})
			require.NoError(t, err)
			assert.True(t, e.get(u.ID).IsVerified)
		}},
		{"OnAfterForgotPassword", func(t *testing.T, e *env) {
			require.NoError(t, e.svc.ForgotPassword(e.ctx, "a@example.com", core.RequestMeta{}))
		}},
		{"OnAfterResetPassword", func(t *testing.T, e *env) {
			require.NoError(t, e.svc.ResetPassword(e.ctx, e.forgotToken("a@example.com"), "a new passphrase", core.RequestMeta{}))
			_, err := e.svc.Login(e.ctx, "a@example.com", "a new passphrase", core.RequestMeta{})
			require.NoError(t, err)
		}},
		{"OnAfterDelete", func(t *testing.T, e *env) {
			u := e.userByEmail("a@example.com")
			require.NoError(t, e.svc.DeleteUser(e.ctx, u, core.RequestMeta{}))
			_, err := e.mem.GetUser(e.ctx, u.ID)
			require.ErrorIs(t, err, core.ErrNotFound)
		}},
		{"OnCLILoginApproved", func(t *testing.T, e *env) {
			c := e.challenge()
			require.NoError(t, e.svc.ApproveCLIChallenge(e.ctx, e.principal(e.login("a@example.com")), c.Code, core.RequestMeta{}))
			res, err := e.poll(c)
			require.NoError(t, err)
			assert.NotEmpty(t, res.Token)
		}},
		{"OnCLILoginRedeemed", func(t *testing.T, e *env) {
			c := e.approvedChallenge(e.userByEmail("a@example.com"))
			res, err := e.poll(c)
			require.NoError(t, err)
			assert.NotEmpty(t, res.Token)
		}},
		{"OnCLILoginRejected", func(t *testing.T, e *env) {
			c := e.challenge()
			require.NoError(t, e.svc.RejectCLIChallenge(e.ctx, e.principal(e.login("a@example.com")), c.Code, core.RequestMeta{}))
		}},
		{"OnImpersonationTokenMinted", func(t *testing.T, e *env) {
			tok, err := e.svc.MintImpersonationToken(e.ctx, e.principal(e.login("admin@example.com")), e.userByEmail("a@example.com").ID, core.RequestMeta{})
			require.NoError(t, err)
			e.principal(tok)
		}},
	} {
		t.Run(tc.hook, func(t *testing.T) {
			e := newEnv(t)
			e.user("a@example.com")
			e.createUser("admin@example.com", true, true, true)
			e.hooks.failWith(tc.hook, errors.New("hook failed on purpose"))
			tc.run(t, e)
			require.NoError(t, e.svc.Drain(e.ctx), "delivery hooks run in the background")
			require.NotEmpty(t, e.hooks.named(tc.hook), "the hook ran")
			var found bool
			for _, r := range e.logs.Find(t, "after-hook failed") {
				if r["hook"] == tc.hook {
					found = true
					assert.Equal(t, "ERROR", r["level"])
					assert.Contains(t, r["error"], "hook failed on purpose")
				}
			}
			assert.True(t, found, "the hook's error is logged with its name")
		})
	}
}

// TestBeforeHooksVeto checks that a before-hook error stops the operation
// before anything is written and before any later hook.
func TestBeforeHooksVeto(t *testing.T) {
	veto := errors.New("vetoed")
	t.Run("ValidatePassword", func(t *testing.T) {
		e := newEnv(t)
		e.hooks.failWith("ValidatePassword", veto)
		_, err := e.svc.Register(e.ctx, core.UserCreate{Email: "new@example.com", Password: testPassword}, core.RequestMeta{})
		require.ErrorIs(t, err, veto)
		_, err = e.mem.GetUserByEmail(e.ctx, "new@example.com")
		require.ErrorIs(t, err, core.ErrNotFound)
		assert.Empty(t, e.hooks.names())
	})
	t.Run("OnBeforeDelete", func(t *testing.T) {
		e := newEnv(t)
		u := e.user("a@example.com")
		e.hooks.failWith("OnBeforeDelete", veto)
		require.ErrorIs(t, e.svc.DeleteUser(e.ctx, u, core.RequestMeta{}), veto)
		assert.Equal(t, u, e.get(u.ID))
		assert.Equal(t, []string{"OnBeforeDelete"}, e.hooks.names())
	})
}

// userByEmail reads a user from the store by email.
func (e *env) userByEmail(email string) core.User {
	e.t.Helper()
	u, err := e.mem.GetUserByEmail(e.ctx, email)
	require.NoError(e.t, err)
	return u
}

// TestEveryOperationRunsWithoutHooks runs each operation that fires a hook
// on a Service whose hooks are all nil: nil hooks are skipped, nothing
// panics, and the operations succeed.
func TestEveryOperationRunsWithoutHooks(t *testing.T) {
	e := newEnv(t, withoutHooks())
	e.createUser("admin@example.com", true, true, true)
	u, err := e.svc.Register(e.ctx, core.UserCreate{Email: "new@example.com", Password: testPassword}, core.RequestMeta{})
	require.NoError(t, err)
	tok := e.login("new@example.com")
	p := e.principal(tok)
	_, err = e.svc.UpdateUser(e.ctx, u, core.UserUpdate{Password: ptr("another passphrase")}, core.RequestMeta{})
	require.NoError(t, err)
	require.NoError(t, e.svc.ForgotPassword(e.ctx, "new@example.com", core.RequestMeta{}))
	require.NoError(t, e.svc.RequestVerify(e.ctx, "new@example.com", core.RequestMeta{}))
	approved := e.challenge()
	adminP := e.principal(e.login("admin@example.com"))
	require.NoError(t, e.svc.ApproveCLIChallenge(e.ctx, adminP, approved.Code, core.RequestMeta{}))
	res, err := e.poll(approved)
	require.NoError(t, err)
	assert.NotEmpty(t, res.Token)
	require.NoError(t, e.svc.RejectCLIChallenge(e.ctx, adminP, e.challenge().Code, core.RequestMeta{}))
	_, err = e.svc.MintImpersonationToken(e.ctx, adminP, u.ID, core.RequestMeta{})
	require.NoError(t, err)
	require.NoError(t, e.svc.Logout(e.ctx, p, core.RequestMeta{}))
	require.NoError(t, e.svc.DeleteUser(e.ctx, e.userByEmail("new@example.com"), core.RequestMeta{}))
}
