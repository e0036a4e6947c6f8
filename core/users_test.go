package core_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

func TestUpdateUser(t *testing.T) {
	type state struct{ active, superuser, verified bool }
	for _, tc := range []struct {
		name     string
		safe     bool
		upd      core.UserUpdate
		want     state  // starting from active, not superuser, verified
		email    string // stored email afterwards
		hookUpd  core.UserUpdate
		newPass  string // non-empty: the password must now be this
		bumpsTV  bool
		wantErr  error
		wantType any
	}{
		{
			name: "safe mode drops the flags", safe: true,
			upd:  core.UserUpdate{IsActive: ptr(false), IsSuperuser: ptr(true), IsVerified: ptr(false)},
			want: state{true, false, true}, email: "alice@example.com",
		},
		{
			name: "superuser mode honours the flags",
			upd:  core.UserUpdate{IsActive: ptr(false), IsSuperuser: ptr(true), IsVerified: ptr(false)},
			want: state{false, true, false}, email: "alice@example.com", bumpsTV: true,
			hookUpd: core.UserUpdate{IsActive: ptr(false), IsSuperuser: ptr(true), IsVerified: ptr(false)},
		},
		{
			name: "email change resets is_verified (safe)", safe: true,
			upd:  core.UserUpdate{Email: ptr("New@Example.COM")},
			want: state{true, false, false}, email: "New@example.com",
			hookUpd: core.UserUpdate{Email: ptr("New@Example.COM")},
		},
		{
			name: "email change resets is_verified (superuser)",
			upd:  core.UserUpdate{Email: ptr("new@example.com")},
			want: state{true, false, false}, email: "new@example.com",
			hookUpd: core.UserUpdate{Email: ptr("new@example.com")},
		},
		{
			name: "superuser mode: is_verified=true with the email change wins",
			upd:  core.UserUpdate{Email: ptr("new@example.com"), IsVerified: ptr(true)},
			want: state{true, false, true}, email: "new@example.com",
			hookUpd: core.UserUpdate{Email: ptr("new@example.com"), IsVerified: ptr(true)},
		},
		{
			name: "safe mode: is_verified=true with the email change is dropped", safe: true,
			upd:  core.UserUpdate{Email: ptr("new@example.com"), IsVerified: ptr(true)},
			want: state{true, false, false}, email: "new@example.com",
			hookUpd: core.UserUpdate{Email: ptr("new@example.com")},
		},
		{
			name: "same email: nothing changes", safe: true,
			upd:  core.UserUpdate{Email: ptr("alice@example.com")},
			want: state{true, false, true}, email: "alice@example.com",
			hookUpd: core.UserUpdate{Email: ptr("alice@example.com")},
		},
		{
			name: "same email after normalisation: nothing changes", safe: true,
			upd:  core.UserUpdate{Email: ptr(" alice@EXAMPLE.com ")},
			want: state{true, false, true}, email: "alice@example.com",
			hookUpd: core.UserUpdate{Email: ptr(" alice@EXAMPLE.com ")},
		},
		{
			// Documented difference: the reference answers
			// UPDATE_USER_EMAIL_ALREADY_EXISTS here.
			name: "own email in another case is allowed", safe: true,
			upd:  core.UserUpdate{Email: ptr("Alice@example.com")},
			want: state{true, false, false}, email: "Alice@example.com",
			hookUpd: core.UserUpdate{Email: ptr("Alice@example.com")},
		},
		{
			name: "email of another user", safe: true,
			upd:     core.UserUpdate{Email: ptr("bob@example.com")},
			wantErr: core.ErrEmailAlreadyExists,
		},
		{
			name:    "email of another user in another case",
			upd:     core.UserUpdate{Email: ptr("BOB@Example.com"), IsSuperuser: ptr(true)},
			wantErr: core.ErrEmailAlreadyExists,
		},
		{
			name: "invalid email", safe: true,
			upd:      core.UserUpdate{Email: ptr("not-an-email")},
			wantType: &core.InvalidEmailError{},
		},
		{
			name: "password nil keeps the hash",
			upd:  core.UserUpdate{IsSuperuser: ptr(true)},
			want: state{true, true, true}, email: "alice@example.com",
			hookUpd: core.UserUpdate{IsSuperuser: ptr(true)},
		},
		{
			name: "password set", safe: true,
			upd:  core.UserUpdate{Password: ptr("a brand new passphrase")},
			want: state{true, false, true}, email: "alice@example.com",
			hookUpd: core.UserUpdate{Password: ptr("a brand new passphrase")},
			newPass: "a brand new passphrase", bumpsTV: true,
		},
		{
			name: "password rejected: nothing written, not even the email", safe: true,
			upd:     core.UserUpdate{Password: ptr("short"), Email: ptr("new@example.com")},
			wantErr: &core.Error{Code: core.CodeUpdateUserInvalidPassword},
		},
		{
			name: "password and email together", safe: true,
			upd:  core.UserUpdate{Password: ptr("a brand new passphrase"), Email: ptr("new@example.com")},
			want: state{true, false, false}, email: "new@example.com",
			hookUpd: core.UserUpdate{Password: ptr("a brand new passphrase"), Email: ptr("new@example.com")},
			newPass: "a brand new passphrase", bumpsTV: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			u := e.createUser("alice@example.com", true, false, true)
			e.user("bob@example.com")
			update := func() (core.User, error) { return e.svc.UpdateUser(e.ctx, u, tc.upd, core.RequestMeta{}) }
			if tc.safe {
				update = func() (core.User, error) {
					return e.svc.UpdateSelf(e.ctx, &core.Principal{User: u}, tc.upd, core.RequestMeta{})
				}
			}
			got, err := update()
			if tc.wantErr != nil || tc.wantType != nil {
				if tc.wantErr != nil {
					require.ErrorIs(t, err, tc.wantErr)
				} else {
					require.IsType(t, tc.wantType, err)
				}
				assert.Equal(t, u, e.get(u.ID), "nothing written")
				assert.Empty(t, e.hooks.named("OnAfterUpdate"), "no hook on failure")
				return
			}
			require.NoError(t, err)
			stored := e.get(u.ID)
			assert.Equal(t, stored, got, "the returned user is what is stored")
			assert.Equal(t, tc.want, state{stored.IsActive, stored.IsSuperuser, stored.IsVerified})
			assert.Equal(t, tc.email, stored.Email)
			if tc.newPass != "" {
				assert.NotEqual(t, u.HashedPassword, stored.HashedPassword)
				_, err := e.svc.Login(e.ctx, tc.email, tc.newPass, core.RequestMeta{})
				require.NoError(t, err, "the new password works")
				_, err = e.svc.Login(e.ctx, tc.email, testPassword, core.RequestMeta{})
				require.ErrorIs(t, err, core.ErrBadCredentials, "the old one does not")
			} else {
				assert.Equal(t, u.HashedPassword, stored.HashedPassword, "hash kept")
			}
			wantTV := u.TokenVersion
			if tc.bumpsTV {
				wantTV++
			}
			assert.Equal(t, wantTV, stored.TokenVersion)
			calls := e.hooks.named("OnAfterUpdate")
			require.Len(t, calls, 1)
			assert.Equal(t, stored, calls[0].User)
			assert.Equal(t, tc.hookUpd, calls[0].Update, "the hook gets the update as honoured")
		})
	}
}

func TestUpdateUserEdgeCases(t *testing.T) {
	t.Run("deleted user", func(t *testing.T) {
		e := newEnv(t)
		u := e.user("a@example.com")
		require.NoError(t, e.mem.DeleteUser(e.ctx, u.ID))
		_, err := e.svc.UpdateUser(e.ctx, u, core.UserUpdate{IsSuperuser: ptr(true)}, core.RequestMeta{})
		require.ErrorIs(t, err, core.ErrUserNotFound)
	})
	t.Run("after-hook error: update stands", func(t *testing.T) {
		e := newEnv(t)
		u := e.user("a@example.com")
		e.hooks.failWith("OnAfterUpdate", errors.New("boom"))
		got, err := e.svc.UpdateUser(e.ctx, u, core.UserUpdate{IsSuperuser: ptr(true)}, core.RequestMeta{})
		require.NoError(t, err)
		assert.True(t, got.IsSuperuser)
		assert.True(t, e.get(u.ID).IsSuperuser)
		require.Len(t, e.logs.Find(t, "after-hook failed"), 1)
	})
	t.Run("deactivating an inactive user does not bump", func(t *testing.T) {
		e := newEnv(t)
		u := e.createUser("a@example.com", false, false, false)
		got, err := e.svc.UpdateUser(e.ctx, u, core.UserUpdate{IsActive: ptr(false)}, core.RequestMeta{})
		require.NoError(t, err)
		assert.Equal(t, u.TokenVersion, got.TokenVersion)
	})
	t.Run("store outage", func(t *testing.T) {
		st := newFaultyStore()
		e := newEnv(t, withStore(st))
		u := e.user("a@example.com")
		st.fail("UpdateUser")
		_, err := e.svc.UpdateUser(e.ctx, u, core.UserUpdate{IsSuperuser: ptr(true)}, core.RequestMeta{})
		require.ErrorIs(t, err, core.ErrServiceUnavailable)
		assert.Empty(t, e.hooks.named("OnAfterUpdate"))
	})
}

func TestGetUser(t *testing.T) {
	e := newEnv(t)
	u := e.user("a@example.com")
	got, err := e.svc.GetUser(e.ctx, u.ID)
	require.NoError(t, err)
	assert.Equal(t, u, got)
	_, err = e.svc.GetUser(e.ctx, uuid.New())
	require.ErrorIs(t, err, core.ErrUserNotFound)
}

func TestDeleteUser(t *testing.T) {
	t.Run("before-hook veto", func(t *testing.T) {
		e := newEnv(t)
		u := e.user("a@example.com")
		veto := errors.New("user owns resources")
		e.hooks.failWith("OnBeforeDelete", veto)
		err := e.svc.DeleteUser(e.ctx, u, core.RequestMeta{})
		require.ErrorIs(t, err, veto)
		assert.Equal(t, u, e.get(u.ID), "nothing deleted")
		assert.Equal(t, []string{"OnBeforeDelete"}, e.hooks.names(), "OnAfterDelete not fired")
	})
	t.Run("order: before, delete, after", func(t *testing.T) {
		mem := memstore.New()
		probe := &deleteProbe{store: mem}
		svc, err := core.New(mem, testSettings(), core.WithHooks(core.Hooks{OnBeforeDelete: probe.OnBeforeDelete, OnAfterDelete: probe.OnAfterDelete}), core.WithHasher(password.New(password.TestParams)), core.WithLogger(quiet))
		require.NoError(t, err)
		t.Cleanup(func() { _ = svc.Close() })
		ctx := context.Background()
		u, err := svc.CreateUser(ctx, core.UserCreate{Email: "a@example.com", Password: testPassword}, core.RequestMeta{})
		require.NoError(t, err)
		require.NoError(t, svc.DeleteUser(ctx, u, core.RequestMeta{}))
		assert.Equal(t, []string{"OnBeforeDelete: exists", "OnAfterDelete: gone"}, probe.events)
		_, err = mem.GetUser(ctx, u.ID)
		require.ErrorIs(t, err, core.ErrNotFound)
	})
	t.Run("after-hook error is logged", func(t *testing.T) {
		e := newEnv(t)
		u := e.user("a@example.com")
		e.hooks.failWith("OnAfterDelete", errors.New("boom"))
		require.NoError(t, e.svc.DeleteUser(e.ctx, u, core.RequestMeta{}))
		_, err := e.mem.GetUser(e.ctx, u.ID)
		require.ErrorIs(t, err, core.ErrNotFound)
		require.Len(t, e.logs.Find(t, "after-hook failed"), 1)
	})
	t.Run("unknown user", func(t *testing.T) {
		e := newEnv(t)
		err := e.svc.DeleteUser(e.ctx, core.User{ID: uuid.New()}, core.RequestMeta{})
		require.ErrorIs(t, err, core.ErrUserNotFound)
		assert.Empty(t, e.hooks.named("OnAfterDelete"))
	})
	t.Run("a user who approved a CLI login", func(t *testing.T) {
		e := newEnv(t)
		u := e.user("a@example.com")
		ch := e.approvedChallenge(u)
		require.NoError(t, e.svc.DeleteUser(e.ctx, u, core.RequestMeta{}))
		c, err := e.mem.GetChallenge(e.ctx, ch.Code)
		require.NoError(t, err, "the challenge row is kept")
		assert.Nil(t, c.UserID)
		_, err = e.svc.PollCLIChallenge(e.ctx, ch.Code, ch.Secret, core.RequestMeta{})
		require.ErrorIs(t, err, core.ErrChallengeNotFound)
	})
}

// deleteProbe records whether the user exists when each delete hook runs.
type deleteProbe struct {
	store  *memstore.Store
	events []string
}

func (p *deleteProbe) note(ctx context.Context, name string, u core.User) {
	if _, err := p.store.GetUser(ctx, u.ID); err == nil {
		p.events = append(p.events, name+": exists")
	} else {
		p.events = append(p.events, name+": gone")
	}
}

func (p *deleteProbe) OnBeforeDelete(ctx context.Context, u core.User, _ core.RequestMeta) error {
	p.note(ctx, "OnBeforeDelete", u)
	return nil
}

func (p *deleteProbe) OnAfterDelete(ctx context.Context, u core.User, _ core.RequestMeta) error {
	p.note(ctx, "OnAfterDelete", u)
	return nil
}
