package httpapi_test

import (
	"context"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zincware/zndraw-auth-go/conformance"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
	"github.com/zincware/zndraw-auth-go/httpapi"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// TestAuthenticateScoped checks the details of zndraw-auth's
// current_user_scoped_session: "Not authenticated" without a bearer token
// or for a missing or inactive user, "Invalid token" for a token that does
// not verify, "Invalid token payload" for a sub that is missing or not a
// UUID; any user, superuser or not, verified or not, passes.
func TestAuthenticateScoped(t *testing.T) {
	ctx := context.Background()
	settings := core.DefaultSettings()
	settings.SecretKey = "scoped-secret-0123456789abcdefghijklmno"
	settings.RateLimit.Enabled = false
	clock := conformance.NewManualClock(time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC))
	svc, err := core.New(memstore.New(), settings, core.WithClock(clock),
		core.WithHasher(password.New(password.TestParams)), core.WithLogger(slog.New(slog.DiscardHandler)))
	require.NoError(t, err)
	t.Cleanup(func() { _ = svc.Close() })
	api, err := httpapi.New(httpapi.Config{Service: svc})
	require.NoError(t, err)

	create := func(email string, active, superuser bool) (core.User, string) {
		verified := false
		u, err := svc.CreateUser(ctx, core.UserCreate{Email: email, Password: "correct horse battery",
			IsActive: ptr(true), IsSuperuser: &superuser, IsVerified: &verified}, core.RequestMeta{})
		require.NoError(t, err)
		sess, err := svc.Login(ctx, email, "correct horse battery", core.RequestMeta{})
		require.NoError(t, err)
		tok := sess.AccessToken
		if !active {
			_, err = svc.Store().UpdateUser(ctx, u.ID, core.UserPatch{IsActive: ptr(false)})
			require.NoError(t, err)
		}
		return u, tok
	}
	u, tok := create("alice@example.com", true, false)
	_, superTok := create("root@example.com", true, true)
	_, inactiveTok := create("gone@example.com", false, false)
	revoked := func() string {
		_, tok := create("bob@example.com", true, false)
		p, err := svc.CurrentUser(ctx, tok, core.AccessActive)
		require.NoError(t, err)
		require.NoError(t, svc.Logout(ctx, p, core.RequestMeta{}))
		return tok
	}()
	now := clock.Now()
	forge := func(claims jwt.MapClaims) string {
		s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(settings.SecretKey))
		require.NoError(t, err)
		return s
	}
	exp := now.Add(time.Hour).Unix()

	for _, tc := range []struct {
		name, header, detail string
	}{
		{"no header", "", "Not authenticated"},
		{"another scheme", "Basic " + tok, "Not authenticated"},
		{"no space", "Bearer" + tok, "Not authenticated"},
		{"empty token", "Bearer ", "Invalid token"},
		{"not a JWT", "Bearer not-a-valid-jwt", "Invalid token"},
		{"expired", "Bearer " + forge(jwt.MapClaims{"sub": u.ID.String(), "aud": core.AudienceAuth, "exp": 0}), "Invalid token"},
		{"other audience", "Bearer " + forge(jwt.MapClaims{"sub": u.ID.String(), "aud": "other", "exp": exp}), "Invalid token"},
		{"sub a number", "Bearer " + forge(jwt.MapClaims{"sub": 7, "aud": core.AudienceAuth, "exp": exp}), "Invalid token"},
		{"revoked", "Bearer " + revoked, "Invalid token"},
		{"sub not a UUID", "Bearer " + forge(jwt.MapClaims{"sub": "not-a-uuid", "aud": core.AudienceAuth, "exp": exp}), "Invalid token payload"},
		{"no sub", "Bearer " + forge(jwt.MapClaims{"aud": core.AudienceAuth, "exp": exp}), "Invalid token payload"},
		{"unknown user", "Bearer " + forge(jwt.MapClaims{"sub": uuid.NewString(), "aud": core.AudienceAuth, "exp": exp}), "Not authenticated"},
		{"inactive user", "Bearer " + inactiveTok, "Not authenticated"},
	} {
		p, resp := api.AuthenticateScoped(ctx, tc.header)
		if assert.NotNil(t, resp, tc.name) {
			assert.Nil(t, p, tc.name)
			assert.Equal(t, 401, resp.Status, tc.name)
			assert.JSONEq(t, `{"detail":"`+tc.detail+`"}`, string(resp.Body), tc.name)
			for _, h := range resp.Headers {
				assert.NotEqual(t, "WWW-Authenticate", h.Name, "%s: no WWW-Authenticate, as the reference", tc.name)
			}
		}
	}
	for _, good := range []string{tok, superTok} {
		p, resp := api.AuthenticateScoped(ctx, "bearer "+good)
		require.Nil(t, resp)
		require.NotNil(t, p)
	}
	// The standard flavour is unchanged.
	_, resp := api.AuthenticateRequest(&httpapi.Request{Context: ctx, Method: "GET",
		Headers: http.Header{"Authorization": {"Bearer not-a-valid-jwt"}}}, core.AccessActive)
	require.NotNil(t, resp)
	assert.JSONEq(t, `{"detail":"Unauthorized"}`, string(resp.Body))
}

func ptr[T any](v T) *T { return &v }
