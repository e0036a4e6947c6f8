package core_test

import (
	"encoding/base64"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zincware/zndraw-auth-go/core"
)

const wantHeader = `{"alg":"HS256","typ":"JWT"}`

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// assertJTI checks a jti of at least 128 random bits, base64url.
func assertJTI(t *testing.T, claims map[string]any) string {
	t.Helper()
	jti, ok := claims["jti"].(string)
	require.True(t, ok, "jti is a string")
	raw, err := base64.RawURLEncoding.DecodeString(jti)
	require.NoError(t, err, "jti is base64url")
	assert.GreaterOrEqual(t, len(raw)*8, 128, "jti has at least 128 bits")
	return jti
}

func TestLoginTokenClaims(t *testing.T) {
	e := newEnv(t)
	u := e.user("a@example.com")
	e.clock.Advance(1500 * time.Millisecond) // a fraction: time claims are floored
	tok := e.login("a@example.com")
	header, claims, rawHeader, rawPayload := jwtParts(t, tok)
	assert.Equal(t, wantHeader, rawHeader, "header bytes")
	assert.Equal(t, map[string]any{"alg": "HS256", "typ": "JWT"}, header)
	assert.Equal(t, []string{"aud", "exp", "iat", "jti", "sub", "tv"}, keys(claims))
	assert.Equal(t, u.ID.String(), claims["sub"])
	assert.Equal(t, []any{core.AudienceAuth}, claims["aud"], "login aud is a JSON array")
	assert.Contains(t, rawPayload, `"aud":["fastapi-users:auth"]`)
	assert.True(t, strings.HasPrefix(rawPayload, `{"sub":`), "sub first, as the reference emits: %s", rawPayload)
	now := t0.Unix() + 1
	assert.Equal(t, now-30, claimInt(t, claims, "iat"), "iat is dated back by IssuedAtSkew")
	assert.Equal(t, now+3600, claimInt(t, claims, "exp"))
	assert.Equal(t, int64(0), claimInt(t, claims, "tv"))
	assertJTI(t, claims)
}

func TestTokenLifetimeSetting(t *testing.T) {
	e := newEnv(t, withSettings(func(s *core.Settings) { s.TokenLifetime = 90 * time.Second }))
	e.user("a@example.com")
	_, claims, _, _ := jwtParts(t, e.login("a@example.com"))
	assert.Equal(t, t0.Unix()+90, claimInt(t, claims, "exp"))
}

func TestJTIUnique(t *testing.T) {
	e := newEnv(t)
	e.user("a@example.com")
	seen := make(map[string]bool, 1000)
	for range 1000 {
		sess, err := e.svc.Login(e.ctx, "a@example.com", testPassword, core.RequestMeta{})
		require.NoError(t, err)
		_, claims, _, _ := jwtParts(t, sess.AccessToken)
		jti := assertJTI(t, claims)
		require.False(t, seen[jti], "jti %s repeated", jti)
		seen[jti] = true
	}
}

func TestCLITokenClaims(t *testing.T) {
	e := newEnv(t)
	u := e.user("a@example.com")
	ch := e.approvedChallenge(u)
	e.clock.Advance(10 * time.Second)
	res, err := e.svc.PollCLIChallenge(e.ctx, ch.Code, ch.Secret, core.RequestMeta{})
	require.NoError(t, err)
	_, claims, rawHeader, rawPayload := jwtParts(t, res.Token)
	assert.Equal(t, wantHeader, rawHeader)
	assert.Equal(t, []string{"aud", "exp", "iat", "jti", "sub", "tv"}, keys(claims))
	assert.Equal(t, core.AudienceAuth, claims["aud"], "CLI aud is a string")
	assert.Contains(t, rawPayload, `"aud":"fastapi-users:auth"`)
	assert.Equal(t, u.ID.String(), claims["sub"])
	assert.Equal(t, t0.Unix()+10-30, claimInt(t, claims, "iat"))
	assert.Equal(t, t0.Unix()+10+3600, claimInt(t, claims, "exp"))
	assertJTI(t, claims)
}

func TestImpersonationTokenClaims(t *testing.T) {
	e := newEnv(t)
	admin := e.createUser("admin@example.com", true, true, true)
	target := e.user("t@example.com")
	tok, err := e.svc.MintImpersonationToken(e.ctx, e.principal(e.login("admin@example.com")), target.ID, core.RequestMeta{})
	require.NoError(t, err)
	_, claims, rawHeader, _ := jwtParts(t, tok)
	assert.Equal(t, wantHeader, rawHeader)
	assert.Equal(t, []string{"aud", "exp", "iat", "impersonated_by", "impersonated_by_tv", "jti", "sub", "tv"}, keys(claims))
	assert.Equal(t, target.ID.String(), claims["sub"])
	assert.Equal(t, admin.ID.String(), claims["impersonated_by"])
	assert.Equal(t, admin.TokenVersion, claimInt(t, claims, "impersonated_by_tv"))
	assert.Equal(t, core.AudienceAuth, claims["aud"])
	assert.Equal(t, t0.Unix()+3600, claimInt(t, claims, "exp"))
	p := e.principal(tok)
	assert.Equal(t, target.ID, p.User.ID)
	assert.Equal(t, admin.ID, p.Token.ImpersonatedBy)
	assert.True(t, p.Token.Impersonated())
}

func TestTokenInfo(t *testing.T) {
	e := newEnv(t)
	e.user("a@example.com")
	tok := e.login("a@example.com")
	_, claims, _, _ := jwtParts(t, tok)
	p := e.principal(tok)
	assert.Equal(t, claims["jti"], p.Token.ID)
	assert.Equal(t, t0.Add(-core.IssuedAtSkew), p.Token.IssuedAt)
	assert.Equal(t, t0.Add(time.Hour), p.Token.ExpiresAt)
	assert.False(t, p.Token.Impersonated())

	// A reference token without jti gets a stable id derived from its
	// signature, so that it can be revoked.
	ref := hs256(t, map[string]any{"sub": p.User.ID.String(), "aud": []string{core.AudienceAuth}, "exp": t0.Add(time.Hour).Unix()})
	p1, p2 := e.principal(ref), e.principal(ref)
	assert.True(t, strings.HasPrefix(p1.Token.ID, "sha256:"), p1.Token.ID)
	assert.Equal(t, p1.Token.ID, p2.Token.ID)
	assert.True(t, p1.Token.IssuedAt.IsZero())
	require.NoError(t, e.svc.Logout(e.ctx, p1, core.RequestMeta{}))
	_, err := e.svc.CurrentUser(e.ctx, ref, core.AccessActive)
	require.ErrorIs(t, err, core.ErrUnauthorized, "a reference token can be logged out")
}
