package core_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

func TestAuthenticate(t *testing.T) {
	for _, tc := range []struct {
		name     string
		active   bool
		email    string
		password string
		wantErr  error
	}{
		{"exact email", true, "alice@example.com", testPassword, nil},
		{"email in another case", true, "ALICE@Example.COM", testPassword, nil},
		{"wrong password", true, "alice@example.com", testPassword + "!", core.ErrBadCredentials},
		{"password in another case", true, "alice@example.com", strings.ToUpper(testPassword), core.ErrBadCredentials},
		{"unknown email", true, "bob@example.com", testPassword, core.ErrBadCredentials},
		{"email not trimmed", true, " alice@example.com", testPassword, core.ErrBadCredentials},
		{"inactive, right password", false, "alice@example.com", testPassword, core.ErrBadCredentials},
		{"inactive, wrong password", false, "alice@example.com", "wrong password", core.ErrBadCredentials},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			want := e.createUser("alice@example.com", tc.active, false, false)
			u, err := e.svc.Authenticate(e.ctx, tc.email, tc.password, core.RequestMeta{})
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				assert.Equal(t, core.User{}, u)
				sess, err := e.svc.Login(e.ctx, tc.email, tc.password, core.RequestMeta{})
				require.ErrorIs(t, err, tc.wantErr)
				assert.Nil(t, sess)
				assert.Empty(t, e.hooks.named("OnAfterLogin"), "OnAfterLogin only on success")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, want, u)
			sess, err := e.svc.Login(e.ctx, tc.email, tc.password, core.RequestMeta{ClientIP: "192.0.2.1"})
			require.NoError(t, err)
			assert.Equal(t, want, sess.User)
			// The session's principal is what resolving its token gives:
			// callers need not parse the token they were just handed.
			p, err := e.svc.CurrentUser(e.ctx, sess.AccessToken, core.AccessActive)
			require.NoError(t, err)
			assert.Equal(t, *p, sess.Principal)
			calls := e.hooks.named("OnAfterLogin")
			require.Len(t, calls, 1)
			assert.Equal(t, want.ID, calls[0].User.ID)
		})
	}
}

func TestAuthenticateUnknownEmailCostsAVerification(t *testing.T) {
	e := newEnv(t)
	e.user("alice@example.com")
	for i := range 3 {
		before := e.hasher.verifs.Load()
		_, err := e.svc.Authenticate(e.ctx, "nobody@example.com", testPassword, core.RequestMeta{})
		require.ErrorIs(t, err, core.ErrBadCredentials)
		assert.Equal(t, int64(1), e.hasher.verifs.Load()-before, "attempt %d: one verification for an unknown email", i)
	}
	before := e.hasher.verifs.Load()
	_, err := e.svc.Authenticate(e.ctx, "alice@example.com", "wrong password", core.RequestMeta{})
	require.ErrorIs(t, err, core.ErrBadCredentials)
	assert.Equal(t, int64(1), e.hasher.verifs.Load()-before, "a wrong password costs the same")
}

// ctxBlindStore answers GetUserByEmail even for a cancelled context, as a
// store whose query finished just before the client went away would.
type ctxBlindStore struct{ *memstore.Store }

func (s ctxBlindStore) GetUserByEmail(_ context.Context, email string) (core.User, error) {
	return s.Store.GetUserByEmail(context.Background(), email)
}

func TestTimingEqualiserSurvivesACancelledRequest(t *testing.T) {
	e := newEnv(t, withStore(ctxBlindStore{memstore.New()}))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := e.svc.Authenticate(ctx, "nobody@example.com", testPassword, core.RequestMeta{})
	require.Error(t, err)
	before := e.hasher.verifs.Load()
	_, err = e.svc.Authenticate(e.ctx, "nobody@example.com", testPassword, core.RequestMeta{})
	require.ErrorIs(t, err, core.ErrBadCredentials)
	assert.Equal(t, int64(1), e.hasher.verifs.Load()-before, "an unknown email still costs a verification")
}

func TestLoginRehashesLegacyHashes(t *testing.T) {
	bc, err := bcrypt.GenerateFromPassword([]byte(testPassword), bcrypt.MinCost)
	require.NoError(t, err)
	otherArgon, err := password.New(password.Params{Memory: 128, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}).Hash(context.Background(), testPassword)
	require.NoError(t, err)
	current := "$argon2id$v=19$m=64,t=1,p=1$"
	for _, tc := range []struct {
		name   string
		hash   string
		active bool
	}{
		{"bcrypt", string(bc), true},
		{"bcrypt $2b$", "$2b$" + string(bc)[4:], true},
		{"argon2id with other params", otherArgon, true},
		{"bcrypt, inactive user", string(bc), false},
		{"argon2id with other params, inactive user", otherArgon, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			u := core.User{ID: uuid.New(), Email: "legacy@example.com", HashedPassword: tc.hash, IsActive: tc.active}
			_, err := e.mem.CreateUser(e.ctx, u)
			require.NoError(t, err)
			resetToken := ""
			if tc.active {
				resetToken = e.forgotToken("legacy@example.com")
			}

			sess, err := e.svc.Login(e.ctx, "legacy@example.com", testPassword, core.RequestMeta{})
			stored := e.get(u.ID)
			assert.True(t, strings.HasPrefix(stored.HashedPassword, current), "stored hash upgraded: %s", stored.HashedPassword)
			assert.NotEqual(t, tc.hash, stored.HashedPassword)
			if !tc.active {
				require.ErrorIs(t, err, core.ErrBadCredentials, "the rehash happens, the login still fails")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, stored.HashedPassword, sess.User.HashedPassword, "the returned user carries the new hash")
			// The upgraded hash still verifies, and needs no further upgrade.
			_, err = e.svc.Login(e.ctx, "legacy@example.com", testPassword, core.RequestMeta{})
			require.NoError(t, err)
			assert.Equal(t, stored.HashedPassword, e.get(u.ID).HashedPassword, "no second rehash")
			// A rehash kills outstanding reset tokens: they are bound to the stored hash.
			err = e.svc.ResetPassword(e.ctx, resetToken, "a new passphrase", core.RequestMeta{})
			require.ErrorIs(t, err, core.ErrResetBadToken)
		})
	}
	t.Run("wrong password: no rehash", func(t *testing.T) {
		e := newEnv(t)
		u := core.User{ID: uuid.New(), Email: "legacy@example.com", HashedPassword: string(bc), IsActive: true}
		_, err := e.mem.CreateUser(e.ctx, u)
		require.NoError(t, err)
		_, err = e.svc.Login(e.ctx, "legacy@example.com", "wrong password", core.RequestMeta{})
		require.ErrorIs(t, err, core.ErrBadCredentials)
		assert.Equal(t, string(bc), e.get(u.ID).HashedPassword)
	})
}

func TestLoginUnknownHashFormat(t *testing.T) {
	for _, hash := range []string{"", "not-a-hash", "$md5$abc$def", "$argon2id$v=19$m=64,t=1,p=1$!!!$!!!", "$2x$04$" + strings.Repeat("a", 53)} {
		t.Run(hash, func(t *testing.T) {
			e := newEnv(t)
			u := core.User{ID: uuid.New(), Email: "odd@example.com", HashedPassword: hash, IsActive: true}
			_, err := e.mem.CreateUser(e.ctx, u)
			require.NoError(t, err)
			require.NotPanics(t, func() {
				_, err = e.svc.Login(e.ctx, "odd@example.com", testPassword, core.RequestMeta{})
			})
			require.ErrorIs(t, err, core.ErrBadCredentials)
			recs := e.logs.Find(t, "unreadable")
			require.Len(t, recs, 1, "the unreadable hash is logged")
			assert.Equal(t, u.ID.String(), recs[0]["user_id"])
			assert.NotContains(t, e.logs.String(), testPassword)
			assert.Equal(t, hash, e.get(u.ID).HashedPassword, "nothing written")
		})
	}
}

func TestLoginRequireVerification(t *testing.T) {
	for _, tc := range []struct {
		name     string
		verified bool
		password string
		wantErr  error
	}{
		{"verified", true, testPassword, nil},
		{"unverified", false, testPassword, core.ErrUserNotVerified},
		{"unverified, wrong password", false, "wrong password", core.ErrBadCredentials},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, withSettings(func(s *core.Settings) { s.RequireVerification = true }))
			e.createUser("a@example.com", true, false, tc.verified)
			sess, err := e.svc.Login(e.ctx, "a@example.com", tc.password, core.RequestMeta{})
			if tc.wantErr == nil {
				require.NoError(t, err)
				assert.NotEmpty(t, sess.AccessToken)
				return
			}
			require.ErrorIs(t, err, tc.wantErr)
			assert.Nil(t, sess)
			assert.Empty(t, e.hooks.named("OnAfterLogin"))
		})
	}
	t.Run("off by default", func(t *testing.T) {
		e := newEnv(t)
		e.user("a@example.com")
		e.login("a@example.com")
	})
}

func TestLoginAfterHookErrorDoesNotFailLogin(t *testing.T) {
	e := newEnv(t)
	e.user("a@example.com")
	e.hooks.failWith("OnAfterLogin", assert.AnError)
	tok := e.login("a@example.com")
	e.principal(tok)
	require.Len(t, e.logs.Find(t, "after-hook failed"), 1)
}

func TestLoginStoreOutage(t *testing.T) {
	for _, method := range []string{"GetUserByEmail", "IncrementCounter", "CounterValue"} {
		t.Run(method, func(t *testing.T) {
			st := newFaultyStore()
			e := newEnv(t, withStore(st), withSettings(func(s *core.Settings) {
				s.RateLimit.Enabled = true
				s.RateLimit.LoginFailuresPerAccountPerHour = 1
			}))
			e.user("a@example.com")
			st.fail(method)
			for _, pw := range []string{testPassword, "wrong password"} {
				_, err := e.svc.Login(e.ctx, "a@example.com", pw, core.RequestMeta{ClientIP: "192.0.2.1"})
				require.ErrorIs(t, err, core.ErrServiceUnavailable)
				assert.NotErrorIs(t, err, core.ErrBadCredentials)
				assert.NotErrorIs(t, err, core.ErrUnauthorized)
			}
			st.recover()
			// One counted failure would have locked the account (limit 1).
			e.login("a@example.com")
		})
	}
	t.Run("failed rehash write does not fail the login", func(t *testing.T) {
		st := newFaultyStore()
		e := newEnv(t, withStore(st))
		bc, err := bcrypt.GenerateFromPassword([]byte(testPassword), bcrypt.MinCost)
		require.NoError(t, err)
		u := core.User{ID: uuid.New(), Email: "legacy@example.com", HashedPassword: string(bc), IsActive: true}
		_, err = st.Store.CreateUser(e.ctx, u)
		require.NoError(t, err)
		st.fail("UpdateUser")
		e.login("legacy@example.com")
		st.recover()
		assert.Equal(t, string(bc), e.get(u.ID).HashedPassword)
		assert.Len(t, e.logs.Find(t, "hash upgrade failed"), 1)
	})
}

func TestLogout(t *testing.T) {
	e := newEnv(t)
	u := e.user("a@example.com")
	tok1 := e.login("a@example.com")
	tok2 := e.login("a@example.com")
	p := e.principal(tok1)
	require.NoError(t, e.svc.Logout(e.ctx, p, core.RequestMeta{}))
	_, err := e.svc.CurrentUser(e.ctx, tok1, core.AccessActive)
	require.ErrorIs(t, err, core.ErrUnauthorized, "the logged-out token is revoked")
	e.principal(tok2) // other tokens of the user keep working
	calls := e.hooks.named("OnAfterLogout")
	require.Len(t, calls, 1)
	assert.Equal(t, u.ID, calls[0].User.ID)

	// A second service on the same store sees the revocation.
	other, err := core.New(e.store, testSettings(), core.WithClock(e.clock), core.WithHasher(e.hasher), core.WithLogger(quiet))
	require.NoError(t, err)
	t.Cleanup(func() { _ = other.Close() })
	_, err = other.CurrentUser(e.ctx, tok1, core.AccessActive)
	require.ErrorIs(t, err, core.ErrUnauthorized)
}

func TestLogoutStoreOutage(t *testing.T) {
	st := newFaultyStore()
	e := newEnv(t, withStore(st))
	e.user("a@example.com")
	tok := e.login("a@example.com")
	p := e.principal(tok)
	st.fail("RevokeToken")
	require.ErrorIs(t, e.svc.Logout(e.ctx, p, core.RequestMeta{}), core.ErrServiceUnavailable)
	assert.Empty(t, e.hooks.named("OnAfterLogout"))
	st.fail("UpdateUser")
	require.ErrorIs(t, e.svc.LogoutEverywhere(e.ctx, p.User, core.RequestMeta{}), core.ErrServiceUnavailable)
	st.recover()
	e.principal(tok)
}

func TestLogoutEverywhere(t *testing.T) {
	e := newEnv(t)
	u := e.user("a@example.com")
	before := []string{e.login("a@example.com"), e.login("a@example.com")}
	require.NoError(t, e.svc.LogoutEverywhere(e.ctx, u, core.RequestMeta{}))
	after := e.login("a@example.com") // same clock instant
	for _, tok := range before {
		_, err := e.svc.CurrentUser(e.ctx, tok, core.AccessActive)
		require.ErrorIs(t, err, core.ErrUnauthorized)
	}
	e.principal(after)
	require.ErrorIs(t, e.svc.LogoutEverywhere(e.ctx, core.User{ID: uuid.New()}, core.RequestMeta{}), core.ErrUserNotFound)
}

// The security event of a logout everywhere names the request and who
// acted: the admin passed in the request's metadata, or the caller the
// adapters' middleware put in the context.
func TestLogoutEverywhereLogsTheActor(t *testing.T) {
	e := newEnv(t)
	u := e.user("a@example.com")
	admin := e.user("admin@example.com")
	meta := core.RequestMeta{ClientIP: "192.0.2.7", UserAgent: "ops-console", ActorID: admin.ID}
	require.NoError(t, e.svc.LogoutEverywhere(e.ctx, u, meta))
	ctx := core.ContextWithPrincipal(e.ctx, e.principal(e.login("a@example.com")))
	require.NoError(t, e.svc.LogoutEverywhere(ctx, u, core.RequestMeta{ClientIP: "192.0.2.8"}))

	recs := e.logs.Events(t, "logout_everywhere")
	require.Len(t, recs, 2)
	assert.Equal(t, u.ID.String(), recs[0]["user_id"])
	assert.Equal(t, "192.0.2.7", recs[0]["client_ip"])
	assert.Equal(t, "ops-console", recs[0]["user_agent"])
	assert.Equal(t, admin.ID.String(), recs[0]["actor_id"])
	assert.Equal(t, "192.0.2.8", recs[1]["client_ip"])
	assert.Equal(t, u.ID.String(), recs[1]["actor_id"], "the caller in the context is the actor")
}
