package bunstore

import (
	"context"

	"github.com/uptrace/bun"
)

// The PostgreSQL migrations. Types follow what SQLAlchemy/SQLModel emit for
// zndraw-auth (SQLAlchemy's DDL): native uuid, TIMESTAMP WITHOUT TIME
// ZONE holding UTC, SERIAL ids. DDL is transactional on PostgreSQL.

// pgReferenceSchema creates zndraw-auth's tables and indexes if they do not
// exist yet (migration 1).
func pgReferenceSchema(ctx context.Context, db bun.IDB) error {
	return execAll(ctx, db,
		`CREATE TABLE IF NOT EXISTS "user" (
			id UUID NOT NULL,
			email VARCHAR(320) NOT NULL,
			hashed_password VARCHAR(1024) NOT NULL,
			is_active BOOLEAN NOT NULL,
			is_superuser BOOLEAN NOT NULL,
			is_verified BOOLEAN NOT NULL,
			PRIMARY KEY (id)
		)`,
		`CREATE UNIQUE INDEX IF NOT EXISTS ix_user_email ON "user" (email)`,
		`CREATE TABLE IF NOT EXISTS cliloginchallenge (
			id SERIAL NOT NULL,
			code VARCHAR NOT NULL,
			secret VARCHAR,
			status VARCHAR NOT NULL,
			token VARCHAR,
			user_id UUID,
			created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
			expires_at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
			PRIMARY KEY (id),
			FOREIGN KEY(user_id) REFERENCES "user" (id)
		)`,
		`CREATE UNIQUE INDEX IF NOT EXISTS ix_cliloginchallenge_code ON cliloginchallenge (code)`,
	)
}

// pgTokenVersion adds user.token_version (migration 2).
func pgTokenVersion(ctx context.Context, db bun.IDB) error {
	return execAll(ctx, db, `ALTER TABLE "user" ADD COLUMN IF NOT EXISTS token_version BIGINT NOT NULL DEFAULT 0`)
}

// pgChallengeV2 (migration 4) adds client_ip, user_agent and last_polled_at,
// replaces every foreign key from cliloginchallenge to "user" (zndraw-auth's
// has no ON DELETE, so deleting an approver failed) with
// cliloginchallenge_user_id_fkey ... ON DELETE SET NULL, adds indexes for
// purging and for that key, drops plaintext tokens and hashes plaintext
// secrets (hashLegacySecrets).
func pgChallengeV2(ctx context.Context, db bun.IDB) error {
	err := execAll(ctx, db,
		`ALTER TABLE cliloginchallenge
			ADD COLUMN IF NOT EXISTS client_ip VARCHAR,
			ADD COLUMN IF NOT EXISTS user_agent VARCHAR,
			ADD COLUMN IF NOT EXISTS last_polled_at TIMESTAMP WITHOUT TIME ZONE`,
	)
	if err != nil {
		return err
	}
	var names []string
	rows, err := db.QueryContext(ctx, `SELECT conname FROM pg_constraint
		WHERE contype = 'f' AND conrelid = 'cliloginchallenge'::regclass AND confrelid = '"user"'::regclass`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		names = append(names, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, n := range names {
		if _, err := db.ExecContext(ctx, `ALTER TABLE cliloginchallenge DROP CONSTRAINT ?`, bun.Ident(n)); err != nil {
			return err
		}
	}
	err = execAll(ctx, db,
		`ALTER TABLE cliloginchallenge ADD CONSTRAINT cliloginchallenge_user_id_fkey
			FOREIGN KEY (user_id) REFERENCES "user" (id) ON DELETE SET NULL`,
		`CREATE INDEX IF NOT EXISTS ix_cliloginchallenge_expires_at ON cliloginchallenge (expires_at)`,
		`CREATE INDEX IF NOT EXISTS ix_cliloginchallenge_user_id ON cliloginchallenge (user_id)`,
		`UPDATE cliloginchallenge SET token = NULL WHERE token IS NOT NULL`,
	)
	if err != nil {
		return err
	}
	return hashLegacySecrets(ctx, db)
}

// pgRevokedTokens creates zndraw_auth_revoked_token (migration 5).
func pgRevokedTokens(ctx context.Context, db bun.IDB) error {
	return execAll(ctx, db,
		`CREATE TABLE IF NOT EXISTS zndraw_auth_revoked_token (
			jti VARCHAR NOT NULL PRIMARY KEY,
			expires_at TIMESTAMP WITHOUT TIME ZONE NOT NULL
		)`,
		`CREATE INDEX IF NOT EXISTS ix_zndraw_auth_revoked_token_expires_at ON zndraw_auth_revoked_token (expires_at)`,
	)
}

// pgRateCounters creates zndraw_auth_rate_counter (migration 6).
func pgRateCounters(ctx context.Context, db bun.IDB) error {
	return execAll(ctx, db,
		`CREATE TABLE IF NOT EXISTS zndraw_auth_rate_counter (
			key VARCHAR NOT NULL,
			window_start TIMESTAMP WITHOUT TIME ZONE NOT NULL,
			window_end TIMESTAMP WITHOUT TIME ZONE NOT NULL,
			count BIGINT NOT NULL,
			PRIMARY KEY (key, window_start)
		)`,
		`CREATE INDEX IF NOT EXISTS ix_zndraw_auth_rate_counter_window_end ON zndraw_auth_rate_counter (window_end)`,
	)
}

// pgFamiliarSources creates zndraw_auth_familiar_source (migration 7): the
// sources each account logged in from recently, for the login lockout.
func pgFamiliarSources(ctx context.Context, db bun.IDB) error {
	return execAll(ctx, db,
		`CREATE TABLE IF NOT EXISTS zndraw_auth_familiar_source (
			account VARCHAR(64) NOT NULL,
			source VARCHAR(64) NOT NULL,
			last_seen TIMESTAMP WITHOUT TIME ZONE NOT NULL,
			PRIMARY KEY (account, source)
		)`,
		`CREATE INDEX IF NOT EXISTS ix_zndraw_auth_familiar_source_last_seen ON zndraw_auth_familiar_source (last_seen)`,
	)
}
