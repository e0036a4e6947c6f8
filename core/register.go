package core

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
)

// Register creates a user from the public registration route (fastapi-users'
// create with safe=True): the flags in in are ignored, so the user is active,
// unverified, and a superuser only in dev mode (see Settings.IsDevMode). Order:
// email validation, password policy (REGISTER_INVALID_PASSWORD), duplicate
// check (REGISTER_USER_ALREADY_EXISTS, case-insensitive and race-free),
// hashing, insert, then OnAfterRegister.
func (s *Service) Register(ctx context.Context, in UserCreate, meta RequestMeta) (User, error) {
	if err := s.limitIP(ctx, "register", meta, time.Hour, s.settings.RateLimit.RegisterPerIPPerHour); err != nil {
		return User{}, err
	}
	return s.create(ctx, in, true, meta)
}

// CreateUser creates a user honouring the flags of in (fastapi-users'
// create with safe=False), for host code such as seeding or admin tooling.
// It fires OnAfterRegister like Register.
func (s *Service) CreateUser(ctx context.Context, in UserCreate, meta RequestMeta) (User, error) {
	return s.create(ctx, in, false, meta)
}

func (s *Service) create(ctx context.Context, in UserCreate, safe bool, meta RequestMeta) (User, error) {
	email, err := normalizeEmail(in.Email)
	if err != nil {
		return User{}, err
	}
	if err := s.checkPassword(ctx, CodeRegisterInvalidPassword, in.Password, email); err != nil {
		return User{}, err
	}
	if _, err := s.store.GetUserByEmail(ctx, email); err == nil {
		return User{}, ErrUserAlreadyExists
	} else if !errors.Is(err, ErrNotFound) {
		return User{}, s.storeErr("register", err)
	}
	hash, err := s.hasher.Hash(ctx, in.Password)
	if err != nil {
		return User{}, err
	}
	u := User{ID: uuid.New(), Email: email, HashedPassword: hash, IsActive: true}
	if !safe {
		u.IsActive = deref(in.IsActive, true)
		u.IsSuperuser = deref(in.IsSuperuser, false)
		u.IsVerified = deref(in.IsVerified, false)
	}
	if safe && s.IsDevMode() {
		// zndraw-auth promotes in on_after_register; doing it in the insert
		// gives the same 201 body without a second write.
		u.IsSuperuser = true
	}
	created, err := s.store.CreateUser(ctx, u)
	if errors.Is(err, ErrAlreadyExists) {
		return User{}, ErrUserAlreadyExists
	}
	if err != nil {
		return User{}, s.storeErr("register", err)
	}
	s.event(ctx, slog.LevelInfo, "register", meta, userAttr(created.ID), slog.Bool("is_superuser", created.IsSuperuser),
		slog.Bool("self_registered", safe))
	if h := s.hooks.OnAfterRegister; h != nil {
		s.afterHook(ctx, "OnAfterRegister", h(ctx, created, meta))
	}
	return created, nil
}

func deref(p *bool, def bool) bool {
	if p == nil {
		return def
	}
	return *p
}

// EnsureDefaultAdmin creates or promotes the configured default admin
// (production mode, see Settings.IsDevMode); it is idempotent and meant to
// run at startup. In dev mode it does nothing. Unlike the reference it
// looks the admin up case-insensitively, so it never creates a case-variant
// duplicate of a registered user. An existing admin's password is never
// changed, so an instance started after the admin exists needs no
// DefaultAdminPassword. Without one, when no account of that email exists,
// it returns an error instead of running a production server where nobody
// can ever be a superuser (the reference only logs a warning).
func (s *Service) EnsureDefaultAdmin(ctx context.Context) error {
	if s.IsDevMode() {
		s.log.InfoContext(ctx, "zndraw-auth: dev mode, no default admin configured")
		return nil
	}
	email, err := normalizeEmail(s.settings.DefaultAdminEmail)
	if err != nil {
		return err
	}
	existing, err := s.store.GetUserByEmail(ctx, email)
	switch {
	case err == nil && existing.IsSuperuser:
		return nil
	case err == nil:
		t := true
		if _, err := s.store.UpdateUser(ctx, existing.ID, UserPatch{IsSuperuser: &t}); err != nil {
			return s.storeErr("ensure default admin", err)
		}
		s.event(ctx, slog.LevelInfo, "default_admin", RequestMeta{}, userAttr(existing.ID), slog.String("action", "promoted"))
		return nil
	case !errors.Is(err, ErrNotFound):
		return s.storeErr("ensure default admin", err)
	}
	if s.settings.DefaultAdminPassword == "" {
		return fmt.Errorf("zndraw-auth: ZNDRAW_AUTH_DEFAULT_ADMIN_EMAIL is %s (production mode) but no such account exists "+
			"and ZNDRAW_AUTH_DEFAULT_ADMIN_PASSWORD is not set: set the password to create the admin, or unset the email for dev mode", email)
	}
	hash, err := s.hasher.Hash(ctx, s.settings.DefaultAdminPassword)
	if err != nil {
		return err
	}
	u := User{ID: uuid.New(), Email: email, HashedPassword: hash, IsActive: true, IsSuperuser: true, IsVerified: true}
	created, err := s.store.CreateUser(ctx, u)
	if errors.Is(err, ErrAlreadyExists) {
		// Another instance created it at the same moment.
		return nil
	}
	if err != nil {
		return s.storeErr("ensure default admin", err)
	}
	s.event(ctx, slog.LevelInfo, "default_admin", RequestMeta{}, userAttr(created.ID), slog.String("action", "created"))
	return nil
}
