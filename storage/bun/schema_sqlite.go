package bunstore

import (
	"context"

	"github.com/uptrace/bun"
)

// The SQLite migrations. Types follow what SQLAlchemy/SQLModel emit for
// zndraw-auth (SQLAlchemy's DDL); timestamps are DATETIME text
// "YYYY-MM-DD HH:MM:SS.ffffff" in UTC.

// sqliteReferenceSchema creates zndraw-auth's tables and indexes if they do
// not exist yet (migration 1).
func sqliteReferenceSchema(ctx context.Context, db bun.IDB) error {
	return execAll(ctx, db,
		`CREATE TABLE IF NOT EXISTS "user" (
			id CHAR(36) NOT NULL,
			email VARCHAR(320) NOT NULL,
			hashed_password VARCHAR(1024) NOT NULL,
			is_active BOOLEAN NOT NULL,
			is_superuser BOOLEAN NOT NULL,
			is_verified BOOLEAN NOT NULL,
			PRIMARY KEY (id)
		)`,
		`CREATE UNIQUE INDEX IF NOT EXISTS ix_user_email ON "user" (email)`,
		`CREATE TABLE IF NOT EXISTS cliloginchallenge (
			id INTEGER NOT NULL,
			code VARCHAR NOT NULL,
			secret VARCHAR,
			status VARCHAR NOT NULL,
			token VARCHAR,
			user_id CHAR(32),
			created_at DATETIME NOT NULL,
			expires_at DATETIME NOT NULL,
			PRIMARY KEY (id),
			FOREIGN KEY(user_id) REFERENCES "user" (id)
		)`,
		`CREATE UNIQUE INDEX IF NOT EXISTS ix_cliloginchallenge_code ON cliloginchallenge (code)`,
	)
}

// sqliteTokenVersion adds user.token_version (migration 2).
func sqliteTokenVersion(ctx context.Context, db bun.IDB) error {
	var n int
	if err := db.QueryRowContext(ctx,
		`SELECT count(*) FROM pragma_table_info('user') WHERE name = 'token_version'`).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	return execAll(ctx, db, `ALTER TABLE "user" ADD COLUMN token_version BIGINT NOT NULL DEFAULT 0`)
}

// sqliteChallengeV2 rebuilds cliloginchallenge (migration 4): SQLite cannot
// alter a foreign key, so the table is re-created with user_id REFERENCES
// "user"(id) ON DELETE SET NULL and the new columns client_ip, user_agent
// and last_polled_at, the rows are copied, the old table dropped and the new
// one renamed, all inside the migration transaction. While copying, user_id
// is rewritten to the hyphenated spelling of user.id (zndraw-auth wrote 32
// hex digits, which the foreign key would never match) or to NULL when that
// user no longer exists; plaintext tokens are dropped and plaintext secrets
// hashed (hashLegacySecrets).
func sqliteChallengeV2(ctx context.Context, db bun.IDB) error {
	err := execAll(ctx, db,
		`DROP TABLE IF EXISTS cliloginchallenge_new`,
		`CREATE TABLE cliloginchallenge_new (
			id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
			code VARCHAR NOT NULL,
			secret VARCHAR,
			status VARCHAR NOT NULL,
			token VARCHAR,
			user_id CHAR(36) REFERENCES "user" (id) ON DELETE SET NULL,
			created_at DATETIME NOT NULL,
			expires_at DATETIME NOT NULL,
			client_ip VARCHAR,
			user_agent VARCHAR,
			last_polled_at DATETIME
		)`,
		`INSERT INTO cliloginchallenge_new (id, code, secret, status, token, user_id, created_at, expires_at)
		SELECT c.id, c.code, c.secret, c.status, NULL,
			(SELECT u.id FROM "user" u WHERE u.id = CASE
				WHEN length(c.user_id) = 32 THEN lower(
					substr(c.user_id, 1, 8) || '-' || substr(c.user_id, 9, 4) || '-' ||
					substr(c.user_id, 13, 4) || '-' || substr(c.user_id, 17, 4) || '-' ||
					substr(c.user_id, 21, 12))
				ELSE lower(c.user_id) END),
			c.created_at, c.expires_at
		FROM cliloginchallenge c`,
		`DROP TABLE cliloginchallenge`,
		`ALTER TABLE cliloginchallenge_new RENAME TO cliloginchallenge`,
		`CREATE UNIQUE INDEX ix_cliloginchallenge_code ON cliloginchallenge (code)`,
		`CREATE INDEX ix_cliloginchallenge_expires_at ON cliloginchallenge (expires_at)`,
		`CREATE INDEX ix_cliloginchallenge_user_id ON cliloginchallenge (user_id)`,
	)
	if err != nil {
		return err
	}
	return hashLegacySecrets(ctx, db)
}

// sqliteRevokedTokens creates zndraw_auth_revoked_token (migration 5).
func sqliteRevokedTokens(ctx context.Context, db bun.IDB) error {
	return execAll(ctx, db,
		`CREATE TABLE IF NOT EXISTS zndraw_auth_revoked_token (
			jti VARCHAR NOT NULL PRIMARY KEY,
			expires_at DATETIME NOT NULL
		)`,
		`CREATE INDEX IF NOT EXISTS ix_zndraw_auth_revoked_token_expires_at ON zndraw_auth_revoked_token (expires_at)`,
	)
}

// sqliteRateCounters creates zndraw_auth_rate_counter (migration 6).
func sqliteRateCounters(ctx context.Context, db bun.IDB) error {
	return execAll(ctx, db,
		`CREATE TABLE IF NOT EXISTS zndraw_auth_rate_counter (
			key VARCHAR NOT NULL,
			window_start DATETIME NOT NULL,
			window_end DATETIME NOT NULL,
			count BIGINT NOT NULL,
			PRIMARY KEY (key, window_start)
		)`,
		`CREATE INDEX IF NOT EXISTS ix_zndraw_auth_rate_counter_window_end ON zndraw_auth_rate_counter (window_end)`,
	)
}

// sqliteFamiliarSources creates zndraw_auth_familiar_source (migration 7):
// the sources each account logged in from recently, for the login lockout.
func sqliteFamiliarSources(ctx context.Context, db bun.IDB) error {
	return execAll(ctx, db,
		`CREATE TABLE IF NOT EXISTS zndraw_auth_familiar_source (
			account VARCHAR(64) NOT NULL,
			source VARCHAR(64) NOT NULL,
			last_seen DATETIME NOT NULL,
			PRIMARY KEY (account, source)
		)`,
		`CREATE INDEX IF NOT EXISTS ix_zndraw_auth_familiar_source_last_seen ON zndraw_auth_familiar_source (last_seen)`,
	)
}

// sqliteChangeFeed (migration 9) creates the change log the change feed
// polls (feed_sqlite.go): zndraw_auth_change (seq INTEGER PRIMARY KEY
// AUTOINCREMENT, kind 'u' or 'r', key the user id or jti), filled by
// triggers on "user" (UPDATE, DELETE) and zndraw_auth_revoked_token
// (INSERT) inside the writing transaction, so a rolled-back write leaves
// nothing and writes by any program sharing the file are logged. SQLite
// serializes writers, so seq grows by exactly one per logged change in
// commit order; a reader that finds a gap knows it missed changes. The log
// prunes itself: every 1000th change deletes those more than 10000 changes
// old.
func sqliteChangeFeed(ctx context.Context, db bun.IDB) error {
	return execAll(ctx, db,
		`CREATE TABLE IF NOT EXISTS zndraw_auth_change (
			seq INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
			kind CHAR(1) NOT NULL,
			key VARCHAR NOT NULL
		)`,
		`CREATE TRIGGER IF NOT EXISTS zndraw_auth_user_update AFTER UPDATE ON "user" BEGIN
			INSERT INTO zndraw_auth_change (kind, key) VALUES ('u', old.id);
			INSERT INTO zndraw_auth_change (kind, key) SELECT 'u', new.id WHERE new.id IS NOT old.id;
		END`,
		`CREATE TRIGGER IF NOT EXISTS zndraw_auth_user_delete AFTER DELETE ON "user" BEGIN
			INSERT INTO zndraw_auth_change (kind, key) VALUES ('u', old.id);
		END`,
		`CREATE TRIGGER IF NOT EXISTS zndraw_auth_revocation_insert AFTER INSERT ON zndraw_auth_revoked_token BEGIN
			INSERT INTO zndraw_auth_change (kind, key) VALUES ('r', new.jti);
		END`,
		`CREATE TRIGGER IF NOT EXISTS zndraw_auth_change_prune AFTER INSERT ON zndraw_auth_change
			WHEN new.seq % 1000 = 0 BEGIN
			DELETE FROM zndraw_auth_change WHERE seq <= new.seq - 10000;
		END`,
	)
}
