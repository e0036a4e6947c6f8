package core_test

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zincware/zndraw-auth-go/core"
)

// zndrawSecret is a challenge secret as zndraw-auth stores it: in the clear.
const zndrawSecret = "Jx3vT0c9QmZ8r1Ys-Ld2Kp_4WnGh7Ua5Eb6Fi0Oq2Rs"

// zndrawChallenge stores a challenge the way a zndraw-auth service in the
// same database leaves it: plain secret, and, when approved by approver,
// the token it minted then.
func (e *env) zndrawChallenge(code string, approver *core.User, token string) {
	e.t.Helper()
	c := core.Challenge{Code: code, SecretHash: zndrawSecret, Status: core.ChallengePending,
		CreatedAt: e.clock.Now(), ExpiresAt: e.clock.Now().Add(300 * time.Second)}
	if approver != nil {
		c.Status, c.UserID, c.LegacyToken = core.ChallengeApproved, &approver.ID, token
	}
	_, err := e.mem.CreateChallenge(e.ctx, c)
	require.NoError(e.t, err)
}

func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// TestPollZndrawAuthChallenge completes challenges zndraw-auth created and
// approved: the plain secret matches (and nothing else does, its digest
// included), the stored token is handed out once, and hooks see neither
// the plain secret nor the token.
func TestPollZndrawAuthChallenge(t *testing.T) {
	e := newEnv(t)
	u := e.user("browser@example.com")
	stored := hs256(t, jwt.MapClaims{"sub": u.ID.String(), "aud": core.AudienceAuth,
		"iat": e.clock.Now().Unix(), "exp": e.clock.Now().Add(time.Hour).Unix()})
	e.zndrawChallenge("ZNDRAW01", &u, stored)

	for _, wrong := range []string{"", zndrawSecret[:42], zndrawSecret + "x", strings.ToUpper(zndrawSecret), digest(zndrawSecret)} {
		_, err := e.svc.PollCLIChallenge(e.ctx, "ZNDRAW01", wrong, core.RequestMeta{})
		assert.ErrorIs(t, err, core.ErrChallengeNotFound, "secret %q", wrong)
	}
	res, err := e.svc.PollCLIChallenge(e.ctx, "ZNDRAW01", zndrawSecret, core.RequestMeta{})
	require.NoError(t, err)
	assert.Equal(t, core.CLIPollResult{Status: core.ChallengeApproved, Token: stored}, res)
	_, err = e.svc.PollCLIChallenge(e.ctx, "ZNDRAW01", zndrawSecret, core.RequestMeta{})
	assert.ErrorIs(t, err, core.ErrChallengeNotFound, "second poll")
	got, err := e.mem.GetChallenge(e.ctx, "ZNDRAW01")
	require.NoError(t, err)
	assert.Equal(t, core.ChallengeRedeemed, got.Status)
	assert.Empty(t, got.SecretHash)
	assert.Empty(t, got.LegacyToken)

	calls := e.hooks.named("OnCLILoginRedeemed")
	require.Len(t, calls, 1)
	assert.Equal(t, digest(zndrawSecret), calls[0].Challenge.SecretHash, "hooks see the digest of a plain secret")
	assert.Empty(t, calls[0].Challenge.LegacyToken, "hooks never see a stored token")

	// Pending, approved here: the approval hook sees the digest too, and
	// the poll mints the token.
	e.zndrawChallenge("ZNDRAW02", nil, "")
	require.NoError(t, e.svc.ApproveCLIChallenge(e.ctx, e.principal(e.login(u.Email)), "ZNDRAW02", core.RequestMeta{}))
	calls = e.hooks.named("OnCLILoginApproved")
	require.Len(t, calls, 1)
	assert.Equal(t, digest(zndrawSecret), calls[0].Challenge.SecretHash)
	res, err = e.svc.PollCLIChallenge(e.ctx, "ZNDRAW02", zndrawSecret, core.RequestMeta{})
	require.NoError(t, err)
	assert.Equal(t, u.ID, e.principal(res.Token).User.ID)
}

// TestPollZndrawAuthChallengeUnusableToken: a stored token that does not
// work for the approver (another user's, an impersonation token, a revoked
// or expired one) is not handed out; the approver gets a token minted at
// the poll.
func TestPollZndrawAuthChallengeUnusableToken(t *testing.T) {
	e := newEnv(t)
	u := e.user("browser@example.com")
	other := e.user("other@example.com")
	admin := e.createUser("root@example.com", true, true, false)
	now := e.clock.Now()
	claims := func(sub string) jwt.MapClaims {
		return jwt.MapClaims{"sub": sub, "aud": core.AudienceAuth, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	}
	imp := claims(u.ID.String())
	imp["impersonated_by"] = admin.ID.String()
	expired := claims(u.ID.String())
	expired["exp"] = now.Add(-time.Hour).Unix()
	for i, tok := range []string{
		hs256(t, claims(other.ID.String())),
		hs256(t, imp),
		hs256(t, expired),
		sign(t, jwt.SigningMethodHS256, []byte("another secret 0123456789abcdefghijkl"), claims(u.ID.String()), nil),
		"not a token",
	} {
		code := "ZNDRAWU" + string(rune('0'+i))
		e.zndrawChallenge(code, &u, tok)
		res, err := e.svc.PollCLIChallenge(e.ctx, code, zndrawSecret, core.RequestMeta{})
		require.NoError(t, err)
		assert.NotEqual(t, tok, res.Token, "stored token %d handed out", i)
		p := e.principal(res.Token)
		assert.Equal(t, u.ID, p.User.ID)
		assert.False(t, p.Token.Impersonated())
	}
}
