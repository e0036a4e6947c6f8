package hooks_test

import (
	"context"
	"errors"
	"reflect"
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
		core.Hooks{OnBeforeDelete: func(context.Context, core.User, core.RequestMeta) error {
			calls = append(calls, "a")
			return veto
		}},
		core.Hooks{OnBeforeDelete: func(context.Context, core.User, core.RequestMeta) error {
			calls = append(calls, "b")
			return nil
		}},
	)
	require.ErrorIs(t, h.OnBeforeDelete(ctx, user, meta), veto)
	assert.Equal(t, []string{"a"}, calls, "a veto stops the later before-hooks")

	calls = nil
	reject := &core.InvalidPasswordError{Reason: "too weak"}
	h = hooks.Compose(
		core.Hooks{ValidatePassword: func(context.Context, string, string) error { calls = append(calls, "p1"); return nil }},
		core.Hooks{ValidatePassword: func(context.Context, string, string) error { calls = append(calls, "p2"); return reject }},
		core.Hooks{ValidatePassword: func(context.Context, string, string) error { calls = append(calls, "p3"); return nil }},
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
		return core.Hooks{OnAfterRegister: func(context.Context, core.User, core.RequestMeta) error {
			calls = append(calls, name)
			return err
		}}
	}
	h := hooks.Compose(mk("a", e1), core.Hooks{}, mk("b", nil), mk("c", e2))
	err := h.OnAfterRegister(ctx, user, meta)
	assert.ErrorIs(t, err, e1)
	assert.ErrorIs(t, err, e2)
	assert.Equal(t, []string{"a", "b", "c"}, calls, "every after-hook runs even when an earlier one fails")

	calls = nil
	require.NoError(t, hooks.Compose(mk("a", nil), mk("b", nil)).OnAfterRegister(ctx, user, meta))
	assert.Equal(t, []string{"a", "b"}, calls)
}

func TestComposeKeepsUnsetFieldsNilAndSingleFuncsUnwrapped(t *testing.T) {
	empty := hooks.Compose()
	assert.Nil(t, empty.OnAfterLogin, "nothing to run: the field stays nil and costs nothing")

	login := func(context.Context, core.User, core.RequestMeta) error { return nil }
	h := hooks.Compose(core.Hooks{}, core.Hooks{OnAfterLogin: login}, core.Hooks{})
	assert.Equal(t, reflect.ValueOf(login).Pointer(), reflect.ValueOf(h.OnAfterLogin).Pointer(),
		"a hook set in one set only is taken as it is")
	assert.Nil(t, h.OnAfterRegister)
}

// TestComposeCoversEveryField composes two sets of every field of
// core.Hooks, built by reflection, so a hook added to core.Hooks is covered
// without a change here; it pins which fields are before-hooks.
func TestComposeCoversEveryField(t *testing.T) {
	typ := reflect.TypeFor[core.Hooks]()
	errType := reflect.TypeFor[error]()
	var before []string
	for i := range typ.NumField() {
		f := typ.Field(i)
		t.Run(f.Name, func(t *testing.T) {
			ft := f.Type
			require.Equal(t, reflect.Func, ft.Kind(), "every hook is a func")
			require.Equal(t, 1, ft.NumOut(), "every hook returns one error")
			require.Equal(t, errType, ft.Out(0))
			require.Equal(t, reflect.TypeFor[context.Context](), ft.In(0), "every hook takes the context first")

			var calls []string
			mk := func(name string) core.Hooks {
				var h core.Hooks
				fn := reflect.MakeFunc(ft, func([]reflect.Value) []reflect.Value {
					calls = append(calls, name)
					err := errors.New(name)
					return []reflect.Value{reflect.ValueOf(&err).Elem()}
				})
				reflect.ValueOf(&h).Elem().Field(i).Set(fn)
				return h
			}
			composed := reflect.ValueOf(hooks.Compose(mk("first"), mk("second"))).Field(i)
			args := make([]reflect.Value, ft.NumIn())
			for j := range args {
				args[j] = reflect.Zero(ft.In(j))
			}
			args[0] = reflect.ValueOf(ctx)
			err, _ := composed.Call(args)[0].Interface().(error)
			require.Error(t, err)
			if len(calls) == 1 {
				before = append(before, f.Name)
				assert.Equal(t, "first", err.Error(), "a before-hook's veto is returned as is")
				return
			}
			assert.Equal(t, []string{"first", "second"}, calls)
			assert.Equal(t, "first\nsecond", err.Error())
		})
	}
	assert.Equal(t, []string{"ValidatePassword", "OnBeforeDelete"}, before,
		"the before-hooks (which veto) are exactly these; a new hook named Validate* or OnBefore* joins them")
}
