package hooks

import (
	"context"
	"errors"

	"github.com/zincware/zndraw-auth-go/core"
)

// Compose returns hook sets run as one, in the given order. Before-hooks
// (ValidatePassword, OnBeforeDelete) stop at the first error, which vetoes
// the operation. After-hooks all run, even when an earlier one fails; their
// errors are joined (and the Service logs them).
func Compose(sets ...core.Hooks) core.Hooks {
	out := make(composed, 0, len(sets))
	for _, s := range sets {
		if s != nil {
			out = append(out, s)
		}
	}
	return out
}

type composed []core.Hooks

func (c composed) before(f func(core.Hooks) error) error {
	for _, h := range c {
		if err := f(h); err != nil {
			return err
		}
	}
	return nil
}

func (c composed) after(f func(core.Hooks) error) error {
	var errs []error
	for _, h := range c {
		if err := f(h); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (c composed) ValidatePassword(ctx context.Context, password, email string) error {
	return c.before(func(h core.Hooks) error { return h.ValidatePassword(ctx, password, email) })
}

func (c composed) OnBeforeDelete(ctx context.Context, u core.User, m core.RequestMeta) error {
	return c.before(func(h core.Hooks) error { return h.OnBeforeDelete(ctx, u, m) })
}

func (c composed) OnAfterRegister(ctx context.Context, u core.User, m core.RequestMeta) error {
	return c.after(func(h core.Hooks) error { return h.OnAfterRegister(ctx, u, m) })
}

func (c composed) OnAfterUpdate(ctx context.Context, u core.User, upd core.UserUpdate, m core.RequestMeta) error {
	return c.after(func(h core.Hooks) error { return h.OnAfterUpdate(ctx, u, upd, m) })
}

func (c composed) OnAfterLogin(ctx context.Context, u core.User, m core.RequestMeta) error {
	return c.after(func(h core.Hooks) error { return h.OnAfterLogin(ctx, u, m) })
}

func (c composed) OnAfterLogout(ctx context.Context, u core.User, m core.RequestMeta) error {
	return c.after(func(h core.Hooks) error { return h.OnAfterLogout(ctx, u, m) })
}

func (c composed) OnAfterRequestVerify(ctx context.Context, u core.User, token string, m core.RequestMeta) error {
	return c.after(func(h core.Hooks) error { return h.OnAfterRequestVerify(ctx, u, token, m) })
}

func (c composed) OnAfterVerify(ctx context.Context, u core.User, m core.RequestMeta) error {
	return c.after(func(h core.Hooks) error { return h.OnAfterVerify(ctx, u, m) })
}

func (c composed) OnAfterForgotPassword(ctx context.Context, u core.User, token string, m core.RequestMeta) error {
	return c.after(func(h core.Hooks) error { return h.OnAfterForgotPassword(ctx, u, token, m) })
}

func (c composed) OnAfterResetPassword(ctx context.Context, u core.User, m core.RequestMeta) error {
	return c.after(func(h core.Hooks) error { return h.OnAfterResetPassword(ctx, u, m) })
}

func (c composed) OnAfterDelete(ctx context.Context, u core.User, m core.RequestMeta) error {
	return c.after(func(h core.Hooks) error { return h.OnAfterDelete(ctx, u, m) })
}

func (c composed) OnCLILoginApproved(ctx context.Context, ch core.Challenge, u core.User, m core.RequestMeta) error {
	return c.after(func(h core.Hooks) error { return h.OnCLILoginApproved(ctx, ch, u, m) })
}

func (c composed) OnCLILoginRedeemed(ctx context.Context, ch core.Challenge, u core.User, m core.RequestMeta) error {
	return c.after(func(h core.Hooks) error { return h.OnCLILoginRedeemed(ctx, ch, u, m) })
}

func (c composed) OnCLILoginRejected(ctx context.Context, ch core.Challenge, u core.User, m core.RequestMeta) error {
	return c.after(func(h core.Hooks) error { return h.OnCLILoginRejected(ctx, ch, u, m) })
}

func (c composed) OnImpersonationTokenMinted(ctx context.Context, admin, target core.User, m core.RequestMeta) error {
	return c.after(func(h core.Hooks) error { return h.OnImpersonationTokenMinted(ctx, admin, target, m) })
}
