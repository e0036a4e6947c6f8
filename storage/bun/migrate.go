package bunstore

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/zincware/zndraw-auth-go/core"
)

// migrationsTable records which migrations a database has had, one row per
// version.
const migrationsTable = "zndraw_auth_schema_migrations"

// pgLockKey is the first half of the PostgreSQL advisory lock Migrate takes
// ("zndr"); the second half is a hash of the current schema, so migrations
// of different schemas in one database do not wait for each other.
const pgLockKey = 0x7a6e6472

// ErrCaseVariantEmails is returned (wrapped, with the offending addresses)
// by Migrate when an adopted database holds users whose emails differ only
// in letter case (in any script) or in Unicode spelling (NFC and NFD, the
// Kelvin sign for K): the same core.EmailKey, which the unique indexes the
// kit adds cannot allow. Nothing is changed; rename or merge those accounts
// and run Migrate again.
var ErrCaseVariantEmails = errors.New("bunstore: users whose emails differ only in letter case")

// migration is one versioned schema change, with a body per dialect.
type migration struct {
	version int
	name    string
	sqlite  func(ctx context.Context, db bun.IDB) error
	pg      func(ctx context.Context, db bun.IDB) error
}

// migrations is the ordered list of every schema change. Version 1 is the
// schema zndraw-auth creates (the user and cliloginchallenge tables), written with IF NOT
// EXISTS, so a fresh database and an adopted one take the same path; every
// later version is additive.
var migrations = []migration{
	{1, "zndraw-auth reference schema", sqliteReferenceSchema, pgReferenceSchema},
	{2, "user.token_version", sqliteTokenVersion, pgTokenVersion},
	{3, "case-insensitive unique email", emailLowerIndex, emailLowerIndex},
	{4, "cliloginchallenge: ON DELETE SET NULL, client metadata, no plaintext secrets or tokens", sqliteChallengeV2, pgChallengeV2},
	{5, "revoked tokens", sqliteRevokedTokens, pgRevokedTokens},
	{6, "rate limit counters", sqliteRateCounters, pgRateCounters},
	{7, "familiar login sources", sqliteFamiliarSources, pgFamiliarSources},
	{8, "user.email_key: one email rule for every store", emailKeyColumn(false), emailKeyColumn(true)},
	{9, "change feed: triggers on user and revocations", sqliteChangeFeed, pgChangeFeed},
}

// Migrate creates the kit's schema, or brings an existing one up to date:
// a database created by zndraw-auth is adopted in place (its user rows are
// left as they are; the changes are additive). Call it once at startup,
// before serving.
//
// All pending migrations run in ONE transaction: if any fails (for example
// with ErrCaseVariantEmails), nothing is applied and the schema is exactly
// as before. Concurrent calls from several instances are safe: on
// PostgreSQL the transaction first takes an advisory lock
// (pg_advisory_xact_lock, per schema), on SQLite it is a BEGIN IMMEDIATE
// transaction, which holds the database's write lock (others wait up to the
// busy timeout). Whoever comes second finds nothing left to do. Applied
// versions are recorded in the table zndraw_auth_schema_migrations.
//
// Migrate logs one line (see WithMigrateLogger) naming the database (SQLite
// file, or PostgreSQL server, database and schema) and either the
// migrations it applied or that the schema was up to date.
func Migrate(ctx context.Context, db *bun.DB, opts ...MigrateOption) error {
	cfg := migrateConfig{log: slog.Default()}
	for _, o := range opts {
		o(&cfg)
	}
	var err error
	var res migrationResult
	switch name := db.Dialect().Name(); name {
	case dialect.PG:
		err = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			if _, err := tx.ExecContext(ctx,
				`SELECT pg_advisory_xact_lock(?, hashtext(coalesce(current_schema(), '')))`, pgLockKey); err != nil {
				return fmt.Errorf("take migration lock: %w", err)
			}
			return applyMigrations(ctx, tx, true, &res)
		})
	case dialect.SQLite:
		res, err = migrateSQLite(ctx, db)
	default:
		return fmt.Errorf("bunstore: migrate: unsupported bun dialect %s", name)
	}
	if err != nil {
		if !errors.Is(err, ErrCaseVariantEmails) && isUnavailable(err) {
			return fmt.Errorf("bunstore: migrate: %w: %w", core.ErrUnavailable, err)
		}
		return fmt.Errorf("bunstore: migrate: %w", err)
	}
	res.log(ctx, cfg.log)
	return nil
}

// MigrateOption configures Migrate.
type MigrateOption func(*migrateConfig)

type migrateConfig struct{ log *slog.Logger }

// WithMigrateLogger sets the logger Migrate reports to (default
// slog.Default()).
func WithMigrateLogger(l *slog.Logger) MigrateOption {
	return func(c *migrateConfig) {
		if l != nil {
			c.log = l
		}
	}
}

// migrationResult is what one Migrate did, for its log line.
type migrationResult struct {
	database string      // which database, for people
	applied  []migration // in order
	version  int         // the schema version afterwards
}

func (r migrationResult) log(ctx context.Context, l *slog.Logger) {
	if len(r.applied) == 0 {
		l.InfoContext(ctx, "zndraw-auth: database schema up to date", "database", r.database, "version", r.version)
		return
	}
	names := make([]string, len(r.applied))
	for i, m := range r.applied {
		names[i] = fmt.Sprintf("%d (%s)", m.version, m.name)
	}
	l.InfoContext(ctx, "zndraw-auth: database schema migrated", "database", r.database, "version", r.version,
		"applied", strings.Join(names, "; "))
}

// describeDatabase names the database db is connected to, without
// credentials: the SQLite file (":memory:" for an in-memory one), or the
// PostgreSQL server, database and schema.
func describeDatabase(ctx context.Context, db bun.IDB, pg bool) string {
	if pg {
		var addr, name, schema string
		if err := db.QueryRowContext(ctx, `SELECT coalesce(host(inet_server_addr()) || ':' || inet_server_port(), 'local socket'),
			current_database(), coalesce(current_schema(), '')`).Scan(&addr, &name, &schema); err != nil {
			return "postgres (unknown)"
		}
		return fmt.Sprintf("postgres %s/%s schema %s", addr, name, schema)
	}
	var seq int
	var name, file string
	if err := db.QueryRowContext(ctx, `PRAGMA database_list`).Scan(&seq, &name, &file); err != nil {
		return "sqlite (unknown)"
	}
	if file == "" {
		file = ":memory:"
	}
	return "sqlite " + file
}

// migrateSQLite runs the migrations in a BEGIN IMMEDIATE transaction on one
// dedicated connection, whatever transaction mode the DSN sets.
func migrateSQLite(ctx context.Context, db *bun.DB) (res migrationResult, err error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return res, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return res, fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if err == nil {
			return
		}
		if _, rbErr := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rbErr != nil {
			// A connection stuck inside a transaction must not go back
			// to the pool.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	if err := applyMigrations(ctx, conn, false, &res); err != nil {
		return res, err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return res, fmt.Errorf("commit: %w", err)
	}
	return res, nil
}

// applyMigrations applies every migration not yet recorded in
// migrationsTable, inside the caller's transaction, and reports what it did.
func applyMigrations(ctx context.Context, db bun.IDB, pg bool, res *migrationResult) error {
	res.database = describeDatabase(ctx, db, pg)
	tsType := "DATETIME"
	if pg {
		tsType = "TIMESTAMP WITHOUT TIME ZONE"
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS `+migrationsTable+` (
		version INTEGER NOT NULL PRIMARY KEY,
		name VARCHAR NOT NULL,
		applied_at `+tsType+` NOT NULL
	)`); err != nil {
		return fmt.Errorf("create %s: %w", migrationsTable, err)
	}
	applied := map[int]bool{}
	rows, err := db.QueryContext(ctx, `SELECT version FROM `+migrationsTable)
	if err != nil {
		return fmt.Errorf("read %s: %w", migrationsTable, err)
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return err
		}
		applied[v] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, m := range migrations {
		res.version = max(res.version, m.version)
		if applied[m.version] {
			continue
		}
		run := m.sqlite
		if pg {
			run = m.pg
		}
		if err := run(ctx, db); err != nil {
			return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
		}
		if _, err := db.ExecContext(ctx,
			`INSERT INTO `+migrationsTable+` (version, name, applied_at) VALUES (?, ?, ?)`,
			m.version, m.name, dbTimeFloor(time.Now())); err != nil {
			return fmt.Errorf("record migration %d: %w", m.version, err)
		}
		res.applied = append(res.applied, m)
	}
	return nil
}

// execAll runs statements in order.
func execAll(ctx context.Context, db bun.IDB, stmts ...string) error {
	for _, q := range stmts {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}
