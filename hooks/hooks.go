// Package hooks holds ready-made lifecycle hooks for core.Service and the
// tools to build and combine them:
//
//   - Base: a no-op implementation to embed, overriding only some methods;
//   - Funcs: a struct of optional funcs, in the style of
//     net/http/httptrace.ClientTrace;
//   - Compose: several hook sets run as one;
//   - Audit: structured audit logging with log/slog.
//
// The semantics every hook set follows are documented on core.Hooks:
// before-hooks (ValidatePassword, OnBeforeDelete) veto with an error;
// after-hooks run after the write is committed and their errors are logged,
// never returned to the client.
//
//	svc, err := core.New(store, settings, core.WithHooks(hooks.Compose(
//		hooks.Audit(logger),
//		hooks.FromFuncs(&hooks.Funcs{OnAfterRegister: func(ctx context.Context, u core.User, _ core.RequestMeta) error {
//			return mailer.Welcome(ctx, u.Email)
//		}}),
//	)))
package hooks

import "github.com/zincware/zndraw-auth-go/core"

// Base implements every hook as a no-op. Embed it and override what you
// need.
type Base = core.NopHooks
