package client_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/zincware/zndraw-auth-go/client"
	"github.com/zincware/zndraw-auth-go/httpapi"
)

func TestAccountLifecycle(t *testing.T) {
	s := newServer(t, httpapi.Config{})
	c := client.New(s.url + "/") // a trailing slash is fine
	ctx := t.Context()

	u, err := c.Register(ctx, "Alice@Example.COM", "correct horse battery")
	require.NoError(t, err)
	require.Equal(t, "Alice@example.com", u.Email)
	require.True(t, u.IsActive)

	_, err = c.Register(ctx, "alice@example.com", "another password")
	require.ErrorIs(t, err, client.ErrUserAlreadyExists)

	_, err = c.Register(ctx, "bob@example.com", "short")
	require.ErrorIs(t, err, client.ErrInvalidPassword)
	var e *client.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, "REGISTER_INVALID_PASSWORD", e.Code)
	require.NotEmpty(t, e.Reason)

	_, err = c.Register(ctx, "not-an-email", "correct horse battery")
	require.ErrorIs(t, err, client.ErrValidation)
	require.ErrorAs(t, err, &e)
	require.Len(t, e.Validation, 1)
	require.Equal(t, "value_error", e.Validation[0].Type)

	_, err = c.Login(ctx, "alice@example.com", "wrong password")
	require.ErrorIs(t, err, client.ErrBadCredentials)
	require.NotErrorIs(t, err, client.ErrUnauthorized)

	token, err := c.Login(ctx, "Alice@example.com", "correct horse battery")
	require.NoError(t, err)
	me, err := c.Me(ctx, token)
	require.NoError(t, err)
	require.Equal(t, u.ID, me.ID)

	require.NoError(t, c.Logout(ctx, token))
	_, err = c.Me(ctx, token)
	require.ErrorIs(t, err, client.ErrUnauthorized)
	require.ErrorIs(t, c.Logout(ctx, token), client.ErrUnauthorized)
}

func TestCustomPrefixes(t *testing.T) {
	p := httpapi.Prefixes{JWT: "/api/jwt", Register: "/api", Users: "/api/users", CLILogin: "/api/cli"}
	s := newServer(t, httpapi.Config{Prefixes: p})
	c := client.New(s.url, client.WithPrefixes(client.Prefixes{JWT: "/api/jwt/", Register: "api", Users: "/api/users", CLILogin: "/api/cli"}))
	_, err := c.Register(t.Context(), "carol@example.com", "correct horse battery")
	require.NoError(t, err)
	tok, err := c.Login(t.Context(), "carol@example.com", "correct horse battery")
	require.NoError(t, err)
	_, err = c.Me(t.Context(), tok)
	require.NoError(t, err)
	ch, err := c.StartCLILogin(t.Context())
	require.NoError(t, err)
	require.NoError(t, c.ApproveCLILogin(t.Context(), tok, ch.Code))

	// The default prefixes miss these routes: a plain 404.
	_, err = client.New(s.url).Me(t.Context(), tok)
	require.ErrorIs(t, err, client.ErrNotFound)
	require.NotErrorIs(t, err, client.ErrChallengeNotFound)
}

func TestErrorDecoding(t *testing.T) {
	cases := []struct {
		name       string
		status     int
		body       string
		header     map[string]string
		want       client.Error
		is, isNot  []error
		wantString string
	}{
		{
			name: "string detail", status: 400, body: `{"detail":"LOGIN_BAD_CREDENTIALS"}`,
			want: client.Error{Status: 400, Code: "LOGIN_BAD_CREDENTIALS"},
			is:   []error{client.ErrBadCredentials}, isNot: []error{client.ErrUserAlreadyExists, client.ErrUnauthorized},
			wantString: "zndraw-auth: 400 LOGIN_BAD_CREDENTIALS",
		},
		{
			name: "object detail", status: 400, body: `{"detail":{"code":"UPDATE_USER_INVALID_PASSWORD","reason":"too short"}}`,
			want: client.Error{Status: 400, Code: "UPDATE_USER_INVALID_PASSWORD", Reason: "too short"},
			is:   []error{client.ErrInvalidPassword}, isNot: []error{client.ErrBadCredentials},
			wantString: "zndraw-auth: 400 UPDATE_USER_INVALID_PASSWORD: too short",
		},
		{
			name: "unauthorized", status: 401, body: `{"detail":"Unauthorized"}`,
			want: client.Error{Status: 401, Code: "Unauthorized"},
			is:   []error{client.ErrUnauthorized}, isNot: []error{client.ErrForbidden},
		},
		{
			name: "challenge expired", status: 410, body: `{"detail":"Challenge expired"}`,
			want: client.Error{Status: 410, Code: "Challenge expired"},
			is:   []error{client.ErrChallengeExpired}, isNot: []error{client.ErrChallengeNotFound, client.ErrNotFound},
		},
		{
			name: "challenge not found", status: 404, body: `{"detail":"Challenge not found"}`,
			want: client.Error{Status: 404, Code: "Challenge not found"},
			is:   []error{client.ErrChallengeNotFound, client.ErrNotFound},
		},
		{
			name: "too many requests", status: 429, body: `{"detail":"TOO_MANY_REQUESTS"}`, header: map[string]string{"Retry-After": "7"},
			want: client.Error{Status: 429, Code: "TOO_MANY_REQUESTS", RetryAfter: 7 * time.Second},
			is:   []error{client.ErrTooManyRequests},
		},
		{
			name: "validation", status: 422, body: `{"detail":[{"type":"missing","loc":["body","username"],"msg":"Field required","input":null}]}`,
			want:       client.Error{Status: 422, Validation: []client.ValidationError{{Type: "missing", Loc: []any{"body", "username"}, Msg: "Field required", Input: []byte("null")}}},
			is:         []error{client.ErrValidation},
			wantString: "zndraw-auth: 422 validation error: [body username]: Field required",
		},
		{
			name: "not the envelope", status: 502, body: `<html>bad gateway</html>`,
			want:       client.Error{Status: 502, Body: "<html>bad gateway</html>"},
			isNot:      []error{client.ErrServiceUnavailable},
			wantString: "zndraw-auth: 502: <html>bad gateway</html>",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				for k, v := range tc.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			_, err := client.New(srv.URL).Me(t.Context(), "tok")
			var e *client.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, tc.want, *e)
			for _, target := range tc.is {
				require.ErrorIs(t, err, target)
			}
			for _, target := range tc.isNot {
				require.NotErrorIs(t, err, target)
			}
			if tc.wantString != "" {
				require.Equal(t, tc.wantString, err.Error())
			}
			require.False(t, errors.Is(err, errors.New(tc.want.Code)))
		})
	}
}

func TestInvalidBaseURL(t *testing.T) {
	_, err := client.New("not a url").Me(t.Context(), "tok")
	require.ErrorContains(t, err, "invalid base URL")
}
