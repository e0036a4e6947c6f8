// Package bunstore is the core.Store real deployments use: users, CLI login
// challenges, revoked tokens and rate-limit counters in SQLite or PostgreSQL
// through github.com/uptrace/bun. It adopts a database created by
// zndraw-auth in place.
//
// The smallest use:
//
//	db, err := bunstore.Open(ctx, "sqlite:///./zndraw.db") // or postgresql://...
//	if err != nil { ... }
//	defer db.Close()
//	if err := bunstore.Migrate(ctx, db); err != nil { ... }
//	store := bunstore.New(db) // a core.Store
//
// Open picks the driver and the pool from the URL (see Open); when the
// database cannot be reached its error is one line that says why. Migrate
// creates or updates the schema, is called explicitly at startup, and logs
// one line with the database and the migrations it applied
// (WithMigrateLogger). New
// works on a *bun.DB, a bun.Conn or a bun.Tx, so a host application can put
// the store's writes in its own transaction.
//
// # Schema
//
// The tables of zndraw-auth (user, cliloginchallenge), with the same names,
// column names and types, plus additive changes:
//
//   - "user": id (CHAR(36) lowercase hyphenated text on SQLite, uuid on
//     PostgreSQL), email VARCHAR(320), hashed_password VARCHAR(1024),
//     is_active, is_superuser, is_verified; added: token_version BIGINT NOT
//     NULL DEFAULT 0 (core.User.TokenVersion) and email_key VARCHAR(320),
//     the address's core.EmailKey, computed by the store (NULL for rows
//     zndraw-auth wrote since; see "Sharing the table with zndraw-auth").
//     Indexes: zndraw-auth's case-sensitive unique ix_user_email; the
//     unique ux_user_email_key, which makes emails unique by core.EmailKey
//     (case in any script, NFC and NFD spellings) on both databases alike;
//     the unique ux_user_email_lower on lower(email), which zndraw-auth's
//     case-insensitive lookups rely on (lower() folds ASCII only on SQLite,
//     and follows the database's locale on PostgreSQL; the key joins at
//     least as much); ix_user_email_key_missing, a partial index of the
//     rows without a key. The trigger zndraw_auth_user_email_key_stale
//     clears email_key when a write changes email but not email_key.
//   - cliloginchallenge: id (INTEGER autoincrement / SERIAL), code (unique
//     ix_cliloginchallenge_code), secret (holds core.Challenge.SecretHash,
//     NULL when empty), status, token (always NULL: no token is stored),
//     user_id with a foreign key to "user"(id) ON DELETE SET NULL,
//     created_at, expires_at; added: client_ip, user_agent, last_polled_at.
//     Timestamps are UTC: DATETIME text "YYYY-MM-DD HH:MM:SS.ffffff" on
//     SQLite, TIMESTAMP WITHOUT TIME ZONE on PostgreSQL, microsecond
//     precision on both.
//   - zndraw_auth_revoked_token (jti primary key, expires_at) and
//     zndraw_auth_rate_counter (key, window_start primary key, window_end,
//     count): the kit's own.
//   - zndraw_auth_schema_migrations: the versions Migrate applied.
//   - For the change feed (below), triggers on "user" and
//     zndraw_auth_revoked_token: on PostgreSQL they call the function
//     zndraw_auth_notify_change, which NOTIFYs; on SQLite they append to
//     zndraw_auth_change (seq, kind, key), a log that prunes itself to its
//     last 10,000 entries. They leave the tables as they are, so
//     zndraw-auth (SQLAlchemy) reads and writes them as before, and its
//     writes are announced like the kit's.
//
// # UUID spellings on SQLite
//
// zndraw-auth writes user.id hyphenated but cliloginchallenge.user_id as 32
// hex digits, so on SQLite its foreign key could never be enforced. The
// store writes user_id in the spelling of user.id (hyphenated), so the
// foreign key holds with PRAGMA foreign_keys=ON; Migrate rewrites existing
// 32-hex values the same way (or to NULL when that user is gone). Readers
// accept both spellings everywhere; zndraw-auth reads hyphenated values
// fine (Python's uuid.UUID accepts both).
//
// # Adopting a zndraw-auth database
//
// Migrate leaves the reference's columns of every user row as they are
// (token_version defaults to 0, email_key is filled in) and only adds:
// columns, indexes, a trigger, columns and indexes on cliloginchallenge,
// the new tables. The foreign key of cliloginchallenge is replaced by one
// with ON DELETE SET NULL (on SQLite by rebuilding the table, which SQLite
// requires). Plaintext challenge tokens are cleared and plaintext secrets
// replaced by their SHA-256 digests, so nothing secret stays at rest.
// Everything runs in one transaction: if the database holds two users whose
// emails differ only in case (in any script) or in Unicode spelling (NFC
// and NFD), which zndraw-auth on SQLite and decomposed input on either
// database let through, Migrate fails with ErrCaseVariantEmails, naming
// them, and changes nothing: only the operator can tell which account is
// the real one.
//
// # Sharing the table with zndraw-auth
//
// zndraw-auth instances may keep writing the user table; they know nothing
// of email_key. A user they insert has none: lookups find it by their rule
// (lower(email) = lower(?)), and the store keys every such row before it
// writes an email itself, so the unique index covers it from then on (a
// row whose key another user already has, a lookalike zndraw-auth let in,
// stays unkeyed and is found only by its rule; a keyed user is preferred).
// When they change an email, the trigger clears the key, so it never
// points at an old address; the row is keyed again like a new one.
//
// # Change feed
//
// A Store on a *bun.DB implements core.ChangeFeed, so the core.Service on
// it learns within milliseconds about every change to a user or a
// revocation, made by any instance or any other program writing the
// database, and answers token checks from its caches in between:
//
//   - PostgreSQL: LISTEN/NOTIFY on two dedicated pgx connections per
//     Service (one listens, the other sends the heartbeats), opened with
//     the pool's settings (application_name gets the suffix
//     "/changefeed"). Notifications are sent by the triggers and
//     delivered on commit only; the channel is derived from the schema,
//     so deployments in different schemas of one database stay apart. The
//     subscription notifies itself every heartbeat: a connection that
//     broke or hangs, or triggers dropped or disabled, are reported within
//     a few heartbeats. Logical replication
//     into the database (session_replication_role = replica) does not fire
//     the triggers: run such deployments with
//     core.Settings.UserCacheTTL = 0.
//   - A SQLite file: a dedicated read connection polls PRAGMA data_version
//     every 2 ms and reads the change log after each commit by anyone.
//   - An in-memory SQLite database, and a Store on a bun.Tx or bun.Conn,
//     have no feed (SubscribeChanges returns core.ErrNoChangeFeed), nor has
//     a database that Migrate has not brought up to date.
//
// # Errors
//
// Methods return the core sentinels: core.ErrNotFound, core.ErrConflict,
// core.ErrAlreadyExists only for a real unique violation (PostgreSQL
// SQLSTATE 23505, SQLite SQLITE_CONSTRAINT_UNIQUE or _PRIMARYKEY; never a
// NOT NULL or foreign key violation), and core.ErrUnavailable, wrapping the
// driver error, when the database cannot be reached or does not answer in
// time (a lost or refused connection, a closed pool, a context deadline,
// PostgreSQL connection or shutdown errors, SQLite "database is locked").
package bunstore
