package bunstore

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"github.com/zincware/zndraw-auth-go/core"
)

// One address rule on every store.
//
// Emails are unique by core.EmailKey: Unicode case-insensitive and blind to
// NFC/NFD spelling. Neither database can compute that key (SQLite's lower()
// folds ASCII only, PostgreSQL's follows the server's locale), so the store
// computes it in Go and keeps it in the column "user".email_key, under the
// unique index ux_user_email_key; every lookup by email compares keys.
//
// zndraw-auth, which may write the same table, knows nothing of the column:
//
//   - A row it inserts has email_key NULL. Lookups also match such rows by
//     zndraw-auth's own rule (lower(email) = lower(?)), and before the store
//     writes an email (CreateUser, UpdateUser with an email) it keys every
//     row that has none (adoptEmailKeys), so the unique index sees them. A
//     row whose key is already taken (zndraw-auth registered a lookalike of
//     an existing address) stays unkeyed and reachable by zndraw-auth's rule.
//   - When it changes an email, the trigger zndraw_auth_user_email_key_stale
//     clears the key (a write that changes email without changing
//     email_key), so no stale key stays behind; the row is then keyed again
//     like a new one. The store's own email changes set the key in the same
//     transaction.
//   - The unique index ux_user_email_lower (migration 3), which zndraw-auth's
//     case-insensitive lookups rely on, stays; the key joins at least what
//     it joins, so it never refuses what keys tell apart.

// emailKeyColumn (migration 8) adds "user".email_key, keys every user, and
// creates ux_user_email_key, the partial index of unkeyed rows and the
// trigger that clears a key when someone else changes the email. Users
// whose emails share a key (case variants beyond ASCII, or one address
// spelled in NFC and NFD) cannot all keep working: Migrate then fails with
// ErrCaseVariantEmails naming them, and changes nothing.
func emailKeyColumn(pg bool) func(ctx context.Context, db bun.IDB) error {
	return func(ctx context.Context, db bun.IDB) error {
		if pg {
			if err := execAll(ctx, db, `ALTER TABLE "user" ADD COLUMN IF NOT EXISTS email_key VARCHAR(320)`); err != nil {
				return err
			}
		} else {
			var n int
			if err := db.QueryRowContext(ctx,
				`SELECT count(*) FROM pragma_table_info('user') WHERE name = 'email_key'`).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				if err := execAll(ctx, db, `ALTER TABLE "user" ADD COLUMN email_key VARCHAR(320)`); err != nil {
					return err
				}
			}
		}
		rows, err := unkeyedUsers(ctx, db)
		if err != nil {
			return err
		}
		byKey := map[string][]string{}
		for _, r := range rows {
			// Quoted with escapes: NFC and NFD spellings look alike.
			byKey[r.key] = append(byKey[r.key], strconv.QuoteToASCII(r.email))
		}
		var dups []string
		for _, emails := range byKey {
			if len(emails) > 1 {
				sort.Strings(emails)
				dups = append(dups, strings.Join(emails, " = "))
			}
		}
		if len(dups) > 0 {
			sort.Strings(dups)
			shown := dups
			if len(shown) > 5 {
				shown = shown[:5]
			}
			return fmt.Errorf("%w: %d address(es) belong to more than one user once case and Unicode spelling are ignored: %s; rename or merge those accounts, then run Migrate again (nothing was changed)",
				ErrCaseVariantEmails, len(dups), strings.Join(shown, ", "))
		}
		for _, r := range rows {
			if _, err := db.ExecContext(ctx, `UPDATE "user" SET email_key = ? WHERE id = ?`, r.key, r.id); err != nil {
				return err
			}
		}
		err = execAll(ctx, db,
			`CREATE UNIQUE INDEX IF NOT EXISTS ux_user_email_key ON "user" (email_key)`,
			`CREATE INDEX IF NOT EXISTS ix_user_email_key_missing ON "user" (id) WHERE email_key IS NULL`,
		)
		if err != nil {
			return err
		}
		if pg {
			return execAll(ctx, db,
				`CREATE OR REPLACE FUNCTION zndraw_auth_user_email_key_stale() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN
					IF NEW.email IS DISTINCT FROM OLD.email AND NEW.email_key IS NOT DISTINCT FROM OLD.email_key THEN
						NEW.email_key := NULL;
					END IF;
					RETURN NEW;
				END
				$$`,
				`DROP TRIGGER IF EXISTS zndraw_auth_user_email_key_stale ON "user"`,
				`CREATE TRIGGER zndraw_auth_user_email_key_stale BEFORE UPDATE OF email ON "user"
				FOR EACH ROW EXECUTE FUNCTION zndraw_auth_user_email_key_stale()`,
			)
		}
		return execAll(ctx, db,
			`CREATE TRIGGER IF NOT EXISTS zndraw_auth_user_email_key_stale AFTER UPDATE OF email ON "user"
			FOR EACH ROW WHEN NEW.email IS NOT OLD.email AND NEW.email_key IS OLD.email_key
			BEGIN
				UPDATE "user" SET email_key = NULL WHERE id = NEW.id;
			END`,
		)
	}
}

// unkeyedUser is a row without email_key, with the key it should have.
type unkeyedUser struct {
	id, email, key string
}

// unkeyedUsers reads the users without email_key (right after the column
// was added: every user), in a stable order.
func unkeyedUsers(ctx context.Context, db bun.IDB) ([]unkeyedUser, error) {
	rows, err := db.QueryContext(ctx, `SELECT id, email FROM "user" WHERE email_key IS NULL ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []unkeyedUser
	for rows.Next() {
		var u unkeyedUser
		if err := rows.Scan(&u.id, &u.email); err != nil {
			return nil, err
		}
		u.key = core.EmailKey(u.email)
		out = append(out, u)
	}
	return out, rows.Err()
}

// adoptEmailKeys keys the users written without email_key (by zndraw-auth)
// so that the unique index sees them before the store writes an email. A
// row whose key another user already has is left unkeyed. Each row is keyed
// in a transaction (a savepoint inside the caller's) of its own, so a
// concurrent adopter's unique violation never aborts anything else.
func (s *Store) adoptEmailKeys(ctx context.Context) error {
	rows, err := unkeyedUsers(ctx, s.db)
	if err != nil || len(rows) == 0 {
		return err
	}
	for _, r := range rows {
		err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE "user" SET email_key = ?
				WHERE id = ? AND email = ? AND email_key IS NULL
				AND NOT EXISTS (SELECT 1 FROM "user" WHERE email_key = ?)`, r.key, r.id, r.email, r.key)
			return err
		})
		if err != nil && !isUniqueViolation(err) {
			return err
		}
	}
	return nil
}
