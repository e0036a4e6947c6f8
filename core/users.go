package core

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/google/uuid"
)

// GetUser returns the user with id, or ErrUserNotFound.
func (s *Service) GetUser(ctx context.Context, id uuid.UUID) (User, error) {
	u, err := s.store.GetUser(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return User{}, ErrUserNotFound
	}
	if err != nil {
		return User{}, s.storeErr("get user", err)
	}
	return u, nil
}

// UpdateSelf is a user updating their own account (PATCH /users/me,
// fastapi-users' update with safe=True): only upd's Password and Email are
// honoured, the flags are ignored. p is the caller, and meta gets it as its
// actor (RequestMeta.WithActor). An impersonation token cannot change the
// credentials of the account it stands for: a password or an email in upd
// is then ErrForbidden, checked before anything else. Otherwise it is
// UpdateUser.
//
// Each answer to an email change tells whether the address belongs to
// someone else, so email changes are limited per user
// (RateLimit.EmailChangesPerUserPerHour) and per client IP
// (RateLimit.EmailChangesPerIPPerHour).
func (s *Service) UpdateSelf(ctx context.Context, p *Principal, upd UserUpdate, meta RequestMeta) (User, error) {
	meta = actingMeta(ctx, meta, p)
	if meta.Impersonated() && (upd.Password != nil || upd.Email != nil) {
		return User{}, ErrForbidden
	}
	if upd.Email != nil && *upd.Email != p.User.Email {
		rl := s.settings.RateLimit
		if err := s.limit(ctx, "email:user:"+p.User.ID.String(), time.Hour, rl.EmailChangesPerUserPerHour, meta); err != nil {
			return User{}, err
		}
		if err := s.limitIP(ctx, "email", meta, time.Hour, rl.EmailChangesPerIPPerHour); err != nil {
			return User{}, err
		}
	}
	return s.updateUser(ctx, p.User, UserUpdate{Password: upd.Password, Email: upd.Email}, meta)
}

// UpdateUser applies upd to user with every field honoured, as a superuser
// may (PATCH /users/{id}; fastapi-users' update + _update with
// safe=False). Fields are applied in the order password, email, is_active,
// is_superuser, is_verified:
//   - a password is checked by the policy (UPDATE_USER_INVALID_PASSWORD),
//     hashed, and revokes every earlier token of the user;
//   - an email that differs (case-sensitively) from the current one is
//     normalised, must not belong to another user
//     (UPDATE_USER_EMAIL_ALREADY_EXISTS; changing only the case of one's own
//     address is allowed, unlike the reference), and resets is_verified
//     unless is_verified is also set;
//   - deactivating a user revokes every earlier token of theirs, and so
//     does demoting a superuser (which also ends, for good, the
//     impersonation tokens they minted).
//
// Everything is written in one conditional write, then OnAfterUpdate fires
// with upd as honoured. meta should name the acting admin
// (RequestMeta.WithActor); without an actor, the principal the adapters'
// middleware stored in ctx is taken. UpdateUser is a superuser's operation,
// which an impersonation token never has: a request made with one is
// ErrForbidden.
func (s *Service) UpdateUser(ctx context.Context, user User, upd UserUpdate, meta RequestMeta) (User, error) {
	meta = actingMeta(ctx, meta, nil)
	if meta.Impersonated() {
		return User{}, ErrForbidden
	}
	return s.updateUser(ctx, user, upd, meta)
}

// updateUser is UpdateUser with upd already limited to what the caller may
// change.
func (s *Service) updateUser(ctx context.Context, user User, upd UserUpdate, meta RequestMeta) (User, error) {
	var p UserPatch
	if upd.Password != nil {
		if err := s.checkPassword(ctx, CodeUpdateUserInvalidPassword, *upd.Password, user.Email); err != nil {
			return User{}, err
		}
		hash, err := s.hasher.Hash(ctx, *upd.Password)
		if err != nil {
			return User{}, err
		}
		p.HashedPassword = &hash
		p.BumpTokenVersion = true
	}
	if upd.Email != nil && *upd.Email != user.Email {
		email, err := normalizeEmail(*upd.Email)
		if err != nil {
			return User{}, err
		}
		other, err := s.store.GetUserByEmail(ctx, email)
		switch {
		case err == nil && other.ID != user.ID:
			return User{}, ErrEmailAlreadyExists
		case err != nil && !errors.Is(err, ErrNotFound):
			return User{}, s.storeErr("update user", err)
		}
		if email != user.Email {
			f := false
			p.Email = &email
			p.IsVerified = &f
		}
	}
	if upd.IsActive != nil {
		p.IsActive = upd.IsActive
		if !*upd.IsActive && user.IsActive {
			p.BumpTokenVersion = true
		}
	}
	if upd.IsSuperuser != nil {
		p.IsSuperuser = upd.IsSuperuser
		if !*upd.IsSuperuser && user.IsSuperuser {
			// A demotion ends the admin's sessions and, for good, the
			// impersonation tokens they minted.
			p.BumpTokenVersion = true
		}
	}
	if upd.IsVerified != nil {
		p.IsVerified = upd.IsVerified
	}
	updated, err := s.store.UpdateUser(ctx, user.ID, p)
	switch {
	case errors.Is(err, ErrAlreadyExists):
		return User{}, ErrEmailAlreadyExists
	case errors.Is(err, ErrNotFound):
		return User{}, ErrUserNotFound
	case err != nil:
		return User{}, s.storeErr("update user", err)
	}
	s.event(ctx, slog.LevelInfo, "update", meta, userAttr(updated.ID),
		slog.Bool("password_changed", upd.Password != nil), slog.Bool("email_changed", p.Email != nil),
		slog.Bool("is_active", updated.IsActive), slog.Bool("is_superuser", updated.IsSuperuser), slog.Bool("is_verified", updated.IsVerified))
	if h := s.hooks.OnAfterUpdate; h != nil {
		s.afterHook(ctx, "OnAfterUpdate", h(ctx, updated, upd, meta))
	}
	return updated, nil
}

// DeleteUser deletes user: OnBeforeDelete (which can veto), the delete, then
// OnAfterDelete. The user's tokens stop working with the row. Challenges the
// user approved are kept with their approver cleared. meta should name the
// acting admin (RequestMeta.WithActor); without an actor, the principal the
// adapters' middleware stored in ctx is taken. A request made with an
// impersonation token cannot delete an account: ErrForbidden, before any
// hook runs.
func (s *Service) DeleteUser(ctx context.Context, user User, meta RequestMeta) error {
	meta = actingMeta(ctx, meta, nil)
	if meta.Impersonated() {
		return ErrForbidden
	}
	if h := s.hooks.OnBeforeDelete; h != nil {
		if err := h(ctx, user, meta); err != nil {
			return err
		}
	}
	err := s.store.DeleteUser(ctx, user.ID)
	if errors.Is(err, ErrNotFound) {
		return ErrUserNotFound
	}
	if err != nil {
		return s.storeErr("delete user", err)
	}
	s.event(ctx, slog.LevelInfo, "delete", meta, userAttr(user.ID))
	if h := s.hooks.OnAfterDelete; h != nil {
		s.afterHook(ctx, "OnAfterDelete", h(ctx, user, meta))
	}
	return nil
}
