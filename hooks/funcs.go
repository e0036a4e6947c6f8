package hooks

import (
	"context"

	"github.com/zincware/zndraw-auth-go/core"
)

// Funcs is a set of optional hook funcs, in the style of
// net/http/httptrace.ClientTrace: set the ones you need and pass the set to
// FromFuncs. A nil field does nothing.
type Funcs struct {
	ValidatePassword           func(ctx context.Context, password, email string) error
	OnAfterRegister            func(ctx context.Context, user core.User, meta core.RequestMeta) error
	OnAfterUpdate              func(ctx context.Context, user core.User, update core.UserUpdate, meta core.RequestMeta) error
	OnAfterLogin               func(ctx context.Context, user core.User, meta core.RequestMeta) error
	OnAfterLogout              func(ctx context.Context, user core.User, meta core.RequestMeta) error
	OnAfterRequestVerify       func(ctx context.Context, user core.User, token string, meta core.RequestMeta) error
	OnAfterVerify              func(ctx context.Context, user core.User, meta core.RequestMeta) error
	OnAfterForgotPassword      func(ctx context.Context, user core.User, token string, meta core.RequestMeta) error
	OnAfterResetPassword       func(ctx context.Context, user core.User, meta core.RequestMeta) error
	OnBeforeDelete             func(ctx context.Context, user core.User, meta core.RequestMeta) error
	OnAfterDelete              func(ctx context.Context, user core.User, meta core.RequestMeta) error
	OnCLILoginApproved         func(ctx context.Context, c core.Challenge, approver core.User, meta core.RequestMeta) error
	OnCLILoginRedeemed         func(ctx context.Context, c core.Challenge, user core.User, meta core.RequestMeta) error
	OnCLILoginRejected         func(ctx context.Context, c core.Challenge, by core.User, meta core.RequestMeta) error
	OnImpersonationTokenMinted func(ctx context.Context, admin, target core.User, meta core.RequestMeta) error
}

// FromFuncs returns the core.Hooks that calls the funcs set in f. A nil f
// does nothing.
func FromFuncs(f *Funcs) core.Hooks {
	if f == nil {
		f = &Funcs{}
	}
	return funcHooks{f}
}

type funcHooks struct{ f *Funcs }

// ValidatePassword implements core.Hooks.
func (h funcHooks) ValidatePassword(ctx context.Context, password, email string) error {
	if h.f.ValidatePassword == nil {
		return nil
	}
	return h.f.ValidatePassword(ctx, password, email)
}

// OnAfterRegister implements core.Hooks.
func (h funcHooks) OnAfterRegister(ctx context.Context, u core.User, m core.RequestMeta) error {
	if h.f.OnAfterRegister == nil {
		return nil
	}
	return h.f.OnAfterRegister(ctx, u, m)
}

// OnAfterUpdate implements core.Hooks.
func (h funcHooks) OnAfterUpdate(ctx context.Context, u core.User, upd core.UserUpdate, m core.RequestMeta) error {
	if h.f.OnAfterUpdate == nil {
		return nil
	}
	return h.f.OnAfterUpdate(ctx, u, upd, m)
}

// OnAfterLogin implements core.Hooks.
func (h funcHooks) OnAfterLogin(ctx context.Context, u core.User, m core.RequestMeta) error {
	if h.f.OnAfterLogin == nil {
		return nil
	}
	return h.f.OnAfterLogin(ctx, u, m)
}

// OnAfterLogout implements core.Hooks.
func (h funcHooks) OnAfterLogout(ctx context.Context, u core.User, m core.RequestMeta) error {
	if h.f.OnAfterLogout == nil {
		return nil
	}
	return h.f.OnAfterLogout(ctx, u, m)
}

// OnAfterRequestVerify implements core.Hooks.
func (h funcHooks) OnAfterRequestVerify(ctx context.Context, u core.User, token string, m core.RequestMeta) error {
	if h.f.OnAfterRequestVerify == nil {
		return nil
	}
	return h.f.OnAfterRequestVerify(ctx, u, token, m)
}

// OnAfterVerify implements core.Hooks.
func (h funcHooks) OnAfterVerify(ctx context.Context, u core.User, m core.RequestMeta) error {
	if h.f.OnAfterVerify == nil {
		return nil
	}
	return h.f.OnAfterVerify(ctx, u, m)
}

// OnAfterForgotPassword implements core.Hooks.
func (h funcHooks) OnAfterForgotPassword(ctx context.Context, u core.User, token string, m core.RequestMeta) error {
	if h.f.OnAfterForgotPassword == nil {
		return nil
	}
	return h.f.OnAfterForgotPassword(ctx, u, token, m)
}

// OnAfterResetPassword implements core.Hooks.
func (h funcHooks) OnAfterResetPassword(ctx context.Context, u core.User, m core.RequestMeta) error {
	if h.f.OnAfterResetPassword == nil {
		return nil
	}
	return h.f.OnAfterResetPassword(ctx, u, m)
}

// OnBeforeDelete implements core.Hooks.
func (h funcHooks) OnBeforeDelete(ctx context.Context, u core.User, m core.RequestMeta) error {
	if h.f.OnBeforeDelete == nil {
		return nil
	}
	return h.f.OnBeforeDelete(ctx, u, m)
}

// OnAfterDelete implements core.Hooks.
func (h funcHooks) OnAfterDelete(ctx context.Context, u core.User, m core.RequestMeta) error {
	if h.f.OnAfterDelete == nil {
		return nil
	}
	return h.f.OnAfterDelete(ctx, u, m)
}

// OnCLILoginApproved implements core.Hooks.
func (h funcHooks) OnCLILoginApproved(ctx context.Context, c core.Challenge, u core.User, m core.RequestMeta) error {
	if h.f.OnCLILoginApproved == nil {
		return nil
	}
	return h.f.OnCLILoginApproved(ctx, c, u, m)
}

// OnCLILoginRedeemed implements core.Hooks.
func (h funcHooks) OnCLILoginRedeemed(ctx context.Context, c core.Challenge, u core.User, m core.RequestMeta) error {
	if h.f.OnCLILoginRedeemed == nil {
		return nil
	}
	return h.f.OnCLILoginRedeemed(ctx, c, u, m)
}

// OnCLILoginRejected implements core.Hooks.
func (h funcHooks) OnCLILoginRejected(ctx context.Context, c core.Challenge, u core.User, m core.RequestMeta) error {
	if h.f.OnCLILoginRejected == nil {
		return nil
	}
	return h.f.OnCLILoginRejected(ctx, c, u, m)
}

// OnImpersonationTokenMinted implements core.Hooks.
func (h funcHooks) OnImpersonationTokenMinted(ctx context.Context, admin, target core.User, m core.RequestMeta) error {
	if h.f.OnImpersonationTokenMinted == nil {
		return nil
	}
	return h.f.OnImpersonationTokenMinted(ctx, admin, target, m)
}
