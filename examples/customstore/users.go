package main

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/google/uuid"

	"github.com/zincware/zndraw-auth-go/core"
)

// accountColumns maps core.User onto the host's accounts table, in the
// order scanAccount reads them: ID, Email, HashedPassword, IsActive,
// IsSuperuser, IsVerified, TokenVersion.
const accountColumns = `account_id, login_email, pw_hash, active, admin, email_confirmed, token_version`

// scanAccount reads one row of accountColumns.
func scanAccount(row *sql.Row) (core.User, error) {
	var u core.User
	err := row.Scan(&u.ID, &u.Email, &u.HashedPassword, &u.IsActive, &u.IsSuperuser, &u.IsVerified, &u.TokenVersion)
	if err != nil {
		return core.User{}, mapErr(err)
	}
	return u, nil
}

// GetUser implements core.UserStore.
func (s *Store) GetUser(ctx context.Context, id uuid.UUID) (core.User, error) {
	return scanAccount(s.db.QueryRowContext(ctx,
		`SELECT `+accountColumns+` FROM accounts WHERE account_id = ?`, id.String()))
}

// GetUserByEmail implements core.UserStore: by core.EmailKey, the value
// the login_email_key column holds and the unique index is on.
func (s *Store) GetUserByEmail(ctx context.Context, email string) (core.User, error) {
	return scanAccount(s.db.QueryRowContext(ctx,
		`SELECT `+accountColumns+` FROM accounts WHERE login_email_key = ?`, core.EmailKey(email)))
}

// CreateUser implements core.UserStore. The unique index on
// login_email_key decides between racing registrations: the loser gets a
// unique violation, which mapErr turns into core.ErrAlreadyExists.
func (s *Store) CreateUser(ctx context.Context, u core.User) (core.User, error) {
	return scanAccount(s.db.QueryRowContext(ctx,
		`INSERT INTO accounts (`+accountColumns+`, login_email_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING `+accountColumns,
		u.ID.String(), u.Email, u.HashedPassword, u.IsActive, u.IsSuperuser, u.IsVerified, u.TokenVersion, core.EmailKey(u.Email)))
}

// UpdateUser implements core.UserStore with one conditional statement:
//
//	UPDATE accounts SET ... [, token_version = token_version + 1]
//	WHERE account_id = ? [AND pw_hash = ?] [AND email_confirmed = ?] RETURNING ...
//
// so the preconditions and the write are atomic, and the token version is
// incremented by the database, never read and written back. When no row
// matched, a second read only decides between core.ErrNotFound and
// core.ErrConflict.
func (s *Store) UpdateUser(ctx context.Context, id uuid.UUID, p core.UserPatch) (core.User, error) {
	var sets, where []string
	var args []any
	set := func(col string, v any) {
		sets = append(sets, col+" = ?")
		args = append(args, v)
	}
	if p.Email != nil {
		set("login_email", *p.Email)
		set("login_email_key", core.EmailKey(*p.Email))
	}
	if p.HashedPassword != nil {
		set("pw_hash", *p.HashedPassword)
	}
	if p.IsActive != nil {
		set("active", *p.IsActive)
	}
	if p.IsSuperuser != nil {
		set("admin", *p.IsSuperuser)
	}
	if p.IsVerified != nil {
		set("email_confirmed", *p.IsVerified)
	}
	if p.BumpTokenVersion {
		sets = append(sets, "token_version = token_version + 1")
	}
	if len(sets) == 0 {
		// Still one conditional statement that checks the row and returns it.
		sets = append(sets, "account_id = account_id")
	}
	where = append(where, "account_id = ?")
	args = append(args, id.String())
	if p.ExpectHashedPassword != nil {
		where = append(where, "pw_hash = ?")
		args = append(args, *p.ExpectHashedPassword)
	}
	if p.ExpectIsVerified != nil {
		where = append(where, "email_confirmed = ?")
		args = append(args, *p.ExpectIsVerified)
	}
	u, err := scanAccount(s.db.QueryRowContext(ctx,
		`UPDATE accounts SET `+strings.Join(sets, ", ")+` WHERE `+strings.Join(where, " AND ")+` RETURNING `+accountColumns,
		args...))
	if errors.Is(err, core.ErrNotFound) {
		if _, getErr := s.GetUser(ctx, id); getErr == nil {
			return core.User{}, core.ErrConflict
		}
	}
	return u, err
}

// DeleteUser implements core.UserStore. The challenges the user approved
// keep their rows with a NULL approver: the foreign key does that (ON
// DELETE SET NULL), and the store also clears them itself in the same
// transaction, so it holds on a connection without PRAGMA foreign_keys.
func (s *Store) DeleteUser(ctx context.Context, id uuid.UUID) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx,
		`UPDATE account_login_challenge SET approver_id = NULL WHERE approver_id = ?`, id.String()); err != nil {
		return mapErr(err)
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM accounts WHERE account_id = ?`, id.String())
	if err != nil {
		return mapErr(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return mapErr(err)
	} else if n == 0 {
		return core.ErrNotFound
	}
	return mapErr(tx.Commit())
}
