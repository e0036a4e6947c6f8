package hooks_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/hooks"
)

var (
	ctx  = context.Background()
	user = core.User{ID: uuid.MustParse("4fd3477b-eccf-4ee3-8f7d-68ad72261476"), Email: "alice@example.com"}
	meta = core.RequestMeta{ClientIP: "192.0.2.1", UserAgent: "test"}
)

func TestComposeBeforeHooksStopAtFirstError(t *testing.T) {
	var calls []string
	veto := errors.New("veto")
	h := hooks.Compose(
		hooks.FromFuncs(&hooks.Funcs{OnBeforeDelete: func(context.Context, core.User, core.RequestMeta) error {
			calls = append(calls, "a")
			return veto
		}}),
		hooks.FromFuncs(&hooks.Funcs{OnBeforeDelete: func(context.Context, core.User, core.RequestMeta) error {
			calls = append(calls, "b")
			return nil
		}}),
	)
	require.ErrorIs(t, h.OnBeforeDelete(ctx, user, meta), veto)
	assert.Equal(t, []string{"a"}, calls, "a veto stops the later before-hooks")

	calls = nil
	reject := &core.InvalidPasswordError{Reason: "too weak"}
	h = hooks.Compose(
		hooks.FromFuncs(&hooks.Funcs{ValidatePassword: func(context.Context, string, string) error { calls = append(calls, "p1"); return nil }}),
		hooks.FromFuncs(&hooks.Funcs{ValidatePassword: func(context.Context, string, string) error { calls = append(calls, "p2"); return reject }}),
		hooks.FromFuncs(&hooks.Funcs{ValidatePassword: func(context.Context, string, string) error { calls = append(calls, "p3"); return nil }}),
	)
	var inv *core.InvalidPasswordError
	require.ErrorAs(t, h.ValidatePassword(ctx, "pw", "a@example.com"), &inv)
	assert.Equal(t, "too weak", inv.Reason)
	assert.Equal(t, []string{"p1", "p2"}, calls)
}

func TestComposeAfterHooksAllRunAndJoinErrors(t *testing.T) {
	var calls []string
	e1, e2 := errors.New("first"), errors.New("second")
	mk := func(name string, err error) core.Hooks {
		return hooks.FromFuncs(&hooks.Funcs{OnAfterRegister: func(context.Context, core.User, core.RequestMeta) error {
			calls = append(calls, name)
			return err
		}})
	}
	h := hooks.Compose(mk("a", e1), nil, mk("b", nil), mk("c", e2))
	err := h.OnAfterRegister(ctx, user, meta)
	assert.ErrorIs(t, err, e1)
	assert.ErrorIs(t, err, e2)
	assert.Equal(t, []string{"a", "b", "c"}, calls, "every after-hook runs even when an earlier one fails")
	assert.NoError(t, hooks.Compose().OnAfterLogin(ctx, user, meta))
}

func TestFuncsUnsetFieldsAreNoOps(t *testing.T) {
	for _, h := range []core.Hooks{hooks.FromFuncs(nil), hooks.FromFuncs(&hooks.Funcs{}), hooks.Base{}} {
		assert.NoError(t, h.ValidatePassword(ctx, "", ""))
		assert.NoError(t, h.OnAfterRegister(ctx, user, meta))
		assert.NoError(t, h.OnAfterUpdate(ctx, user, core.UserUpdate{}, meta))
		assert.NoError(t, h.OnAfterLogin(ctx, user, meta))
		assert.NoError(t, h.OnAfterLogout(ctx, user, meta))
		assert.NoError(t, h.OnAfterRequestVerify(ctx, user, "t", meta))
		assert.NoError(t, h.OnAfterVerify(ctx, user, meta))
		assert.NoError(t, h.OnAfterForgotPassword(ctx, user, "t", meta))
		assert.NoError(t, h.OnAfterResetPassword(ctx, user, meta))
		assert.NoError(t, h.OnBeforeDelete(ctx, user, meta))
		assert.NoError(t, h.OnAfterDelete(ctx, user, meta))
		assert.NoError(t, h.OnCLILoginApproved(ctx, core.Challenge{}, user, meta))
		assert.NoError(t, h.OnCLILoginRedeemed(ctx, core.Challenge{}, user, meta))
		assert.NoError(t, h.OnCLILoginRejected(ctx, core.Challenge{}, user, meta))
		assert.NoError(t, h.OnImpersonationTokenMinted(ctx, user, user, meta))
	}
}

func TestFuncsCallEverySetField(t *testing.T) {
	n := 0
	count := func() error { n++; return nil }
	f := &hooks.Funcs{
		ValidatePassword:           func(context.Context, string, string) error { return count() },
		OnAfterRegister:            func(context.Context, core.User, core.RequestMeta) error { return count() },
		OnAfterUpdate:              func(context.Context, core.User, core.UserUpdate, core.RequestMeta) error { return count() },
		OnAfterLogin:               func(context.Context, core.User, core.RequestMeta) error { return count() },
		OnAfterLogout:              func(context.Context, core.User, core.RequestMeta) error { return count() },
		OnAfterRequestVerify:       func(context.Context, core.User, string, core.RequestMeta) error { return count() },
		OnAfterVerify:              func(context.Context, core.User, core.RequestMeta) error { return count() },
		OnAfterForgotPassword:      func(context.Context, core.User, string, core.RequestMeta) error { return count() },
		OnAfterResetPassword:       func(context.Context, core.User, core.RequestMeta) error { return count() },
		OnBeforeDelete:             func(context.Context, core.User, core.RequestMeta) error { return count() },
		OnAfterDelete:              func(context.Context, core.User, core.RequestMeta) error { return count() },
		OnCLILoginApproved:         func(context.Context, core.Challenge, core.User, core.RequestMeta) error { return count() },
		OnCLILoginRedeemed:         func(context.Context, core.Challenge, core.User, core.RequestMeta) error { return count() },
		OnCLILoginRejected:         func(context.Context, core.Challenge, core.User, core.RequestMeta) error { return count() },
		OnImpersonationTokenMinted: func(context.Context, core.User, core.User, core.RequestMeta) error { return count() },
	}
	h := hooks.Compose(hooks.FromFuncs(f))
	_ = h.ValidatePassword(ctx, "", "")
	_ = h.OnAfterRegister(ctx, user, meta)
	_ = h.OnAfterUpdate(ctx, user, core.UserUpdate{}, meta)
	_ = h.OnAfterLogin(ctx, user, meta)
	_ = h.OnAfterLogout(ctx, user, meta)
	_ = h.OnAfterRequestVerify(ctx, user, "t", meta)
	_ = h.OnAfterVerify(ctx, user, meta)
	_ = h.OnAfterForgotPassword(ctx, user, "t", meta)
	_ = h.OnAfterResetPassword(ctx, user, meta)
	_ = h.OnBeforeDelete(ctx, user, meta)
	_ = h.OnAfterDelete(ctx, user, meta)
	_ = h.OnCLILoginApproved(ctx, core.Challenge{}, user, meta)
	_ = h.OnCLILoginRedeemed(ctx, core.Challenge{}, user, meta)
	_ = h.OnCLILoginRejected(ctx, core.Challenge{}, user, meta)
	_ = h.OnImpersonationTokenMinted(ctx, user, user, meta)
	assert.Equal(t, 15, n)
}

func TestAuditLogsEventsWithoutSecrets(t *testing.T) {
	var buf bytes.Buffer
	h := hooks.Audit(slog.New(slog.NewJSONHandler(&buf, nil)))
	secretToken := "eyJhbGciOiJIUzI1NiJ9.secret.token"
	pw := "hunter2-hunter2"
	require.NoError(t, h.OnAfterForgotPassword(ctx, user, secretToken, meta))
	require.NoError(t, h.OnAfterRequestVerify(ctx, user, secretToken, meta))
	require.NoError(t, h.OnAfterUpdate(ctx, user, core.UserUpdate{Password: &pw}, meta))
	require.NoError(t, h.OnAfterLogin(ctx, user, meta))
	admin := core.User{ID: uuid.New()}
	require.NoError(t, h.OnImpersonationTokenMinted(ctx, admin, user, meta))
	out := buf.String()
	assert.Equal(t, 5, strings.Count(out, "\n"), "one line per event")
	assert.NotContains(t, out, secretToken)
	assert.NotContains(t, out, pw)
	assert.Contains(t, out, `"event":"impersonate"`)
	assert.Contains(t, out, admin.ID.String())
	assert.Contains(t, out, user.ID.String())
	assert.Contains(t, out, `"password_changed":true`)
	assert.Contains(t, out, `"client_ip":"192.0.2.1"`)
}
