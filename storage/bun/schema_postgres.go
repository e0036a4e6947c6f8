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

// pgChangeFeed (migration 9) makes the database announce its own changes,
// for the change feed (feed_postgres.go): triggers on "user" (UPDATE,
// DELETE, TRUNCATE) and on zndraw_auth_revoked_token (INSERT, TRUNCATE)
// call pg_notify on the channel pgChangeChannel of their schema with the
// payload "u<user id>", "r<jti>", or "*" (anything may have changed:
// a truncation, or a jti too long for a notification). As they fire
// inside the writing transaction, notifications go out on commit only, and
// writes by any program (a zndraw-auth instance in Python, an operator's
// psql) are announced too. The channel is derived from the schema, so
// deployments in different schemas of one database do not hear each
// other. Nothing about the tables changes. The PostgreSQL channel names
// fit NAMEDATALEN whatever the schema's name.
func pgChangeFeed(ctx context.Context, db bun.IDB) error {
	return execAll(ctx, db,
		`CREATE OR REPLACE FUNCTION zndraw_auth_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
		DECLARE
			-- pgChangeChannel; only pg_catalog functions, whatever the
			-- writer's search_path.
			channel text := 'zndraw_auth_' || to_hex(hashtext(TG_TABLE_SCHEMA));
		BEGIN
			IF TG_OP = 'TRUNCATE' THEN
				PERFORM pg_notify(channel, '*');
			ELSIF TG_TABLE_NAME = 'user' THEN
				PERFORM pg_notify(channel, 'u' || OLD.id::text);
				IF TG_OP = 'UPDATE' AND NEW.id IS DISTINCT FROM OLD.id THEN
					PERFORM pg_notify(channel, 'u' || NEW.id::text);
				END IF;
			ELSIF octet_length(NEW.jti) > 4000 THEN
				PERFORM pg_notify(channel, '*');
			ELSE
				PERFORM pg_notify(channel, 'r' || NEW.jti);
			END IF;
			RETURN NULL;
		END $$`,
		`DROP TRIGGER IF EXISTS zndraw_auth_user_change ON "user"`,
		`CREATE TRIGGER zndraw_auth_user_change AFTER UPDATE OR DELETE ON "user"
			FOR EACH ROW EXECUTE FUNCTION zndraw_auth_notify_change()`,
		`DROP TRIGGER IF EXISTS zndraw_auth_user_truncate ON "user"`,
		`CREATE TRIGGER zndraw_auth_user_truncate AFTER TRUNCATE ON "user"
			FOR EACH STATEMENT EXECUTE FUNCTION zndraw_auth_notify_change()`,
		`DROP TRIGGER IF EXISTS zndraw_auth_revocation_change ON zndraw_auth_revoked_token`,
		`CREATE TRIGGER zndraw_auth_revocation_change AFTER INSERT ON zndraw_auth_revoked_token
			FOR EACH ROW EXECUTE FUNCTION zndraw_auth_notify_change()`,
		`DROP TRIGGER IF EXISTS zndraw_auth_revocation_truncate ON zndraw_auth_revoked_token`,
		`CREATE TRIGGER zndraw_auth_revocation_truncate AFTER TRUNCATE ON zndraw_auth_revoked_token
			FOR EACH STATEMENT EXECUTE FUNCTION zndraw_auth_notify_change()`,
	)
}
