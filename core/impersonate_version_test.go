package core_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/zincware/zndraw-auth-go/core"
)

// updates returns a step that applies each update to the admin in turn, as
// a superuser would.
func updates(upds ...core.UserUpdate) func(e *env, admin core.User, _ string) {
	return func(e *env, admin core.User, _ string) {
		for _, upd := range upds {
			var err error
			admin, err = e.svc.UpdateUser(e.ctx, admin, upd, core.RequestMeta{})
			require.NoError(e.t, err)
		}
	}
}

// TestImpersonationTokenEndsWithAdminVersion: an impersonation token dies
// for good when its admin changes password, has it reset, logs out
// everywhere, is deactivated (and reactivated), demoted (and promoted
// again) or deleted; the admin's plain logout of another token leaves it
// working.
func TestImpersonationTokenEndsWithAdminVersion(t *testing.T) {
	for _, tc := range []struct {
		name  string
		kill  func(e *env, admin core.User, adminTok string)
		alive bool
	}{
		{"password change", func(e *env, admin core.User, adminTok string) {
			_, err := e.svc.UpdateSelf(e.ctx, e.principal(adminTok), core.UserUpdate{Password: ptr("another-password")}, core.RequestMeta{})
			require.NoError(e.t, err)
		}, false},
		{"password reset", func(e *env, admin core.User, _ string) {
			require.NoError(e.t, e.svc.ResetPassword(e.ctx, e.forgotToken(admin.Email), "another-password", core.RequestMeta{}))
		}, false},
		{"logout everywhere", func(e *env, admin core.User, _ string) {
			require.NoError(e.t, e.svc.LogoutEverywhere(e.ctx, admin, core.RequestMeta{}))
		}, false},
		{"deactivated and reactivated", updates(core.UserUpdate{IsActive: ptr(false)}, core.UserUpdate{IsActive: ptr(true)}), false},
		{"demoted and promoted again", updates(core.UserUpdate{IsSuperuser: ptr(false)}, core.UserUpdate{IsSuperuser: ptr(true)}), false},
		{"deleted", func(e *env, admin core.User, _ string) {
			require.NoError(e.t, e.svc.DeleteUser(e.ctx, admin, core.RequestMeta{}))
		}, false},
		{"logout of the admin's own token", func(e *env, _ core.User, adminTok string) {
			require.NoError(e.t, e.svc.Logout(e.ctx, e.principal(adminTok), core.RequestMeta{}))
		}, true},
		{"the admin's flags rewritten unchanged", updates(core.UserUpdate{IsSuperuser: ptr(true), IsActive: ptr(true)}), true},
	} {
		for _, ttl := range []bool{false, true} {
			name := tc.name
			var opts []envOpt
			if ttl {
				name += ", cached"
				opts = append(opts, cacheTTL(time.Minute))
			}
			t.Run(name, func(t *testing.T) {
				e := newEnv(t, opts...)
				admin := e.createUser("admin@example.com", true, true, true)
				target := e.user("target@example.com")
				adminTok := e.login(admin.Email)
				imp, err := e.svc.MintImpersonationToken(e.ctx, e.principal(adminTok), target.ID, core.RequestMeta{})
				require.NoError(t, err)
				e.principal(imp)
				tc.kill(e, admin, adminTok)
				_, err = e.svc.CurrentUser(e.ctx, imp, core.AccessActive)
				if tc.alive {
					require.NoError(t, err)
					return
				}
				require.ErrorIs(t, err, core.ErrUnauthorized)
				// For good: a later login of the admin changes nothing.
				if _, err := e.svc.GetUser(e.ctx, admin.ID); err == nil {
					if _, err := e.svc.Login(e.ctx, admin.Email, testPassword, core.RequestMeta{}); err != nil {
						_, err = e.svc.Login(e.ctx, admin.Email, "another-password", core.RequestMeta{})
						require.NoError(t, err)
					}
				}
				_, err = e.svc.CurrentUser(e.ctx, imp, core.AccessActive)
				require.ErrorIs(t, err, core.ErrUnauthorized, "the token stays dead")
			})
		}
	}
}

// TestImpersonationTokenWithoutAdminVersion: an impersonation token that
// carries no impersonated_by_tv (as the reference mints them) stands for
// the admin's version 0: it works until the admin's first bump, then never
// again.
func TestImpersonationTokenWithoutAdminVersion(t *testing.T) {
	e := newEnv(t)
	admin := e.createUser("admin@example.com", true, true, true)
	target := e.user("target@example.com")
	tok := hs256(t, with(refClaims(target.ID), "aud", core.AudienceAuth, "impersonated_by", admin.ID.String()))
	p := e.principal(tok)
	require.Equal(t, admin.ID, p.Token.ImpersonatedBy)
	require.Zero(t, p.Token.ImpersonatorVersion)
	require.NoError(t, e.svc.LogoutEverywhere(e.ctx, admin, core.RequestMeta{}))
	_, err := e.svc.CurrentUser(e.ctx, tok, core.AccessActive)
	require.ErrorIs(t, err, core.ErrUnauthorized)
}
