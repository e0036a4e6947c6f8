package core_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zincware/zndraw-auth-go/core"
)

const adminPassword = "admin-password"

func withAdmin(email, pw string) envOpt {
	return withSettings(func(s *core.Settings) {
		s.DefaultAdminEmail = email
		s.DefaultAdminPassword = pw
	})
}

func TestEnsureDefaultAdminDevMode(t *testing.T) {
	e := newEnv(t, devMode(), withSettings(func(s *core.Settings) { s.DefaultAdminPassword = adminPassword }))
	require.NoError(t, e.svc.EnsureDefaultAdmin(e.ctx))
	assert.Zero(t, e.hasher.calls(), "nothing created")
	_, err := e.mem.GetUserByEmail(e.ctx, "admin@example.com")
	require.ErrorIs(t, err, core.ErrNotFound)
}

func TestEnsureDefaultAdminCreates(t *testing.T) {
	e := newEnv(t, withAdmin("Admin@Example.com", adminPassword))
	require.NoError(t, e.svc.EnsureDefaultAdmin(e.ctx))
	u, err := e.mem.GetUserByEmail(e.ctx, "admin@example.com")
	require.NoError(t, err)
	assert.Equal(t, "Admin@example.com", u.Email, "stored normalised")
	assert.True(t, u.IsActive)
	assert.True(t, u.IsSuperuser)
	assert.True(t, u.IsVerified)
	_, err = e.svc.Login(e.ctx, "admin@example.com", adminPassword, core.RequestMeta{})
	require.NoError(t, err, "the configured password works")
	assert.Empty(t, e.hooks.named("OnAfterRegister"), "not a registration")

	// Idempotent, and a changed password in the settings is never applied.
	again, err := core.New(e.store, withAdminSettings("admin@example.com", "another password"), core.WithHasher(e.hasher), core.WithLogger(quiet))
	require.NoError(t, err)
	t.Cleanup(func() { _ = again.Close() })
	require.NoError(t, again.EnsureDefaultAdmin(e.ctx))
	require.NoError(t, e.svc.EnsureDefaultAdmin(e.ctx))
	assert.Equal(t, u, e.get(u.ID))
}

func withAdminSettings(email, pw string) core.Settings {
	s := testSettings()
	s.DefaultAdminEmail, s.DefaultAdminPassword = email, pw
	return s
}

func TestEnsureDefaultAdminPromotes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		active bool
	}{
		{"active user", true},
		{"inactive user is promoted, not reactivated", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, withAdmin("admin@example.com", adminPassword))
			existing := e.createUser("ADMIN@example.com", tc.active, false, false)
			require.NoError(t, e.svc.EnsureDefaultAdmin(e.ctx))
			got := e.get(existing.ID)
			assert.True(t, got.IsSuperuser, "promoted")
			want := existing
			want.IsSuperuser = true
			assert.Equal(t, want, got, "password, is_active and is_verified untouched")
			_, err := e.mem.GetUserByEmail(e.ctx, "admin@example.com")
			require.NoError(t, err)
			require.NoError(t, e.svc.EnsureDefaultAdmin(e.ctx))
			assert.Equal(t, want, e.get(existing.ID), "idempotent")
		})
	}
}

// TestEnsureDefaultAdminWithoutPassword: production mode without an admin
// password cannot create the admin, and a production server where nobody
// can ever be a superuser is refused at startup with a message that says
// what to set. An admin that already exists needs no password (a second
// instance, or a restart, need not repeat it), and an existing regular user
// is promoted.
func TestEnsureDefaultAdminWithoutPassword(t *testing.T) {
	t.Run("no admin yet: refused", func(t *testing.T) {
		e := newEnv(t, withAdmin("admin@example.com", ""))
		err := e.svc.EnsureDefaultAdmin(e.ctx)
		require.Error(t, err)
		for _, want := range []string{"ZNDRAW_AUTH_DEFAULT_ADMIN_PASSWORD", "admin@example.com", "ZNDRAW_AUTH_DEFAULT_ADMIN_EMAIL"} {
			assert.Contains(t, err.Error(), want)
		}
		assert.NotContains(t, err.Error(), "\n", "one line")
		_, err = e.mem.GetUserByEmail(e.ctx, "admin@example.com")
		require.ErrorIs(t, err, core.ErrNotFound)
		assert.False(t, e.svc.IsDevMode(), "still production mode")
	})
	t.Run("the admin exists: fine", func(t *testing.T) {
		e := newEnv(t, withAdmin("admin@example.com", ""))
		admin := e.createUser("admin@example.com", true, true, true)
		require.NoError(t, e.svc.EnsureDefaultAdmin(e.ctx))
		assert.Equal(t, admin, e.get(admin.ID), "untouched")
	})
	t.Run("a regular user of that email: promoted", func(t *testing.T) {
		e := newEnv(t, withAdmin("admin@example.com", ""))
		u := e.createUser("admin@example.com", true, false, false)
		require.NoError(t, e.svc.EnsureDefaultAdmin(e.ctx))
		assert.True(t, e.get(u.ID).IsSuperuser)
	})
}

func TestEnsureDefaultAdminStoreOutage(t *testing.T) {
	st := newFaultyStore()
	e := newEnv(t, withStore(st), withAdmin("admin@example.com", adminPassword))
	st.fail("GetUserByEmail")
	require.ErrorIs(t, e.svc.EnsureDefaultAdmin(e.ctx), core.ErrServiceUnavailable)
	st.recover()
	require.NoError(t, e.svc.EnsureDefaultAdmin(e.ctx))
}
