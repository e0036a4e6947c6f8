package hooks

import (
	"context"
	"log/slog"

	"github.com/zincware/zndraw-auth-go/core"
)

// Audit returns hooks that write one structured log line per security event
// (register, login, logout, update, verify, password reset, delete, CLI
// approvals, impersonation) with user ids, client IP and user agent. It
// never logs passwords, tokens, secrets or full CLI codes. A nil logger
// means slog.Default().
func Audit(logger *slog.Logger) core.Hooks {
	if logger == nil {
		logger = slog.Default()
	}
	event := func(ctx context.Context, event string, u core.User, m core.RequestMeta, extra ...any) error {
		args := append([]any{"event", event, "user_id", u.ID.String(), "client_ip", m.ClientIP, "user_agent", m.UserAgent}, extra...)
		logger.InfoContext(ctx, "audit", args...)
		return nil
	}
	return core.Hooks{
		OnAfterRegister: func(ctx context.Context, u core.User, m core.RequestMeta) error {
			return event(ctx, "register", u, m, "is_superuser", u.IsSuperuser)
		},
		OnAfterUpdate: func(ctx context.Context, u core.User, upd core.UserUpdate, m core.RequestMeta) error {
			return event(ctx, "update", u, m, "password_changed", upd.Password != nil, "email_changed", upd.Email != nil,
				"is_active", u.IsActive, "is_superuser", u.IsSuperuser, "is_verified", u.IsVerified)
		},
		OnAfterLogin: func(ctx context.Context, u core.User, m core.RequestMeta) error {
			return event(ctx, "login", u, m, "method", "password")
		},
		OnAfterLogout: func(ctx context.Context, u core.User, m core.RequestMeta) error {
			return event(ctx, "logout", u, m)
		},
		OnAfterRequestVerify: func(ctx context.Context, u core.User, _ string, m core.RequestMeta) error {
			return event(ctx, "request_verify", u, m)
		},
		OnAfterVerify: func(ctx context.Context, u core.User, m core.RequestMeta) error {
			return event(ctx, "verify", u, m)
		},
		OnAfterForgotPassword: func(ctx context.Context, u core.User, _ string, m core.RequestMeta) error {
			return event(ctx, "forgot_password", u, m)
		},
		OnAfterResetPassword: func(ctx context.Context, u core.User, m core.RequestMeta) error {
			return event(ctx, "reset_password", u, m)
		},
		OnAfterDelete: func(ctx context.Context, u core.User, m core.RequestMeta) error {
			return event(ctx, "delete", u, m)
		},
		OnCLILoginApproved: func(ctx context.Context, c core.Challenge, u core.User, m core.RequestMeta) error {
			return event(ctx, "cli_login_approved", u, m, "challenge_id", c.ID, "requested_from", c.ClientIP)
		},
		OnCLILoginRedeemed: func(ctx context.Context, c core.Challenge, u core.User, m core.RequestMeta) error {
			return event(ctx, "login", u, m, "method", "cli", "challenge_id", c.ID)
		},
		OnCLILoginRejected: func(ctx context.Context, c core.Challenge, u core.User, m core.RequestMeta) error {
			return event(ctx, "cli_login_rejected", u, m, "challenge_id", c.ID)
		},
		OnImpersonationTokenMinted: func(ctx context.Context, admin, target core.User, m core.RequestMeta) error {
			return event(ctx, "impersonate", target, m, "admin_id", admin.ID.String())
		},
	}
}
