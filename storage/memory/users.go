package memstore

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/zincware/zndraw-auth-go/core"
)

// GetUser returns the user with id, or core.ErrNotFound.
func (s *Store) GetUser(ctx context.Context, id uuid.UUID) (core.User, error) {
	if err := ctxErr(ctx); err != nil {
		return core.User{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	u, ok := s.users[id]
	if !ok {
		return core.User{}, fmt.Errorf("memstore: user %s: %w", id, core.ErrNotFound)
	}
	return u, nil
}

// GetUserByEmail returns the user whose email has the core.EmailKey of
// email, or core.ErrNotFound.
func (s *Store) GetUserByEmail(ctx context.Context, email string) (core.User, error) {
	if err := ctxErr(ctx); err != nil {
		return core.User{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := s.emails[core.EmailKey(email)]
	if !ok {
		return core.User{}, fmt.Errorf("memstore: user by email: %w", core.ErrNotFound)
	}
	return s.users[id], nil
}

// CreateUser stores u as given and returns it. core.ErrAlreadyExists if
// another user's email has the same core.EmailKey, or the same ID.
func (s *Store) CreateUser(ctx context.Context, u core.User) (core.User, error) {
	if err := ctxErr(ctx); err != nil {
		return core.User{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := core.EmailKey(u.Email)
	if _, taken := s.emails[key]; taken {
		return core.User{}, fmt.Errorf("memstore: create user: email: %w", core.ErrAlreadyExists)
	}
	if _, taken := s.users[u.ID]; taken {
		return core.User{}, fmt.Errorf("memstore: create user: id %s: %w", u.ID, core.ErrAlreadyExists)
	}
	s.users[u.ID] = u
	s.emails[key] = u.ID
	return u, nil
}

// UpdateUser applies p to the user id atomically and returns the updated
// user. core.ErrNotFound if there is no such user, core.ErrConflict if an
// Expect* precondition does not hold, core.ErrAlreadyExists if the new
// email belongs to another user; in those cases nothing is changed.
func (s *Store) UpdateUser(ctx context.Context, id uuid.UUID, p core.UserPatch) (core.User, error) {
	if err := ctxErr(ctx); err != nil {
		return core.User{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if !ok {
		return core.User{}, fmt.Errorf("memstore: update user %s: %w", id, core.ErrNotFound)
	}
	if p.ExpectHashedPassword != nil && *p.ExpectHashedPassword != u.HashedPassword {
		return core.User{}, fmt.Errorf("memstore: update user %s: hashed password changed: %w", id, core.ErrConflict)
	}
	if p.ExpectIsVerified != nil && *p.ExpectIsVerified != u.IsVerified {
		return core.User{}, fmt.Errorf("memstore: update user %s: is_verified changed: %w", id, core.ErrConflict)
	}
	oldKey := core.EmailKey(u.Email)
	newKey := oldKey
	if p.Email != nil {
		newKey = core.EmailKey(*p.Email)
		if owner, taken := s.emails[newKey]; taken && owner != id {
			return core.User{}, fmt.Errorf("memstore: update user %s: email: %w", id, core.ErrAlreadyExists)
		}
		u.Email = *p.Email
	}
	if p.HashedPassword != nil {
		u.HashedPassword = *p.HashedPassword
	}
	if p.IsActive != nil {
		u.IsActive = *p.IsActive
	}
	if p.IsSuperuser != nil {
		u.IsSuperuser = *p.IsSuperuser
	}
	if p.IsVerified != nil {
		u.IsVerified = *p.IsVerified
	}
	if p.BumpTokenVersion {
		u.TokenVersion++
	}
	if newKey != oldKey {
		delete(s.emails, oldKey)
		s.emails[newKey] = id
	}
	s.users[id] = u
	s.userChanged(id)
	return u, nil
}

// DeleteUser deletes the user id, or returns core.ErrNotFound. Challenges
// the user approved keep their entry with UserID set to nil.
func (s *Store) DeleteUser(ctx context.Context, id uuid.UUID) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if !ok {
		return fmt.Errorf("memstore: delete user %s: %w", id, core.ErrNotFound)
	}
	delete(s.emails, core.EmailKey(u.Email))
	delete(s.users, id)
	s.userChanged(id)
	for code, c := range s.challenges {
		if c.UserID != nil && *c.UserID == id {
			c.UserID = nil
			s.challenges[code] = c
		}
	}
	return nil
}
