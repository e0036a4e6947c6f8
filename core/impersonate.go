package core

import (
	"context"
	"errors"
	"log/slog"

	"github.com/google/uuid"
)

// MintImpersonationToken mints an access token for target on behalf of the
// admin principal (POST /admin/users/{user_id}/token): a missing or
// inactive target is ErrUserNotFound. The token carries impersonated_by (the admin's id) and
// impersonated_by_tv (the admin's token version); it cannot reach superuser
// routes, cannot change the account's credentials, and stops working for
// good when the admin is deleted, deactivated or demoted, changes their
// password or logs out everywhere. Every minting is logged as the security
// event impersonate and fires OnImpersonationTokenMinted. The caller must already hold superuser access
// (CurrentUser with AccessSuperuser); this is checked again here.
func (s *Service) MintImpersonationToken(ctx context.Context, admin *Principal, targetID uuid.UUID, meta RequestMeta) (string, error) {
	if admin == nil || !admin.User.IsSuperuser || admin.Token.Impersonated() {
		return "", ErrForbidden
	}
	meta = meta.WithActor(admin)
	target, err := s.store.GetUser(ctx, targetID)
	if errors.Is(err, ErrNotFound) || (err == nil && !target.IsActive) {
		return "", ErrUserNotFound
	}
	if err != nil {
		return "", s.storeErr("mint impersonation token", err)
	}
	sess, err := s.mintAccess(target, AudienceAuth, &admin.User)
	if err != nil {
		return "", err
	}
	s.event(ctx, slog.LevelInfo, "impersonate", meta, userAttr(target.ID), slog.String("admin_id", admin.User.ID.String()))
	if h := s.hooks.OnImpersonationTokenMinted; h != nil {
		s.afterHook(ctx, "OnImpersonationTokenMinted", h(ctx, admin.User, target, meta))
	}
	return sess.AccessToken, nil
}
