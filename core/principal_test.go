package core_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zincware/zndraw-auth-go/core"
)

// refClaims are the claims of a reference login token for id, valid at t0.
func refClaims(id uuid.UUID) jwt.MapClaims {
	return jwt.MapClaims{"sub": id.String(), "aud": []string{core.AudienceAuth}, "exp": t0.Add(time.Hour).Unix()}
}

// with returns a copy of c with the given changes; a nil value deletes the
// claim.
func with(c jwt.MapClaims, kv ...any) jwt.MapClaims {
	out := jwt.MapClaims{}
	for k, v := range c {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		k := kv[i].(string)
		if kv[i+1] == nil {
			delete(out, k)
		} else {
			out[k] = kv[i+1]
		}
	}
	return out
}

func TestCurrentUserRejectsBadTokens(t *testing.T) {
	e := newEnv(t)
	u := e.user("a@example.com")
	good := refClaims(u.ID)
	now := t0.Unix()
	payload := fmt.Sprintf(`{"sub":%q,"aud":"fastapi-users:auth","exp":%d}`, u.ID, now+3600)
	none, err := jwt.NewWithClaims(jwt.SigningMethodNone, good).SignedString(jwt.UnsafeAllowNoneSignatureType)
	require.NoError(t, err)
	valid := hs256(t, good)
	segs := strings.Split(valid, ".")

	for _, tc := range []struct {
		name  string
		token string
	}{
		{"empty", ""},
		{"garbage", "garbage"},
		{"three garbage segments", "a.b.c"},
		{"four segments", valid + ".x"},
		{"payload of another token", segs[0] + "." + strings.Split(hs256(t, with(good, "sub", uuid.NewString())), ".")[1] + "." + segs[2]},
		{"no signature", segs[0] + "." + segs[1] + "."},
		{"alg none", none},
		{"HS512 with the same secret", sign(t, jwt.SigningMethodHS512, []byte(testSecret), good, nil)},
		{"HS384 with the same secret", sign(t, jwt.SigningMethodHS384, []byte(testSecret), good, nil)},
		{"RS256 header", rawToken(`{"alg":"RS256","typ":"JWT"}`, payload, []byte(testSecret))},
		{"no alg header", rawToken(`{"typ":"JWT"}`, payload, []byte(testSecret))},
		{"kid header", sign(t, jwt.SigningMethodHS256, []byte(testSecret), good, map[string]any{"kid": "1"})},
		{"jku header", sign(t, jwt.SigningMethodHS256, []byte(testSecret), good, map[string]any{"jku": "https://evil.example/jwks"})},
		{"jwk header", sign(t, jwt.SigningMethodHS256, []byte(testSecret), good, map[string]any{"jwk": map[string]any{"kty": "oct", "k": "AA"}})},
		{"crit header", sign(t, jwt.SigningMethodHS256, []byte(testSecret), good, map[string]any{"crit": []string{"exp"}})},
		{"x5u header", sign(t, jwt.SigningMethodHS256, []byte(testSecret), good, map[string]any{"x5u": "https://evil.example/cert"})},
		{"x5c header", sign(t, jwt.SigningMethodHS256, []byte(testSecret), good, map[string]any{"x5c": []string{"MIIB"}})},
		{"x5t header", sign(t, jwt.SigningMethodHS256, []byte(testSecret), good, map[string]any{"x5t": "dGh1bWJwcmludA"})},
		{"x5t#S256 header", sign(t, jwt.SigningMethodHS256, []byte(testSecret), good, map[string]any{"x5t#S256": "dGh1bWJwcmludA"})},
		{"other secret", sign(t, jwt.SigningMethodHS256, []byte("another-secret-0123456789abcdefghijkl"), good, nil)},
		{"reset secret", sign(t, jwt.SigningMethodHS256, []byte(testResetSecret), good, nil)},
		{"missing exp", hs256(t, with(good, "exp", nil))},
		{"past exp", hs256(t, with(good, "exp", now-3600))},
		{"exp just beyond the leeway", hs256(t, with(good, "exp", now-30))},
		{"exp as a non-numeric string", hs256(t, with(good, "exp", "tomorrow"))},
		{"expired exp as a numeric string", hs256(t, with(good, "exp", fmt.Sprint(now-3600)))},
		{"exp as a list", hs256(t, with(good, "exp", []int64{now + 3600}))},
		{"iat beyond the leeway in the future", hs256(t, with(good, "iat", now+31))},
		{"iat as a string", hs256(t, with(good, "iat", "yesterday"))},
		{"nbf beyond the leeway in the future", hs256(t, with(good, "nbf", now+31))},
		{"wrong aud string", hs256(t, with(good, "aud", core.AudienceReset))},
		{"wrong aud list", hs256(t, with(good, "aud", []string{"other", core.AudienceVerify}))},
		{"empty aud list", hs256(t, with(good, "aud", []string{}))},
		{"empty aud string", hs256(t, with(good, "aud", ""))},
		{"missing aud", hs256(t, with(good, "aud", nil))},
		{"aud as a number", hs256(t, with(good, "aud", 1))},
		{"sub not a UUID", hs256(t, with(good, "sub", "foo"))},
		{"sub empty", hs256(t, with(good, "sub", ""))},
		{"missing sub", hs256(t, with(good, "sub", nil))},
		{"numeric sub", hs256(t, with(good, "sub", 42))},
		{"unknown user", hs256(t, with(good, "sub", uuid.NewString()))},
		{"jti as a number", hs256(t, with(good, "jti", 7))},
		{"tv as a string", hs256(t, with(good, "tv", "0"))},
		{"tv of another version", hs256(t, with(good, "tv", 1))},
		{"impersonated_by not a UUID", hs256(t, with(good, "impersonated_by", "admin"))},
		{"impersonated_by an unknown user", hs256(t, with(good, "impersonated_by", uuid.NewString()))},
		{"impersonated_by a regular user", hs256(t, with(good, "impersonated_by", u.ID.String()))},
		{"reset token", e.forgotToken("a@example.com")},
		{"verify token", e.verifyToken("a@example.com")},
		{"payload not an object", rawToken(`{"alg":"HS256","typ":"JWT"}`, `["sub"]`, []byte(testSecret))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, a := range []core.Access{core.AccessActive, core.AccessSuperuser, {Verified: true}} {
				p, err := e.svc.CurrentUser(e.ctx, tc.token, a)
				require.ErrorIs(t, err, core.ErrUnauthorized, "access %+v", a)
				assert.Nil(t, p)
			}
			p, err := e.svc.CurrentUser(e.ctx, tc.token, core.AccessOptional)
			require.NoError(t, err, "optional access never fails for a bad token")
			assert.Nil(t, p)
		})
	}
}

func TestCurrentUserAcceptsReferenceTokens(t *testing.T) {
	e := newEnv(t)
	u := e.user("a@example.com")
	good := refClaims(u.ID)
	now := t0.Unix()
	hex32 := strings.ReplaceAll(u.ID.String(), "-", "")
	for _, tc := range []struct {
		name   string
		claims jwt.MapClaims
	}{
		{"reference login token (aud list, no iat/jti/tv)", good},
		{"reference CLI token (aud string, iat)", with(good, "aud", core.AudienceAuth, "iat", now)},
		{"aud list with another audience", with(good, "aud", []string{"other", core.AudienceAuth})},
		{"sub as 32 hex digits", with(good, "sub", hex32)},
		{"sub in upper case", with(good, "sub", strings.ToUpper(u.ID.String()))},
		{"sub with braces", with(good, "sub", "{"+u.ID.String()+"}")},
		{"sub as urn", with(good, "sub", "urn:uuid:"+u.ID.String())},
		{"exp 29 s ago, within the leeway", with(good, "exp", now-29)},
		{"iat 29 s ahead, within the leeway", with(good, "iat", now+29)},
		{"nbf 29 s ahead, within the leeway", with(good, "nbf", now+29)},
		{"unknown extra claims", with(good, "foo", "bar", "scope", []string{"x"})},
		{"tv equal to the user's", with(good, "tv", 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := e.svc.CurrentUser(e.ctx, hs256(t, tc.claims), core.AccessActive)
			require.NoError(t, err)
			require.NotNil(t, p)
			assert.Equal(t, u, p.User)
		})
	}
}

func TestCurrentUserExpiryBoundaries(t *testing.T) {
	t.Run("default leeway 30 s", func(t *testing.T) {
		e := newEnv(t)
		e.user("a@example.com")
		tok := e.login("a@example.com")
		e.clock.Advance(time.Hour + 29*time.Second)
		e.principal(tok)
		e.clock.Advance(time.Second)
		_, err := e.svc.CurrentUser(e.ctx, tok, core.AccessActive)
		require.ErrorIs(t, err, core.ErrUnauthorized)
	})
	t.Run("leeway 0: exp == now is expired", func(t *testing.T) {
		e := newEnv(t, withSettings(func(s *core.Settings) { s.JWTLeeway = 0 }))
		e.user("a@example.com")
		tok := e.login("a@example.com")
		e.clock.Advance(time.Hour - time.Second)
		e.principal(tok)
		e.clock.Advance(time.Second)
		_, err := e.svc.CurrentUser(e.ctx, tok, core.AccessActive)
		require.ErrorIs(t, err, core.ErrUnauthorized)
	})
	t.Run("leeway 0: iat and nbf one second ahead", func(t *testing.T) {
		e := newEnv(t, withSettings(func(s *core.Settings) { s.JWTLeeway = 0 }))
		u := e.user("a@example.com")
		for _, claim := range []string{"iat", "nbf"} {
			_, err := e.svc.CurrentUser(e.ctx, hs256(t, with(refClaims(u.ID), claim, t0.Unix()+1)), core.AccessActive)
			require.ErrorIs(t, err, core.ErrUnauthorized, claim)
			e.principal(hs256(t, with(refClaims(u.ID), claim, t0.Unix())))
		}
	})
}

func TestCurrentUserUserState(t *testing.T) {
	for _, tc := range []struct {
		name string
		// change acts on the user after tok was minted.
		change func(e *env, u core.User, tok string)
	}{
		{"deleted", func(e *env, u core.User, _ string) {
			require.NoError(t, e.svc.DeleteUser(e.ctx, u, core.RequestMeta{}))
		}},
		{"deactivated", func(e *env, u core.User, _ string) {
			_, err := e.svc.UpdateUser(e.ctx, u, core.UserUpdate{IsActive: ptr(false)}, core.RequestMeta{})
			require.NoError(t, err)
		}},
		{"deactivated in the store directly", func(e *env, u core.User, _ string) {
			_, err := e.mem.UpdateUser(e.ctx, u.ID, core.UserPatch{IsActive: ptr(false)})
			require.NoError(t, err)
			// A write that bypasses the Service is seen within the
			// user cache's TTL (tokencache_test.go covers the bound).
			e.clock.Advance(e.svc.Settings().UserCacheTTL)
		}},
		{"logged out", func(e *env, _ core.User, tok string) {
			require.NoError(t, e.svc.Logout(e.ctx, e.principal(tok), core.RequestMeta{}))
		}},
		{"password changed", func(e *env, u core.User, _ string) {
			_, err := e.svc.UpdateSelf(e.ctx, &core.Principal{User: u}, core.UserUpdate{Password: ptr("another passphrase")}, core.RequestMeta{})
			require.NoError(t, err)
		}},
		{"password reset", func(e *env, u core.User, _ string) {
			require.NoError(t, e.svc.ResetPassword(e.ctx, e.forgotToken(u.Email), "another passphrase", core.RequestMeta{}))
		}},
		{"logged out everywhere", func(e *env, u core.User, _ string) {
			require.NoError(t, e.svc.LogoutEverywhere(e.ctx, u, core.RequestMeta{}))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			u := e.user("a@example.com")
			tok := e.login("a@example.com")
			e.principal(tok)
			tc.change(e, u, tok)
			for _, a := range []core.Access{core.AccessActive, core.AccessSuperuser} {
				_, err := e.svc.CurrentUser(e.ctx, tok, a)
				require.ErrorIs(t, err, core.ErrUnauthorized, "401, not 403, for access %+v", a)
			}
			p, err := e.svc.CurrentUser(e.ctx, tok, core.AccessOptional)
			require.NoError(t, err)
			assert.Nil(t, p)
		})
	}
}

func TestRevocationIsExact(t *testing.T) {
	// Every token minted before the change is rejected and every token
	// minted after it is accepted, all at the same clock instant.
	for _, tc := range []struct {
		name     string
		change   func(e *env, u core.User) core.User
		password string // to log in with afterwards
	}{
		{"password change", func(e *env, u core.User) core.User {
			u, err := e.svc.UpdateSelf(e.ctx, &core.Principal{User: u}, core.UserUpdate{Password: ptr("another passphrase")}, core.RequestMeta{})
			require.NoError(t, err)
			return u
		}, "another passphrase"},
		{"password reset", func(e *env, u core.User) core.User {
			require.NoError(t, e.svc.ResetPassword(e.ctx, e.forgotToken(u.Email), "another passphrase", core.RequestMeta{}))
			return e.get(u.ID)
		}, "another passphrase"},
		{"deactivation and reactivation", func(e *env, u core.User) core.User {
			u, err := e.svc.UpdateUser(e.ctx, u, core.UserUpdate{IsActive: ptr(false)}, core.RequestMeta{})
			require.NoError(t, err)
			u, err = e.svc.UpdateUser(e.ctx, u, core.UserUpdate{IsActive: ptr(true)}, core.RequestMeta{})
			require.NoError(t, err)
			return u
		}, testPassword},
		{"logout everywhere", func(e *env, u core.User) core.User {
			require.NoError(t, e.svc.LogoutEverywhere(e.ctx, u, core.RequestMeta{}))
			return e.get(u.ID)
		}, testPassword},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			u := e.user("a@example.com")
			before := e.login("a@example.com")
			u = tc.change(e, u)
			after, err := e.svc.Login(e.ctx, "a@example.com", tc.password, core.RequestMeta{})
			require.NoError(t, err)
			_, err = e.svc.CurrentUser(e.ctx, before, core.AccessActive)
			require.ErrorIs(t, err, core.ErrUnauthorized, "minted before")
			p := e.principal(after.AccessToken)
			assert.Equal(t, u.ID, p.User.ID)
			// The same holds for a reference token without tv.
			_, err = e.svc.CurrentUser(e.ctx, hs256(t, refClaims(u.ID)), core.AccessActive)
			require.ErrorIs(t, err, core.ErrUnauthorized, "a reference token predates every change")
		})
	}
}

func TestCurrentUserAccessLevels(t *testing.T) {
	e := newEnv(t)
	admin := e.createUser("admin@example.com", true, true, true)
	regular := e.user("user@example.com")
	verified := e.createUser("verified@example.com", true, false, true)
	inactiveAdmin := e.createUser("old-admin@example.com", true, true, true)
	adminTok := e.login("admin@example.com")
	userTok := e.login("user@example.com")
	verifiedTok := e.login("verified@example.com")
	oldAdminTok := e.login("old-admin@example.com")
	_, err := e.svc.UpdateUser(e.ctx, inactiveAdmin, core.UserUpdate{IsActive: ptr(false)}, core.RequestMeta{})
	require.NoError(t, err)
	adminP := e.principal(adminTok)
	impersonateAdmin, err := e.svc.MintImpersonationToken(e.ctx, adminP, admin.ID, core.RequestMeta{})
	require.NoError(t, err)
	impersonateUser, err := e.svc.MintImpersonationToken(e.ctx, adminP, regular.ID, core.RequestMeta{})
	require.NoError(t, err)

	optionalSuper := core.Access{Superuser: true, Optional: true}
	for _, tc := range []struct {
		name   string
		token  string
		access core.Access
		want   error     // nil: success
		who    uuid.UUID // on success
	}{
		{"active: regular", userTok, core.AccessActive, nil, regular.ID},
		{"active: admin", adminTok, core.AccessActive, nil, admin.ID},
		{"active: impersonation", impersonateUser, core.AccessActive, nil, regular.ID},
		{"superuser: admin", adminTok, core.AccessSuperuser, nil, admin.ID},
		{"superuser: regular", userTok, core.AccessSuperuser, core.ErrForbidden, uuid.Nil},
		{"superuser: impersonation of a superuser", impersonateAdmin, core.AccessSuperuser, core.ErrForbidden, uuid.Nil},
		{"superuser: impersonation of a user", impersonateUser, core.AccessSuperuser, core.ErrForbidden, uuid.Nil},
		{"superuser: inactive admin is 401", oldAdminTok, core.AccessSuperuser, core.ErrUnauthorized, uuid.Nil},
		{"verified: unverified", userTok, core.Access{Verified: true}, core.ErrForbidden, uuid.Nil},
		{"verified: verified", verifiedTok, core.Access{Verified: true}, nil, verified.ID},
		{"optional: valid", userTok, core.AccessOptional, nil, regular.ID},
		{"optional: none", "", core.AccessOptional, nil, uuid.Nil},
		{"optional: garbage", "x.y.z", core.AccessOptional, nil, uuid.Nil},
		{"optional: inactive", oldAdminTok, core.AccessOptional, nil, uuid.Nil},
		{"optional superuser: regular", userTok, optionalSuper, nil, uuid.Nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := e.svc.CurrentUser(e.ctx, tc.token, tc.access)
			if tc.want != nil {
				require.ErrorIs(t, err, tc.want)
				assert.Nil(t, p)
				return
			}
			require.NoError(t, err)
			if tc.who == uuid.Nil {
				assert.Nil(t, p)
				return
			}
			require.NotNil(t, p)
			assert.Equal(t, tc.who, p.User.ID)
		})
	}
}

func TestImpersonationTokenDiesWithAdminPowers(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(e *env, admin core.User)
	}{
		{"demoted", func(e *env, admin core.User) {
			_, err := e.svc.UpdateUser(e.ctx, admin, core.UserUpdate{IsSuperuser: ptr(false)}, core.RequestMeta{})
			require.NoError(t, err)
		}},
		{"deactivated", func(e *env, admin core.User) {
			_, err := e.svc.UpdateUser(e.ctx, admin, core.UserUpdate{IsActive: ptr(false)}, core.RequestMeta{})
			require.NoError(t, err)
		}},
		{"deleted", func(e *env, admin core.User) {
			require.NoError(t, e.svc.DeleteUser(e.ctx, admin, core.RequestMeta{}))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			admin := e.createUser("admin@example.com", true, true, true)
			target := e.user("t@example.com")
			tok, err := e.svc.MintImpersonationToken(e.ctx, e.principal(e.login("admin@example.com")), target.ID, core.RequestMeta{})
			require.NoError(t, err)
			e.principal(tok)
			own := e.login("t@example.com")
			tc.change(e, admin)
			_, err = e.svc.CurrentUser(e.ctx, tok, core.AccessActive)
			require.ErrorIs(t, err, core.ErrUnauthorized)
			e.principal(own) // the target's own tokens are unaffected
		})
	}
}

func TestCurrentUserStoreOutage(t *testing.T) {
	for _, method := range []string{"IsTokenRevoked", "GetUser"} {
		t.Run(method, func(t *testing.T) {
			st := newFaultyStore()
			e := newEnv(t, withStore(st))
			e.user("a@example.com")
			tok := e.login("a@example.com")
			st.fail(method)
			for _, a := range []core.Access{core.AccessActive, core.AccessSuperuser, core.AccessOptional} {
				p, err := e.svc.CurrentUser(e.ctx, tok, a)
				require.ErrorIs(t, err, core.ErrServiceUnavailable, "fail closed for %+v", a)
				assert.NotErrorIs(t, err, core.ErrUnauthorized)
				assert.Nil(t, p)
			}
			st.recover()
			e.principal(tok)
		})
	}
	t.Run("impersonation token", func(t *testing.T) {
		st := newFaultyStore()
		e := newEnv(t, withStore(st))
		e.createUser("admin@example.com", true, true, true)
		target := e.user("t@example.com")
		tok, err := e.svc.MintImpersonationToken(e.ctx, e.principal(e.login("admin@example.com")), target.ID, core.RequestMeta{})
		require.NoError(t, err)
		st.fail("GetUser")
		_, err = e.svc.CurrentUser(e.ctx, tok, core.AccessActive)
		require.ErrorIs(t, err, core.ErrServiceUnavailable)
	})
}

// TestCurrentUserUnauthorizedReasons: every refusal is ErrUnauthorized,
// and says whether the token was at fault (ErrInvalidToken,
// ErrInvalidTokenPayload) or not (no token, unknown or inactive user).
func TestCurrentUserUnauthorizedReasons(t *testing.T) {
	e := newEnv(t)
	u := e.user("a@example.com")
	tok := e.login(u.Email)
	exp := e.clock.Now().Add(time.Hour).Unix()
	inactive := e.createUser("i@example.com", true, false, false)
	inactiveTok := e.login(inactive.Email)
	_, err := e.mem.UpdateUser(e.ctx, inactive.ID, core.UserPatch{IsActive: ptr(false)})
	require.NoError(t, err)
	for _, tc := range []struct {
		name, token string
		reason      error // nil: neither reason
	}{
		{"empty", "", nil},
		{"garbage", "garbage", core.ErrInvalidToken},
		{"tampered", tok + "x", core.ErrInvalidToken},
		{"expired", hs256(t, jwt.MapClaims{"sub": u.ID.String(), "aud": core.AudienceAuth, "exp": 1}), core.ErrInvalidToken},
		{"sub not a UUID", hs256(t, jwt.MapClaims{"sub": "me", "aud": core.AudienceAuth, "exp": exp}), core.ErrInvalidTokenPayload},
		{"no sub", hs256(t, jwt.MapClaims{"aud": core.AudienceAuth, "exp": exp}), core.ErrInvalidTokenPayload},
		{"unknown user", hs256(t, jwt.MapClaims{"sub": uuid.NewString(), "aud": core.AudienceAuth, "exp": exp}), nil},
		{"inactive user", inactiveTok, nil},
	} {
		_, err := e.svc.CurrentUser(e.ctx, tc.token, core.AccessActive)
		require.ErrorIs(t, err, core.ErrUnauthorized, tc.name)
		for _, r := range []error{core.ErrInvalidToken, core.ErrInvalidTokenPayload} {
			assert.Equal(t, r == tc.reason, errors.Is(err, r), "%s: errors.Is(%v, %v)", tc.name, err, r)
		}
	}
	require.NoError(t, e.svc.LogoutEverywhere(e.ctx, u, core.RequestMeta{}))
	_, err = e.svc.CurrentUser(e.ctx, tok, core.AccessActive)
	assert.ErrorIs(t, err, core.ErrInvalidToken, "a token minted before logout everywhere")
}
