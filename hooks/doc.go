// Package hooks combines lifecycle hooks for core.Service: Compose runs
// several sets as one, in order.
//
// A set of hooks is a core.Hooks value: a struct of optional funcs, in the
// style of net/http/httptrace.ClientTrace. Set the fields you need and leave
// the others nil; a nil field costs nothing, and a hook added in a later
// version breaks no one. The field names are fastapi-users' hook names in Go
// spelling (on_after_register is OnAfterRegister).
//
// Security events (logins, failures, lockouts, changes) are logged by the
// Service itself, not by hooks: see core.SecurityEventMessage.
//
// The semantics every hook follows are documented on core.Hooks:
// before-hooks (ValidatePassword, OnBeforeDelete) veto with an error;
// after-hooks run after the write is committed and their errors are logged,
// never returned to the client.
//
//	svc, err := core.New(store, settings, core.WithHooks(hooks.Compose(
//		policy,
//		core.Hooks{OnAfterRegister: func(ctx context.Context, u core.User, _ core.RequestMeta) error {
//			return mailer.Welcome(ctx, u.Email)
//		}},
//	)))
package hooks
