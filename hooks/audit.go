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
	return &auditHooks{log: logger}
}

type auditHooks struct {
	core.NopHooks
	log *slog.Logger
}

func (a *auditHooks) event(ctx context.Context, event string, u core.User, m core.RequestMeta, extra ...any) error {
	args := append([]any{"event", event, "user_id", u.ID.String(), "client_ip", m.ClientIP, "user_agent", m.UserAgent}, extra...)
	a.log.InfoContext(ctx, "audit", args...)
	return nil
}

func (a *auditHooks) OnAfterRegister(ctx context.Context, u core.User, m core.RequestMeta) error {
	return a.event(ctx, "register", u, m, "is_superuser", u.IsSuperuser)
}

func (a *auditHooks) OnAfterUpdate(ctx context.Context, u core.User, upd core.UserUpdate, m core.RequestMeta) error {
	return a.event(ctx, "update", u, m, "password_changed", upd.Password != nil, "email_changed", upd.Email != nil,
		"is_active", u.IsActive, "is_superuser", u.IsSuperuser, "is_verified", u.IsVerified)
}

func (a *auditHooks) OnAfterLogin(ctx context.Context, u core.User, m core.RequestMeta) error {
	return a.event(ctx, "login", u, m, "method", "password")
}

func (a *auditHooks) OnAfterLogout(ctx context.Context, u core.User, m core.RequestMeta) error {
	return a.event(ctx, "logout", u, m)
}

func (a *auditHooks) OnAfterRequestVerify(ctx context.Context, u core.User, _ string, m core.RequestMeta) error {
	return a.event(ctx, "request_verify", u, m)
}

func (a *auditHooks) OnAfterVerify(ctx context.Context, u core.User, m core.RequestMeta) error {
	return a.event(ctx, "verify", u, m)
}

func (a *auditHooks) OnAfterForgotPassword(ctx context.Context, u core.User, _ string, m core.RequestMeta) error {
	return a.event(ctx, "forgot_password", u, m)
}

func (a *auditHooks) OnAfterResetPassword(ctx context.Context, u core.User, m core.RequestMeta) error {
	return a.event(ctx, "reset_password", u, m)
}

func (a *auditHooks) OnAfterDelete(ctx context.Context, u core.User, m core.RequestMeta) error {
	return a.event(ctx, "delete", u, m)
}

func (a *auditHooks) OnCLILoginApproved(ctx context.Context, c core.Challenge, u core.User, m core.RequestMeta) error {
	return a.event(ctx, "cli_login_approved", u, m, "challenge_id", c.ID, "requested_from", c.ClientIP)
}

func (a *auditHooks) OnCLILoginRedeemed(ctx context.Context, c core.Challenge, u core.User, m core.RequestMeta) error {
	return a.event(ctx, "login", u, m, "method", "cli", "challenge_id", c.ID)
}

func (a *auditHooks) OnCLILoginRejected(ctx context.Context, c core.Challenge, u core.User, m core.RequestMeta) error {
	return a.event(ctx, "cli_login_rejected", u, m, "challenge_id", c.ID)
}

func (a *auditHooks) OnImpersonationTokenMinted(ctx context.Context, admin, target core.User, m core.RequestMeta) error {
	return a.event(ctx, "impersonate", target, m, "admin_id", admin.ID.String())
}
