package core_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zincware/zndraw-auth-go/core"
)

// passwordOp is one operation that sets a password, prepared on an env.
type passwordOp struct {
	name  string
	code  string
	email string // the account the password is for
	// setup prepares the env and returns the run and written functions.
	setup func(e *env) (run func(pw string) error, written func() bool)
}

var passwordOps = []passwordOp{
	{
		name: "register", code: core.CodeRegisterInvalidPassword, email: "new@example.com",
		setup: func(e *env) (func(string) error, func() bool) {
			run := func(pw string) error {
				_, err := e.svc.Register(e.ctx, core.UserCreate{Email: "new@example.com", Password: pw}, core.RequestMeta{})
				return err
			}
			written := func() bool {
				_, err := e.mem.GetUserByEmail(e.ctx, "new@example.com")
				return err == nil
			}
			return run, written
		},
	},
	{
		name: "update", code: core.CodeUpdateUserInvalidPassword, email: "u@example.com",
		setup: func(e *env) (func(string) error, func() bool) {
			u := e.user("u@example.com")
			run := func(pw string) error {
				_, err := e.svc.UpdateSelf(e.ctx, &core.Principal{User: u}, core.UserUpdate{Password: &pw}, core.RequestMeta{})
				return err
			}
			return run, func() bool { return e.get(u.ID) != u }
		},
	},
	{
		name: "reset", code: core.CodeResetPasswordInvalidPassword, email: "u@example.com",
		setup: func(e *env) (func(string) error, func() bool) {
			u := e.user("u@example.com")
			token := e.forgotToken("u@example.com")
			run := func(pw string) error { return e.svc.ResetPassword(e.ctx, token, pw, core.RequestMeta{}) }
			return run, func() bool { return e.get(u.ID) != u }
		},
	},
}

func TestPasswordPolicyLength(t *testing.T) {
	for _, tc := range []struct {
		name   string
		pw     string
		ok     bool
		reason string
	}{
		{"7 chars", "1234567", false, "at least 8 characters"},
		{"8 chars", "12345678", true, ""},
		{"8 emoji (32 bytes, 8 characters)", strings.Repeat("🔑", 8), true, ""},
		{"7 emoji (28 bytes, 7 characters)", strings.Repeat("🔑", 7), false, "at least 8 characters"},
		{"4096 bytes", strings.Repeat("a", core.MaxPasswordBytes), true, ""},
		{"4097 bytes", strings.Repeat("a", core.MaxPasswordBytes+1), false, "at most 4096 bytes"},
		{"1025 emoji (4100 bytes)", strings.Repeat("🔑", 1025), false, "at most 4096 bytes"},
		{"empty", "", false, "at least 8 characters"},
	} {
		for _, op := range passwordOps {
			t.Run(tc.name+"/"+op.name, func(t *testing.T) {
				e := newEnv(t)
				run, written := op.setup(e)
				err := run(tc.pw)
				if tc.ok {
					require.NoError(t, err)
					assert.True(t, written())
					return
				}
				var ce *core.Error
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, op.code, ce.Code)
				assert.Contains(t, ce.Reason, tc.reason)
				assert.ErrorIs(t, err, core.ErrInvalidPassword)
				assert.False(t, written(), "nothing written on rejection")
			})
		}
	}
}

func TestPasswordMinLengthSetting(t *testing.T) {
	e := newEnv(t, withSettings(func(s *core.Settings) { s.PasswordMinLength = 12 }))
	_, err := e.svc.Register(e.ctx, core.UserCreate{Email: "a@example.com", Password: "12345678901"}, core.RequestMeta{})
	require.ErrorIs(t, err, core.ErrInvalidPassword)
	_, err = e.svc.Register(e.ctx, core.UserCreate{Email: "a@example.com", Password: "123456789012"}, core.RequestMeta{})
	require.NoError(t, err)
}

func TestValidatePasswordHook(t *testing.T) {
	for _, op := range passwordOps {
		t.Run(op.name+"/InvalidPasswordError", func(t *testing.T) {
			e := newEnv(t)
			run, written := op.setup(e)
			e.hooks.reset()
			e.hooks.validate = func(pw, _ string) error {
				if strings.Contains(pw, "horse") {
					return &core.InvalidPasswordError{Reason: "Invalid"}
				}
				return nil
			}
			err := run("correct horse battery staple")
			var ce *core.Error
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, op.code, ce.Code)
			assert.Equal(t, "Invalid", ce.Reason)
			assert.ErrorIs(t, err, core.ErrInvalidPassword)
			assert.False(t, written())
			calls := e.hooks.named("ValidatePassword")
			require.Len(t, calls, 1)
			assert.Equal(t, "correct horse battery staple", calls[0].Token, "the hook sees the password")
			assert.Equal(t, op.email, calls[0].User.Email, "the hook sees the account's email")
			assert.Empty(t, e.hooks.names(), "no after-hook on rejection")

			require.NoError(t, run("a different passphrase"), "the hook accepts other passwords")
			assert.True(t, written())
		})
		t.Run(op.name+"/other error", func(t *testing.T) {
			e := newEnv(t)
			run, written := op.setup(e)
			e.hooks.reset()
			boom := errors.New("policy service down")
			e.hooks.validate = func(string, string) error { return boom }
			err := run("correct horse battery staple")
			require.Error(t, err)
			assert.ErrorIs(t, err, boom)
			assert.False(t, isCoreError(err), "an internal error, not a contract error: %v", err)
			assert.False(t, written())
			assert.Empty(t, e.hooks.names())
		})
	}
}

func TestValidatePasswordNotCalledWhenLengthFails(t *testing.T) {
	e := newEnv(t)
	_, err := e.svc.Register(e.ctx, core.UserCreate{Email: "a@example.com", Password: "short"}, core.RequestMeta{})
	require.ErrorIs(t, err, core.ErrInvalidPassword)
	assert.Empty(t, e.hooks.named("ValidatePassword"))
}

func TestInvalidPasswordErrorMatching(t *testing.T) {
	for _, code := range []string{core.CodeRegisterInvalidPassword, core.CodeUpdateUserInvalidPassword, core.CodeResetPasswordInvalidPassword} {
		err := error(&core.Error{Code: code, Reason: "x"})
		assert.ErrorIs(t, err, core.ErrInvalidPassword, code)
		assert.ErrorIs(t, err, &core.Error{Code: code}, code)
	}
	assert.NotErrorIs(t, core.ErrBadCredentials, core.ErrInvalidPassword)
	assert.NotErrorIs(t, core.ErrResetBadToken, core.ErrInvalidPassword)
	assert.NotErrorIs(t, core.ErrInvalidPassword, core.ErrBadCredentials)
}
