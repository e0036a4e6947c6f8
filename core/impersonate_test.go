package core_test

import (
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zincware/zndraw-auth-go/core"
)

func TestMintImpersonationToken(t *testing.T) {
	e := newEnv(t)
	admin := e.createUser("admin@example.com", true, true, true)
	target := e.user("t@example.com")
	otherAdmin := e.createUser("admin2@example.com", true, true, true)
	inactive := e.createUser("gone@example.com", false, false, false)
	adminP := e.principal(e.login("admin@example.com"))
	userP := e.principal(e.login("t@example.com"))
	imp, err := e.svc.MintImpersonationToken(e.ctx, adminP, admin.ID, core.RequestMeta{})
	require.NoError(t, err)
	impP := e.principal(imp)
	e.hooks.reset()

	for _, tc := range []struct {
		name    string
		p       *core.Principal
		target  uuid.UUID
		wantErr error
	}{
		{"regular target", adminP, target.ID, nil},
		{"another superuser", adminP, otherAdmin.ID, nil},
		{"the admin themself", adminP, admin.ID, nil},
		{"missing target", adminP, uuid.New(), core.ErrUserNotFound},
		{"inactive target", adminP, inactive.ID, core.ErrUserNotFound},
		{"not a superuser", userP, target.ID, core.ErrForbidden},
		{"no principal", nil, target.ID, core.ErrForbidden},
		{"impersonation principal", impP, target.ID, core.ErrForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.logs.Reset()
			e.hooks.reset()
			tok, err := e.svc.MintImpersonationToken(e.ctx, tc.p, tc.target, core.RequestMeta{ClientIP: "192.0.2.9"})
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				assert.Empty(t, tok)
				assert.Empty(t, e.hooks.names())
				assert.Empty(t, e.logs.Events(t, "impersonate"))
				return
			}
			require.NoError(t, err)
			p := e.principal(tok)
			assert.Equal(t, tc.target, p.User.ID)
			assert.Equal(t, admin.ID, p.Token.ImpersonatedBy)

			recs := e.logs.Events(t, "impersonate")
			require.Len(t, recs, 1, "one audit line")
			assert.Equal(t, admin.ID.String(), recs[0]["admin_id"])
			assert.Equal(t, tc.target.String(), recs[0]["user_id"])
			assert.Equal(t, "192.0.2.9", recs[0]["client_ip"])
			assert.NotContains(t, e.logs.String(), tok, "no token in the log")

			calls := e.hooks.named("OnImpersonationTokenMinted")
			require.Len(t, calls, 1)
			assert.Equal(t, admin.ID, calls[0].User.ID)
			assert.Equal(t, tc.target, calls[0].Other.ID)
		})
	}
}

func TestMintImpersonationTokenHookErrorIsLogged(t *testing.T) {
	e := newEnv(t)
	e.createUser("admin@example.com", true, true, true)
	target := e.user("t@example.com")
	e.hooks.failWith("OnImpersonationTokenMinted", errors.New("audit sink down"))
	tok, err := e.svc.MintImpersonationToken(e.ctx, e.principal(e.login("admin@example.com")), target.ID, core.RequestMeta{})
	require.NoError(t, err)
	assert.NotEmpty(t, tok)
	require.Len(t, e.logs.Find(t, "after-hook failed"), 1)
}
