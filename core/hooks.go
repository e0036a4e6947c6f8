package core

import "context"

// Hooks are the lifecycle callbacks of the UserManager (fastapi-users'
// on_after_* methods) plus the kit's own events. Embed NopHooks (or use
// hooks.Funcs) to implement only some of them, and hooks.Compose to combine
// several sets.
//
// Semantics, relied upon by users and tested:
//   - Before-hooks (ValidatePassword, OnBeforeDelete) run before anything is
//     written. A non-nil error vetoes the operation: nothing is written, no
//     later hook runs, and the error is returned (a ValidatePassword
//     *InvalidPasswordError becomes the operation's *_INVALID_PASSWORD error;
//     an error wrapping a *Error, such as ErrForbidden, is answered with that
//     error's status and detail; any other error is an internal error).
//   - After-hooks (everything named OnAfter* and the event hooks) run after
//     the write is committed, synchronously, in the request's goroutine. An
//     error from an after-hook is logged and does not change the outcome of
//     the operation: the write stands and the caller gets the normal result
//     (the reference answers 500 here while keeping the write, which tells
//     the client the opposite of what happened).
//
// Hooks receive the request's context and a RequestMeta, never a transport
// request. They must not retain the user values past the call.
type Hooks interface {
	// ValidatePassword checks a new password (register, update, reset).
	// email is the address of the account the password is for. Return an
	// *InvalidPasswordError to reject it with a reason the client sees.
	ValidatePassword(ctx context.Context, password string, email string) error
	// OnAfterRegister runs after a user was created through Register.
	OnAfterRegister(ctx context.Context, user User, meta RequestMeta) error
	// OnAfterUpdate runs after UpdateUser committed; update is what the
	// caller asked for (in safe mode, only password and email).
	OnAfterUpdate(ctx context.Context, user User, update UserUpdate, meta RequestMeta) error
	// OnAfterLogin runs after a successful password login minted a token.
	OnAfterLogin(ctx context.Context, user User, meta RequestMeta) error
	// OnAfterLogout runs after a token was revoked by logout.
	OnAfterLogout(ctx context.Context, user User, meta RequestMeta) error
	// OnAfterRequestVerify delivers a verification token for user.
	OnAfterRequestVerify(ctx context.Context, user User, token string, meta RequestMeta) error
	// OnAfterVerify runs after user was marked verified.
	OnAfterVerify(ctx context.Context, user User, meta RequestMeta) error
	// OnAfterForgotPassword delivers a password-reset token for user.
	OnAfterForgotPassword(ctx context.Context, user User, token string, meta RequestMeta) error
	// OnAfterResetPassword runs after a reset changed user's password.
	OnAfterResetPassword(ctx context.Context, user User, meta RequestMeta) error
	// OnBeforeDelete runs before user is deleted; an error vetoes deletion.
	OnBeforeDelete(ctx context.Context, user User, meta RequestMeta) error
	// OnAfterDelete runs after user was deleted.
	OnAfterDelete(ctx context.Context, user User, meta RequestMeta) error
	// OnCLILoginApproved runs after approver approved challenge.
	OnCLILoginApproved(ctx context.Context, challenge Challenge, approver User, meta RequestMeta) error
	// OnCLILoginRedeemed runs after the CLI collected the token of an
	// approved challenge for user.
	OnCLILoginRedeemed(ctx context.Context, challenge Challenge, user User, meta RequestMeta) error
	// OnCLILoginRejected runs after by rejected challenge.
	OnCLILoginRejected(ctx context.Context, challenge Challenge, by User, meta RequestMeta) error
	// OnImpersonationTokenMinted runs after admin minted a token for target.
	OnImpersonationTokenMinted(ctx context.Context, admin, target User, meta RequestMeta) error
}

// NopHooks implements every hook as a no-op that returns nil. Embed it in a
// struct to implement only the hooks you need.
type NopHooks struct{}

var _ Hooks = NopHooks{}

// ValidatePassword implements Hooks.
func (NopHooks) ValidatePassword(context.Context, string, string) error { return nil }

// OnAfterRegister implements Hooks.
func (NopHooks) OnAfterRegister(context.Context, User, RequestMeta) error { return nil }

// OnAfterUpdate implements Hooks.
func (NopHooks) OnAfterUpdate(context.Context, User, UserUpdate, RequestMeta) error { return nil }

// OnAfterLogin implements Hooks.
func (NopHooks) OnAfterLogin(context.Context, User, RequestMeta) error { return nil }

// OnAfterLogout implements Hooks.
func (NopHooks) OnAfterLogout(context.Context, User, RequestMeta) error { return nil }

// OnAfterRequestVerify implements Hooks.
func (NopHooks) OnAfterRequestVerify(context.Context, User, string, RequestMeta) error { return nil }

// OnAfterVerify implements Hooks.
func (NopHooks) OnAfterVerify(context.Context, User, RequestMeta) error { return nil }

// OnAfterForgotPassword implements Hooks.
func (NopHooks) OnAfterForgotPassword(context.Context, User, string, RequestMeta) error { return nil }

// OnAfterResetPassword implements Hooks.
func (NopHooks) OnAfterResetPassword(context.Context, User, RequestMeta) error { return nil }

// OnBeforeDelete implements Hooks.
func (NopHooks) OnBeforeDelete(context.Context, User, RequestMeta) error { return nil }

// OnAfterDelete implements Hooks.
func (NopHooks) OnAfterDelete(context.Context, User, RequestMeta) error { return nil }

// OnCLILoginApproved implements Hooks.
func (NopHooks) OnCLILoginApproved(context.Context, Challenge, User, RequestMeta) error { return nil }

// OnCLILoginRedeemed implements Hooks.
func (NopHooks) OnCLILoginRedeemed(context.Context, Challenge, User, RequestMeta) error { return nil }

// OnCLILoginRejected implements Hooks.
func (NopHooks) OnCLILoginRejected(context.Context, Challenge, User, RequestMeta) error { return nil }

// OnImpersonationTokenMinted implements Hooks.
func (NopHooks) OnImpersonationTokenMinted(context.Context, User, User, RequestMeta) error {
	return nil
}
