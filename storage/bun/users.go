package bunstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
	"golang.org/x/text/unicode/norm"

	"github.com/zincware/zndraw-auth-go/core"
)

// userColumns are the columns scanUser reads, in its order.
const userColumns = `id, email, hashed_password, is_active, is_superuser, is_verified, token_version`

// scanUser reads one row of userColumns. The id is parsed with uuid.Parse
// semantics, so both the hyphenated and the 32-hex spelling are accepted.
func scanUser(row interface{ Scan(...any) error }) (core.User, error) {
	var u core.User
	err := row.Scan(&u.ID, &u.Email, &u.HashedPassword, &u.IsActive, &u.IsSuperuser, &u.IsVerified, &u.TokenVersion)
	return u, err
}

// idCond is the SQL condition matching user id, with its arguments. On
// SQLite, where user.id is text, it matches the hyphenated spelling
// zndraw-auth writes and also the 32-hex one, so rows written by other tools
// in that spelling are found too; on PostgreSQL id is a uuid.
func (s *Store) idCond(id uuid.UUID) (string, []any) {
	if s.pg {
		return "id = ?", []any{id.String()}
	}
	return "id IN (?, ?)", []any{id.String(), hex32(id)}
}

// GetUser returns the user with id, or core.ErrNotFound.
func (s *Store) GetUser(ctx context.Context, id uuid.UUID) (core.User, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	cond, args := s.idCond(id)
	u, err := scanUser(s.db.QueryRowContext(ctx,
		`SELECT `+userColumns+` FROM "user" WHERE `+cond, args...))
	return u, mapErr(err)
}

// GetUserByEmail returns the user whose email has the core.EmailKey of
// email (column email_key); failing that, a user written by zndraw-auth and
// not keyed yet whose email equals it by zndraw-auth's rule, lower(email) =
// lower(?). core.ErrNotFound when there is neither. The first query is the
// only one for every address the kit wrote.
func (s *Store) GetUserByEmail(ctx context.Context, email string) (core.User, error) {
	if hasNUL(email) {
		return core.User{}, core.ErrNotFound
	}
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	u, err := scanUser(s.db.QueryRowContext(ctx,
		`SELECT `+userColumns+` FROM "user" WHERE email_key = ?`, core.EmailKey(email)))
	if errors.Is(err, sql.ErrNoRows) {
		u, err = scanUser(s.db.QueryRowContext(ctx,
			`SELECT `+userColumns+` FROM "user" WHERE email_key IS NULL AND lower(email) = lower(?) LIMIT 1`,
			norm.NFC.String(email)))
	}
	return u, mapErr(err)
}

// CreateUser inserts u as given, with its email_key, and returns the stored
// row. core.ErrAlreadyExists if the id or the email's key is taken; the
// unique indexes decide, so of two racing calls exactly one wins. Users
// zndraw-auth wrote without a key are keyed first (see "Sharing the table
// with zndraw-auth" in the package documentation).
func (s *Store) CreateUser(ctx context.Context, u core.User) (core.User, error) {
	if hasNUL(u.Email, u.HashedPassword) {
		return core.User{}, errors.New("bunstore: CreateUser: email or hash contains a NUL byte")
	}
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	if err := s.adoptEmailKeys(ctx); err != nil {
		return core.User{}, mapErr(err)
	}
	got, err := scanUser(s.db.QueryRowContext(ctx,
		`INSERT INTO "user" (`+userColumns+`, email_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING `+userColumns,
		u.ID.String(), u.Email, u.HashedPassword, u.IsActive, u.IsSuperuser, u.IsVerified, u.TokenVersion, core.EmailKey(u.Email)))
	return got, mapErr(err)
}

// UpdateUser applies p in one statement,
//
//	UPDATE "user" SET ... [, token_version = token_version + 1]
//	WHERE id = ? [AND hashed_password = ?] [AND is_verified = ?] RETURNING ...
//
// When no row matched, a second read tells core.ErrNotFound (no such user)
// from core.ErrConflict (a precondition failed; nothing was written). A new
// email whose key another user has gives core.ErrAlreadyExists. An email
// change writes email_key too, in a transaction (a savepoint inside the
// caller's) with a second statement that restores the key when the
// trigger cleared it (a change of spelling only, which keeps the key).
func (s *Store) UpdateUser(ctx context.Context, id uuid.UUID, p core.UserPatch) (core.User, error) {
	var sets []string
	var args []any
	set := func(col string, v any) {
		sets = append(sets, col+" = ?")
		args = append(args, v)
	}
	var key string
	if p.Email != nil {
		key = core.EmailKey(*p.Email)
		set("email", *p.Email)
		set("email_key", key)
	}
	if p.HashedPassword != nil {
		set("hashed_password", *p.HashedPassword)
	}
	if p.IsActive != nil {
		set("is_active", *p.IsActive)
	}
	if p.IsSuperuser != nil {
		set("is_superuser", *p.IsSuperuser)
	}
	if p.IsVerified != nil {
		set("is_verified", *p.IsVerified)
	}
	if p.BumpTokenVersion {
		sets = append(sets, "token_version = token_version + 1")
	}
	if len(sets) == 0 {
		// Still one conditional statement: it checks existence and the
		// preconditions and returns the row.
		sets = append(sets, "is_active = is_active")
	}
	cond, idArgs := s.idCond(id)
	where := []string{cond}
	args = append(args, idArgs...)
	if p.ExpectHashedPassword != nil {
		where = append(where, "hashed_password = ?")
		args = append(args, *p.ExpectHashedPassword)
	}
	if p.ExpectIsVerified != nil {
		where = append(where, "is_verified = ?")
		args = append(args, *p.ExpectIsVerified)
	}
	for _, a := range args {
		if str, ok := a.(string); ok && hasNUL(str) {
			return core.User{}, errors.New("bunstore: UpdateUser: value contains a NUL byte")
		}
	}

	ctx, cancel := s.ctx(ctx)
	defer cancel()
	update := func(ctx context.Context, db bun.IDB) (core.User, error) {
		u, err := scanUser(db.QueryRowContext(ctx,
			`UPDATE "user" SET `+strings.Join(sets, ", ")+` WHERE `+strings.Join(where, " AND ")+` RETURNING `+userColumns,
			args...))
		if errors.Is(err, sql.ErrNoRows) {
			var one int
			err = db.QueryRowContext(ctx, `SELECT 1 FROM "user" WHERE `+cond, idArgs...).Scan(&one)
			if err == nil {
				return core.User{}, core.ErrConflict
			}
		}
		return u, err
	}
	if p.Email == nil {
		u, err := update(ctx, s.db)
		return u, mapErr(err)
	}
	if err := s.adoptEmailKeys(ctx); err != nil {
		return core.User{}, mapErr(err)
	}
	var u core.User
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if u, err = update(ctx, tx); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE "user" SET email_key = ? WHERE `+cond+` AND email_key IS NULL`,
			append([]any{key}, idArgs...)...)
		return err
	})
	if err != nil {
		return core.User{}, mapErr(err)
	}
	return u, nil
}

// DeleteUser deletes the user id, or returns core.ErrNotFound. Challenges the
// user approved keep their row with user_id set to NULL: the foreign key
// does that (ON DELETE SET NULL). On SQLite the store also clears them
// explicitly in the same transaction, matching both UUID spellings, so this
// holds even on a connection without PRAGMA foreign_keys=ON and for rows a
// zndraw-auth instance wrote with its 32-hex spelling.
func (s *Store) DeleteUser(ctx context.Context, id uuid.UUID) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	cond, args := s.idCond(id)
	del := func(ctx context.Context, db bun.IDB) error {
		res, err := db.ExecContext(ctx, `DELETE FROM "user" WHERE `+cond, args...)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			return core.ErrNotFound
		}
		return nil
	}
	if s.pg {
		return mapErr(del(ctx, s.db))
	}
	return mapErr(s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx,
			`UPDATE cliloginchallenge SET user_id = NULL WHERE user_id IN (?, ?)`, id.String(), hex32(id)); err != nil {
			return err
		}
		return del(ctx, tx)
	}))
}

// hex32 is the 32-hex-digit spelling of id (SQLAlchemy's Uuid on SQLite).
func hex32(id uuid.UUID) string {
	return strings.ReplaceAll(id.String(), "-", "")
}
