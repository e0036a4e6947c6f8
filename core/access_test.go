package core_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zincware/zndraw-auth-go/core"
)

// metaLog records the RequestMeta every after-hook of a write received.
type metaLog struct {
	mu    sync.Mutex
	metas map[string][]core.RequestMeta
}

func (l *metaLog) add(name string, m core.RequestMeta) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.metas == nil {
		l.metas = map[string][]core.RequestMeta{}
	}
	l.metas[name] = append(l.metas[name], m)
	return nil
}

func (l *metaLog) last(t *testing.T, name string) core.RequestMeta {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	require.NotEmpty(t, l.metas[name], name+" did not run")
	return l.metas[name][len(l.metas[name])-1]
}

func (l *metaLog) hooks() core.Hooks {
	return core.Hooks{
		OnAfterUpdate: func(_ context.Context, _ core.User, _ core.UserUpdate, m core.RequestMeta) error {
			return l.add("update", m)
		},
		OnBeforeDelete: func(_ context.Context, _ core.User, m core.RequestMeta) error { return l.add("before-delete", m) },
		OnAfterDelete:  func(_ context.Context, _ core.User, m core.RequestMeta) error { return l.add("delete", m) },
		OnAfterLogout:  func(_ context.Context, _ core.User, m core.RequestMeta) error { return l.add("logout", m) },
	}
}

// TestImpersonationCannotChangeCredentials: a request made with an
// impersonation token cannot change the password or email of the account
// (UpdateSelf), cannot run the superuser update (UpdateUser) and cannot
// delete, whether the caller is handed over as the principal, in the meta or
// only in the context; nothing is written and no hook runs.
func TestImpersonationCannotChangeCredentials(t *testing.T) {
	e := newEnv(t)
	admin := e.createUser("admin@example.com", true, true, true)
	target := e.createUser("target@example.com", true, true, false)
	imp, err := e.svc.MintImpersonationToken(e.ctx, e.principal(e.login(admin.Email)), target.ID, core.RequestMeta{})
	require.NoError(t, err)
	impP := e.principal(imp)
	e.hooks.reset()

	pw, email := "new-password-123", "new@example.com"
	for name, upd := range map[string]core.UserUpdate{
		"password": {Password: &pw},
		"email":    {Email: &email},
		"both":     {Password: &pw, Email: &email},
	} {
		_, err := e.svc.UpdateSelf(e.ctx, impP, upd, core.RequestMeta{})
		require.ErrorIs(t, err, core.ErrForbidden, name)
	}
	impMeta := core.RequestMeta{}.WithActor(impP)
	assert.True(t, impMeta.Impersonated())
	assert.Equal(t, target.ID, impMeta.ActorID)
	assert.Equal(t, admin.ID, impMeta.ImpersonatedBy)
	impCtx := core.ContextWithPrincipal(e.ctx, impP)
	_, err = e.svc.UpdateUser(e.ctx, target, core.UserUpdate{Password: &pw}, impMeta)
	require.ErrorIs(t, err, core.ErrForbidden)
	_, err = e.svc.UpdateUser(impCtx, target, core.UserUpdate{IsSuperuser: ptr(true)}, core.RequestMeta{})
	require.ErrorIs(t, err, core.ErrForbidden)
	require.ErrorIs(t, e.svc.DeleteUser(e.ctx, target, impMeta), core.ErrForbidden)
	require.ErrorIs(t, e.svc.DeleteUser(impCtx, target, core.RequestMeta{}), core.ErrForbidden)

	assert.Equal(t, target, e.get(target.ID), "nothing was written")
	assert.Empty(t, e.hooks.names(), "no hook ran")
	// What is not a credential still goes through.
	got, err := e.svc.UpdateSelf(e.ctx, impP, core.UserUpdate{IsActive: ptr(false)}, core.RequestMeta{})
	require.NoError(t, err)
	assert.True(t, got.IsActive, "the flags are ignored on /users/me")
}

// TestRequestMetaNamesTheActor: the hooks of a write see who acted: the
// principal handed to the Service, the actor already in the meta, or the
// principal in the context, in that order.
func TestRequestMetaNamesTheActor(t *testing.T) {
	var log metaLog
	e := newEnv(t, withoutHooks())
	svc, err := core.New(e.store, testSettings(), core.WithClock(e.clock), core.WithHooks(log.hooks()), core.WithLogger(quiet))
	require.NoError(t, err)
	t.Cleanup(func() { _ = svc.Close() })
	e.svc = svc
	admin := e.createUser("admin@example.com", true, true, true)
	adminP := e.principal(e.login(admin.Email))
	user := e.user("user@example.com")
	userP := e.principal(e.login(user.Email))
	imp, err := e.svc.MintImpersonationToken(e.ctx, adminP, user.ID, core.RequestMeta{})
	require.NoError(t, err)
	impP := e.principal(imp)

	_, err = e.svc.UpdateSelf(e.ctx, userP, core.UserUpdate{}, core.RequestMeta{ClientIP: "192.0.2.1"})
	require.NoError(t, err)
	m := log.last(t, "update")
	assert.Equal(t, core.RequestMeta{ClientIP: "192.0.2.1", ActorID: user.ID}, m)

	_, err = e.svc.UpdateSelf(e.ctx, impP, core.UserUpdate{}, core.RequestMeta{})
	require.NoError(t, err)
	assert.Equal(t, core.RequestMeta{ActorID: user.ID, ImpersonatedBy: admin.ID}, log.last(t, "update"))

	_, err = e.svc.UpdateUser(e.ctx, user, core.UserUpdate{IsVerified: ptr(true)}, core.RequestMeta{}.WithActor(adminP))
	require.NoError(t, err)
	assert.Equal(t, core.RequestMeta{ActorID: admin.ID}, log.last(t, "update"))

	_, err = e.svc.UpdateUser(core.ContextWithPrincipal(e.ctx, adminP), user, core.UserUpdate{IsVerified: ptr(false)}, core.RequestMeta{})
	require.NoError(t, err)
	assert.Equal(t, core.RequestMeta{ActorID: admin.ID}, log.last(t, "update"), "the caller from the context")

	require.NoError(t, e.svc.Logout(e.ctx, impP, core.RequestMeta{}))
	assert.Equal(t, core.RequestMeta{ActorID: user.ID, ImpersonatedBy: admin.ID}, log.last(t, "logout"))

	require.NoError(t, e.svc.DeleteUser(e.ctx, user, core.RequestMeta{}.WithActor(adminP)))
	assert.Equal(t, core.RequestMeta{ActorID: admin.ID}, log.last(t, "before-delete"))
	assert.Equal(t, core.RequestMeta{ActorID: admin.ID}, log.last(t, "delete"))

	// Host code acting on its own names no actor.
	other := e.user("other@example.com")
	require.NoError(t, e.svc.DeleteUser(e.ctx, other, core.RequestMeta{}))
	assert.Equal(t, uuid.Nil, log.last(t, "delete").ActorID)
	assert.Equal(t, core.RequestMeta{}, core.RequestMeta{}.WithActor(nil))
}

// TestRequestMetaLogsTheActor: a security event carries actor_id and
// impersonated_by when the request names them, and neither key otherwise.
func TestRequestMetaLogsTheActor(t *testing.T) {
	keys := func(m core.RequestMeta) map[string]string {
		out := map[string]string{}
		for _, a := range m.LogAttrs() {
			out[a.Key] = a.Value.String()
		}
		return out
	}
	admin, user := uuid.New(), uuid.New()
	got := keys(core.RequestMeta{ClientIP: "192.0.2.1", ActorID: user, ImpersonatedBy: admin})
	assert.Equal(t, user.String(), got["actor_id"])
	assert.Equal(t, admin.String(), got["impersonated_by"])
	got = keys(core.RequestMeta{ActorID: admin})
	assert.Equal(t, admin.String(), got["actor_id"])
	assert.NotContains(t, got, "impersonated_by")
	got = keys(core.RequestMeta{ClientIP: "192.0.2.1"})
	assert.NotContains(t, got, "actor_id")
	assert.NotContains(t, got, "impersonated_by")
}

// TestRequireVerificationEverywhere: with RequireVerification, every access
// level refuses an unverified user (ErrForbidden), so no caller of
// CurrentUser can forget it; CLI approval refuses them, and a challenge
// approved before the user lost their verification hands out no token.
func TestRequireVerificationEverywhere(t *testing.T) {
	e := newEnv(t, withSettings(func(s *core.Settings) { s.RequireVerification = true }))
	u := e.createUser("u@example.com", true, false, true)
	tok := e.login(u.Email)
	c, err := e.svc.CreateCLIChallenge(e.ctx, core.RequestMeta{})
	require.NoError(t, err)
	require.NoError(t, e.svc.ApproveCLIChallenge(e.ctx, e.principal(tok), c.Code, core.RequestMeta{}))

	_, err = e.svc.UpdateSelf(e.ctx, e.principal(tok), core.UserUpdate{Email: ptr("changed@example.com")}, core.RequestMeta{})
	require.NoError(t, err)
	for _, a := range []core.Access{core.AccessActive, {Verified: false}, core.AccessSuperuser} {
		_, err := e.svc.CurrentUser(e.ctx, tok, a)
		require.ErrorIs(t, err, core.ErrForbidden, "%+v", a)
	}
	p, err := e.svc.CurrentUser(e.ctx, tok, core.AccessOptional)
	require.NoError(t, err)
	assert.Nil(t, p, "an optional route sees an anonymous caller")

	_, err = e.svc.PollCLIChallenge(e.ctx, c.Code, c.Secret, core.RequestMeta{})
	require.ErrorIs(t, err, core.ErrChallengeNotFound, "no token for an approver who is no longer verified")

	// Verified again: the same token passes.
	_, err = e.svc.UpdateUser(e.ctx, e.get(u.ID), core.UserUpdate{IsVerified: ptr(true)}, core.RequestMeta{})
	require.NoError(t, err)
	e.principal(tok)
	res, err := e.svc.PollCLIChallenge(e.ctx, c.Code, c.Secret, core.RequestMeta{})
	require.NoError(t, err)
	assert.NotEmpty(t, res.Token, "the challenge was not consumed by the refusal")
}

// TestLoginFailuresCountPerEmailKey: every spelling that reaches an account
// (case in any script, NFC or NFD) counts towards that account's failed
// login limit; a lookalike spelling gets no budget of its own.
func TestLoginFailuresCountPerEmailKey(t *testing.T) {
	e := newEnv(t, limited(func(r *core.RateLimitSettings) { r.LoginFailuresPerAccountPerHour = 3 }))
	e.user("\u00e9mile@example.com")
	for _, spelling := range []string{"e\u0301mile@example.com", "\u00c9MILE@example.com", "E\u0301mile@EXAMPLE.com"} {
		_, err := e.svc.Login(e.ctx, spelling, "wrong password", core.RequestMeta{})
		require.ErrorIs(t, err, core.ErrBadCredentials, spelling)
	}
	_, err := e.svc.Login(e.ctx, "\u00e9mile@example.com", testPassword, core.RequestMeta{})
	requireTooMany(t, err, time.Hour)
}
