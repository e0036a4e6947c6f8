package core_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zincware/zndraw-auth-go/core"
)

func TestRegisterIgnoresFlagsAndPromotesOnlyInDevMode(t *testing.T) {
	for _, tc := range []struct {
		name      string
		opts      []envOpt
		wantSuper bool
	}{
		{"production", nil, false},
		{"dev", []envOpt{devMode()}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.opts...)
			f, tr := false, true
			u, err := e.svc.Register(e.ctx, core.UserCreate{
				Email: "king.arthur@camelot.bt", Password: testPassword,
				IsActive: &f, IsSuperuser: &f, IsVerified: &tr,
			}, core.RequestMeta{})
			require.NoError(t, err)
			assert.True(t, u.IsActive, "safe mode ignores is_active=false")
			assert.False(t, u.IsVerified, "safe mode ignores is_verified=true")
			assert.Equal(t, tc.wantSuper, u.IsSuperuser, "is_superuser in the returned user")
			assert.Equal(t, u, e.get(u.ID), "the returned user is what is stored")
			assert.Contains(t, u.HashedPassword, "$argon2id$")
		})
	}
	t.Run("production ignores is_superuser=true", func(t *testing.T) {
		e := newEnv(t)
		tr := true
		u, err := e.svc.Register(e.ctx, core.UserCreate{Email: "a@example.com", Password: testPassword, IsSuperuser: &tr}, core.RequestMeta{})
		require.NoError(t, err)
		assert.False(t, u.IsSuperuser)
	})
}

func TestCreateUserHonoursFlags(t *testing.T) {
	for _, tc := range []struct {
		name                        string
		dev                         bool
		active, superuser, verified *bool
		want                        [3]bool // active, superuser, verified
	}{
		{"defaults", false, nil, nil, nil, [3]bool{true, false, false}},
		{"all set", false, ptr(false), ptr(true), ptr(true), [3]bool{false, true, true}},
		{"superuser only", false, nil, ptr(true), nil, [3]bool{true, true, false}},
		{"dev mode does not promote CreateUser", true, nil, ptr(false), nil, [3]bool{true, false, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var opts []envOpt
			if tc.dev {
				opts = append(opts, devMode())
			}
			e := newEnv(t, opts...)
			u, err := e.svc.CreateUser(e.ctx, core.UserCreate{
				Email: "a@example.com", Password: testPassword,
				IsActive: tc.active, IsSuperuser: tc.superuser, IsVerified: tc.verified,
			}, core.RequestMeta{})
			require.NoError(t, err)
			assert.Equal(t, tc.want, [3]bool{u.IsActive, u.IsSuperuser, u.IsVerified})
			assert.Len(t, e.hooks.named("OnAfterRegister"), 1, "CreateUser fires OnAfterRegister")
		})
	}
}

func TestRegisterPolicyRunsBeforeDuplicateCheck(t *testing.T) {
	e := newEnv(t)
	e.user("alice@example.com")
	_, err := e.svc.Register(e.ctx, core.UserCreate{Email: "alice@example.com", Password: "short"}, core.RequestMeta{})
	var ce *core.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, core.CodeRegisterInvalidPassword, ce.Code)
	assert.False(t, errors.Is(err, core.ErrUserAlreadyExists))
}

func TestRegisterDuplicate(t *testing.T) {
	for _, email := range []string{"alice@example.com", "ALICE@EXAMPLE.COM", "Alice@Example.com"} {
		t.Run(email, func(t *testing.T) {
			e := newEnv(t)
			first := e.user("alice@example.com")
			_, err := e.svc.Register(e.ctx, core.UserCreate{Email: email, Password: testPassword}, core.RequestMeta{})
			require.ErrorIs(t, err, core.ErrUserAlreadyExists)
			assert.Empty(t, e.hooks.named("OnAfterRegister"), "no hook on failure")
			got, err := e.mem.GetUserByEmail(e.ctx, "alice@example.com")
			require.NoError(t, err)
			assert.Equal(t, first, got, "the existing user is untouched")
		})
	}
}

func TestRegisterInvalidEmail(t *testing.T) {
	for _, email := range []string{"", "king.arthur", "a@localhost", "a@b", "a@example.test", `"quoted"@example.com`, "a@@example.com"} {
		t.Run(email, func(t *testing.T) {
			e := newEnv(t)
			_, err := e.svc.Register(e.ctx, core.UserCreate{Email: email, Password: testPassword}, core.RequestMeta{})
			var ie *core.InvalidEmailError
			require.ErrorAs(t, err, &ie)
			assert.NotEmpty(t, ie.Reason)
			assert.Contains(t, err.Error(), "value is not a valid email address: ")
			assert.Zero(t, e.hasher.calls(), "nothing hashed for an invalid email")
			assert.Empty(t, e.hooks.named("OnAfterRegister"))
		})
	}
}

func TestRegisterNormalisesEmail(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"King.Arthur@Camelot.BT", "King.Arthur@camelot.bt"},
		{"  bob@EXAMPLE.com  ", "bob@example.com"},
		{"Bob Builder <Bob@Example.COM>", "Bob@example.com"},
		{"INFO@Example.com", "info@example.com"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			e := newEnv(t)
			u, err := e.svc.Register(e.ctx, core.UserCreate{Email: tc.in, Password: testPassword}, core.RequestMeta{})
			require.NoError(t, err)
			assert.Equal(t, tc.want, u.Email)
			assert.Equal(t, tc.want, e.get(u.ID).Email)
		})
	}
}

func TestRegisterOnAfterRegister(t *testing.T) {
	t.Run("fires with the created user", func(t *testing.T) {
		e := newEnv(t, devMode())
		u, err := e.svc.Register(e.ctx, core.UserCreate{Email: "a@example.com", Password: testPassword}, core.RequestMeta{})
		require.NoError(t, err)
		calls := e.hooks.named("OnAfterRegister")
		require.Len(t, calls, 1)
		assert.Equal(t, u, calls[0].User)
		assert.True(t, calls[0].User.IsSuperuser, "the hook sees the dev-mode promotion")
	})
	t.Run("not on a policy failure", func(t *testing.T) {
		e := newEnv(t)
		_, err := e.svc.Register(e.ctx, core.UserCreate{Email: "a@example.com", Password: "1234567"}, core.RequestMeta{})
		require.ErrorIs(t, err, core.ErrInvalidPassword)
		assert.Empty(t, e.hooks.named("OnAfterRegister"))
	})
	t.Run("hook error is logged, not returned", func(t *testing.T) {
		e := newEnv(t)
		e.hooks.failWith("OnAfterRegister", errors.New("mailer exploded"))
		u, err := e.svc.Register(e.ctx, core.UserCreate{Email: "a@example.com", Password: testPassword}, core.RequestMeta{})
		require.NoError(t, err)
		assert.Equal(t, "a@example.com", u.Email)
		assert.Equal(t, u, e.get(u.ID), "the user persists")
		recs := e.logs.Find(t, "after-hook failed")
		require.Len(t, recs, 1)
		assert.Equal(t, "OnAfterRegister", recs[0]["hook"])
		assert.Equal(t, "ERROR", recs[0]["level"])
		assert.Contains(t, recs[0]["error"], "mailer exploded")
	})
}

func TestRegisterStoreOutage(t *testing.T) {
	st := newFaultyStore()
	e := newEnv(t, withStore(st))
	st.fail("GetUserByEmail")
	_, err := e.svc.Register(e.ctx, core.UserCreate{Email: "a@example.com", Password: testPassword}, core.RequestMeta{})
	require.ErrorIs(t, err, core.ErrServiceUnavailable)
	assert.Empty(t, e.hooks.named("OnAfterRegister"))
	st.fail("CreateUser")
	_, err = e.svc.Register(e.ctx, core.UserCreate{Email: "a@example.com", Password: testPassword}, core.RequestMeta{})
	require.ErrorIs(t, err, core.ErrServiceUnavailable)
	st.recover()
	_, err = st.Store.GetUserByEmail(e.ctx, "a@example.com")
	require.ErrorIs(t, err, core.ErrNotFound, "no partial row")
}
