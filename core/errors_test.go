package core_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zincware/zndraw-auth-go/core"
)

func TestErrorMatchingAndText(t *testing.T) {
	for _, tc := range []struct {
		err     error
		target  error
		matches bool
	}{
		{core.ErrBadCredentials, core.ErrBadCredentials, true},
		{&core.Error{Code: core.CodeLoginBadCredentials}, core.ErrBadCredentials, true},
		{&core.Error{Code: core.CodeTooManyRequests, RetryAfter: time.Second}, core.ErrTooManyRequests, true},
		{core.ErrUnauthorized, core.ErrForbidden, false},
		{core.ErrBadCredentials, errors.New(core.CodeLoginBadCredentials), false},
		{&core.Error{Code: "UPDATE_USER_INVALID_PASSWORD", Reason: "x"}, core.ErrInvalidPassword, true},
		{&core.Error{Code: "INVALID_PASSWORD_X"}, core.ErrInvalidPassword, false},
	} {
		assert.Equal(t, tc.matches, errors.Is(tc.err, tc.target), "%v is %v", tc.err, tc.target)
	}
	assert.Equal(t, "zndraw-auth: LOGIN_BAD_CREDENTIALS", core.ErrBadCredentials.Error())
	assert.Equal(t, "zndraw-auth: REGISTER_INVALID_PASSWORD: too short",
		(&core.Error{Code: core.CodeRegisterInvalidPassword, Reason: "too short"}).Error())
	assert.Equal(t, "invalid password: Invalid", (&core.InvalidPasswordError{Reason: "Invalid"}).Error())
}

func TestNormalizeEmail(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"King.Arthur@Camelot.BT", "King.Arthur@camelot.bt"},
		{" x@Example.com\t", "x@example.com"},
		{"Sir Lancelot <Lancelot@Camelot.BT>", "Lancelot@camelot.bt"},
		{"Support@example.com", "support@example.com"},
	} {
		got, err := core.NormalizeEmail(tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
	for _, in := range []string{"", "king.arthur", "a@localhost", "a@x.invalid", `"q"@example.com`, "a@[127.0.0.1]"} {
		_, err := core.NormalizeEmail(in)
		var ie *core.InvalidEmailError
		require.ErrorAs(t, err, &ie, in)
		assert.NotEmpty(t, ie.Reason, in)
	}
}

func TestUserUpdateIsEmpty(t *testing.T) {
	assert.True(t, core.UserUpdate{}.IsEmpty())
	for _, u := range []core.UserUpdate{
		{Password: ptr("")}, {Email: ptr("")}, {IsActive: ptr(false)}, {IsSuperuser: ptr(false)}, {IsVerified: ptr(false)},
	} {
		assert.False(t, u.IsEmpty(), "%+v", u)
	}
}
