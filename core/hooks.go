package core

import "context"

// Hooks are the lifecycle callbacks of the UserManager (fastapi-users'
// validate_password and on_after_* methods) plus the kit's own events, as a
// struct of optional funcs in the style of net/http/httptrace.ClientTrace:
// set the fields you need and leave the others nil. A nil field costs
// nothing, and a hook added to a later version breaks no one.
//
//	core.WithHooks(core.Hooks{
//		OnAfterRegister: func(ctx context.Context, u core.User, _ core.RequestMeta) error {
//			return mailer.Welcome(ctx, u.Email)
//		},
//	})
//
// Several sets run as one with hooks.Compose, which also keeps the order
// and error rules below.
//
// Semantics, relied upon by users and tested:
//   - Before-hooks (the fields named Validate* and OnBefore*:
//     ValidatePassword, OnBeforeDelete) run before anything is written. A
//     non-nil error vetoes the operation: nothing is written, no later hook
//     runs, and the error is returned (a ValidatePassword
//     *InvalidPasswordError becomes the operation's *_INVALID_PASSWORD
//     error; an error wrapping a *Error, such as ErrForbidden, is answered
//     with that error's status and detail; any other error is an internal
//     error).
//   - After-hooks (every other field) run after the write is committed,
//     synchronously, in the request's goroutine. An error from an
//     after-hook is logged and does not change the outcome of the
//     operation: the write stands and the caller gets the normal result
//     (the reference answers 500 here while keeping the write, which tells
//     the client the opposite of what happened).
//   - Delivery hooks (OnAfterForgotPassword, OnAfterRequestVerify) are
//     after-hooks that run off the request path: the request is answered
//     without waiting for them, so that an unknown address and a known one
//     cost the same however long delivery takes. They run on a bounded
//     background queue: at most 4 at a time, at most 1024 waiting (one
//     more is dropped and logged as event delivery_dropped; the client
//     can ask again). Their context carries the request's values but not
//     its cancellation, and ends after one minute. A panic is recovered
//     and logged. Service.Drain waits for the queue (call it at shutdown).
//     At most RateLimitSettings.MailsPerAccountPerHour of each kind are
//     handed over per address and hour.
//
// Hooks receive the request's context and a RequestMeta, never a transport
// request. A User they receive includes HashedPassword, which a hook must
// never log or pass on. Logging the security events is not their job: the
// Service logs every one itself, failures included (see
// SecurityEventMessage).
type Hooks struct {
	// ValidatePassword checks a new password (register, update, reset)
	// after the default length policy. email is the address of the account
	// the password is for. Return an *InvalidPasswordError to reject it
	// with a reason the client sees.
	ValidatePassword func(ctx context.Context, password, email string) error
	// OnAfterRegister runs after a user was created through Register.
	OnAfterRegister func(ctx context.Context, user User, meta RequestMeta) error
	// OnAfterUpdate runs after UpdateUser committed; update is what the
	// caller asked for (for UpdateSelf, only password and email).
	OnAfterUpdate func(ctx context.Context, user User, update UserUpdate, meta RequestMeta) error
	// OnAfterLogin runs after a successful password login minted a token.
	OnAfterLogin func(ctx context.Context, user User, meta RequestMeta) error
	// OnAfterLogout runs after a token was revoked by logout.
	OnAfterLogout func(ctx context.Context, user User, meta RequestMeta) error
	// OnAfterRequestVerify delivers a verification token for user (a
	// delivery hook: it runs in the background).
	OnAfterRequestVerify func(ctx context.Context, user User, token string, meta RequestMeta) error
	// OnAfterVerify runs after user was marked verified.
	OnAfterVerify func(ctx context.Context, user User, meta RequestMeta) error
	// OnAfterForgotPassword delivers a password-reset token for user (a
	// delivery hook: it runs in the background).
	OnAfterForgotPassword func(ctx context.Context, user User, token string, meta RequestMeta) error
	// OnAfterResetPassword runs after a reset changed user's password.
	OnAfterResetPassword func(ctx context.Context, user User, meta RequestMeta) error
	// OnBeforeDelete runs before user is deleted; an error vetoes deletion.
	OnBeforeDelete func(ctx context.Context, user User, meta RequestMeta) error
	// OnAfterDelete runs after user was deleted.
	OnAfterDelete func(ctx context.Context, user User, meta RequestMeta) error
	// OnCLILoginApproved runs after approver approved challenge.
	OnCLILoginApproved func(ctx context.Context, challenge Challenge, approver User, meta RequestMeta) error
	// OnCLILoginRedeemed runs after the CLI collected the token of an
	// approved challenge for user.
	OnCLILoginRedeemed func(ctx context.Context, challenge Challenge, user User, meta RequestMeta) error
	// OnCLILoginRejected runs after by rejected challenge.
	OnCLILoginRejected func(ctx context.Context, challenge Challenge, by User, meta RequestMeta) error
	// OnImpersonationTokenMinted runs after admin minted a token for target.
	OnImpersonationTokenMinted func(ctx context.Context, admin, target User, meta RequestMeta) error
}
