package main

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/zincware/zndraw-auth-go/core"
	bunstore "github.com/zincware/zndraw-auth-go/storage/bun"
)

// Store is a core.Store written outside the kit, the way a host plugs in
// its own storage:
//
//   - users (core.UserStore) live in the host's accounts table, with the
//     host's column names (users.go);
//   - CLI login challenges (core.ChallengeStore) live in
//     account_login_challenge, next to accounts, because a challenge
//     references the user who approved it (challenges.go);
//   - revoked tokens and rate-limit counters reference nothing, so they are
//     delegated to the kit's bun store on the same database: the embedded
//     interfaces promote its methods.
//
// It is written with database/sql on SQLite.
type Store struct {
	db *sql.DB

	core.RevocationStore
	core.RateLimitStore
}

var _ core.Store = (*Store)(nil)

// NewStore returns the store on db, a SQLite database opened with
// bunstore.Open and brought up to date with Migrate.
func NewStore(db *bun.DB) (*Store, error) {
	if name := db.Dialect().Name(); name != dialect.SQLite {
		return nil, fmt.Errorf("customstore: this example is written for SQLite, not %s", name)
	}
	kit := bunstore.New(db)
	return &Store{db: db.DB, RevocationStore: kit, RateLimitStore: kit}, nil
}

// Open opens the SQLite database at rawURL (sqlite://... as bunstore.Open
// takes it, which also turns foreign keys on), migrates it and returns it
// with the store on it. Close the *bun.DB when done.
func Open(ctx context.Context, rawURL string) (*bun.DB, *Store, error) {
	db, err := bunstore.Open(ctx, rawURL)
	if err != nil {
		return nil, nil, err
	}
	st, err := NewStore(db)
	if err == nil {
		err = Migrate(ctx, db)
	}
	if err != nil {
		_ = db.Close()
		return nil, nil, err
	}
	return db, st, nil
}

// Migrate brings the schema up to date: the kit's tables (bunstore.Migrate:
// the revoked-token and rate-counter tables this store delegates to; its
// "user" and cliloginchallenge tables are created too and stay empty), then
// the host's accounts table and the challenge table.
//
// accounts stands for a table the host application already has. What the
// kit needs from it:
//   - account_id: the user's UUID, as lowercase hyphenated text;
//   - login_email_key, the address's core.EmailKey, with a unique index,
//     so that emails are unique regardless of case and Unicode spelling,
//     as core.UserStore requires (SQLite's lower() folds ASCII only), and
//     so that of two racing registrations exactly one wins. The store
//     writes it with every email; Migrate adds and fills it for an
//     accounts table that lacks it;
//   - token_version, added here when missing (an additive column with a
//     default, like the kit's own migration of "user").
//
// Other columns (display_name here) are the host's business; they need a
// default, since the kit's inserts do not name them.
func Migrate(ctx context.Context, db *bun.DB) error {
	if err := bunstore.Migrate(ctx, db); err != nil {
		return err
	}
	stmts := []string{
		`CREATE TABLE IF NOT EXISTS accounts (
			account_id TEXT NOT NULL PRIMARY KEY,
			login_email TEXT NOT NULL,
			pw_hash TEXT NOT NULL,
			active BOOLEAN NOT NULL DEFAULT 1,
			admin BOOLEAN NOT NULL DEFAULT 0,
			email_confirmed BOOLEAN NOT NULL DEFAULT 0,
			display_name TEXT NOT NULL DEFAULT ''
		)`,
		// Approver ids reference accounts: deleting an account keeps the
		// challenges it approved, with a NULL approver.
		`CREATE TABLE IF NOT EXISTS account_login_challenge (
			id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
			code TEXT NOT NULL UNIQUE,
			secret_hash TEXT,
			status TEXT NOT NULL,
			approver_id TEXT REFERENCES accounts (account_id) ON DELETE SET NULL,
			created_at INTEGER NOT NULL,
			expires_at INTEGER NOT NULL,
			client_ip TEXT,
			user_agent TEXT,
			last_polled_at INTEGER
		)`,
		`CREATE INDEX IF NOT EXISTS ix_account_login_challenge_expires_at ON account_login_challenge (expires_at)`,
		`CREATE INDEX IF NOT EXISTS ix_account_login_challenge_approver_id ON account_login_challenge (approver_id)`,
	}
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, q := range stmts {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("customstore: migrate: %w", err)
			}
		}
		var n int
		if err := tx.QueryRowContext(ctx,
			`SELECT count(*) FROM pragma_table_info('accounts') WHERE name = 'token_version'`).Scan(&n); err != nil {
			return fmt.Errorf("customstore: migrate: %w", err)
		}
		if n == 0 {
			if _, err := tx.ExecContext(ctx, `ALTER TABLE accounts ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0`); err != nil {
				return fmt.Errorf("customstore: migrate: add token_version: %w", err)
			}
		}
		return addEmailKey(ctx, tx)
	})
}

// addEmailKey adds login_email_key when the accounts table lacks it, fills
// it with core.EmailKey of every address, and puts the unique index on it
// (which fails, changing nothing, if two accounts share a key).
func addEmailKey(ctx context.Context, tx bun.Tx) error {
	var n int
	if err := tx.QueryRowContext(ctx,
		`SELECT count(*) FROM pragma_table_info('accounts') WHERE name = 'login_email_key'`).Scan(&n); err != nil {
		return fmt.Errorf("customstore: migrate: %w", err)
	}
	if n == 0 {
		if _, err := tx.ExecContext(ctx, `ALTER TABLE accounts ADD COLUMN login_email_key TEXT`); err != nil {
			return fmt.Errorf("customstore: migrate: add login_email_key: %w", err)
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT account_id, login_email FROM accounts WHERE login_email_key IS NULL`)
	if err != nil {
		return fmt.Errorf("customstore: migrate: %w", err)
	}
	keys := map[string]string{}
	for rows.Next() {
		var id, email string
		if err := rows.Scan(&id, &email); err != nil {
			_ = rows.Close()
			return fmt.Errorf("customstore: migrate: %w", err)
		}
		keys[id] = core.EmailKey(email)
	}
	_ = rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("customstore: migrate: %w", err)
	}
	for id, key := range keys {
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET login_email_key = ? WHERE account_id = ?`, key, id); err != nil {
			return fmt.Errorf("customstore: migrate: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx,
		`CREATE UNIQUE INDEX IF NOT EXISTS ux_accounts_login_email_key ON accounts (login_email_key)`); err != nil {
		return fmt.Errorf("customstore: migrate: emails that share a key: %w", err)
	}
	return nil
}
