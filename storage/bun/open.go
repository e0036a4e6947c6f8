package bunstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/driver/sqliteshim"
)

// sqliteBusyTimeout is how long a SQLite connection waits for another
// writer (another connection or process) before giving up with "database is
// locked", which the store reports as core.ErrUnavailable.
const sqliteBusyTimeout = 5 * time.Second

// sqliteFileConns is the pool size for a SQLite file. Writers serialize on
// SQLite's write lock whatever the pool size, so more connections only buy
// concurrent readers (WAL) and cost lock contention: 400 concurrent
// insert+read+upsert sequences from two pools on one file ran without a
// single error at 1 to 16 connections, fastest at 1–2, about 15% slower at
// 4, twice as slow at 16. Four keeps reads concurrent and lets a host hold
// a transaction on the shared *bun.DB while a Store call runs beside it.
const sqliteFileConns = 4

// Open connects to the database named by rawURL and returns a *bun.DB whose
// pool suits that database; host applications can share it for their own
// tables. It pings the database before returning (and on a SQLite file makes
// one write it rolls back, so a read-only file is refused here rather than
// at the first login). The URL forms are those of
// zndraw-auth's create_engine_for_url (SQLAlchemy URLs; a "+driver" suffix
// on the scheme, such as sqlite+aiosqlite or postgresql+asyncpg, is
// accepted and ignored):
//
//   - "sqlite://", "sqlite://:memory:" or "sqlite:///:memory:": an in-memory
//     SQLite database. Every new connection to :memory: is a new, empty
//     database, so the pool holds exactly ONE connection, kept open forever.
//     Do not call a Store built on the *bun.DB while holding a transaction
//     of the same *bun.DB: the call would wait for the only connection.
//   - "sqlite:///relative/path.db" (three slashes: relative to the working
//     directory) or "sqlite:////absolute/path.db" (four slashes): a SQLite
//     file, created if missing. Every connection sets busy_timeout (5 s),
//     journal_mode=WAL, foreign_keys=ON and synchronous=NORMAL, and starts
//     transactions with BEGIN IMMEDIATE, so a transaction never fails
//     half-way with SQLITE_BUSY when it upgrades to a write. The pool has
//     four connections, for concurrent readers (WAL); writers queue on
//     SQLite's write lock, waiting up to busy_timeout. Any other form
//     (a host part such as "sqlite://./x.db", or query parameters) is an
//     error rather than a guess.
//   - "postgres://..." or "postgresql://...": PostgreSQL through pgx
//     (github.com/jackc/pgx/v5/stdlib), with every libpq-style parameter
//     pgx understands (sslmode, search_path, ...). The pool allows
//     4×GOMAXPROCS connections, keeps as many idle (no reconnect churn under
//     bursts), closes connections idle for 5 minutes and recycles each after
//     30 minutes (so a failover or DNS change is picked up). Queries run in
//     pgx's "exec" mode (no server-side statement cache: bun inlines
//     arguments, so every statement text is new) unless the URL sets
//     default_query_exec_mode.
func Open(ctx context.Context, rawURL string) (*bun.DB, error) {
	scheme, rest, ok := strings.Cut(rawURL, "://")
	if !ok {
		return nil, fmt.Errorf("bunstore: database URL %q has no scheme (want sqlite:// or postgresql://)", redact(rawURL))
	}
	scheme, _, _ = strings.Cut(strings.ToLower(scheme), "+")
	var db *bun.DB
	sqlitePath := "" // the file of a SQLite URL, for error messages
	switch scheme {
	case "sqlite":
		dsn, memory, err := sqliteDSN(rest)
		if err != nil {
			return nil, err
		}
		if !memory {
			sqlitePath, _ = url.PathUnescape(strings.TrimPrefix(rest, "/"))
			sqlitePath = filepath.Clean(sqlitePath)
		}
		sqldb, err := sql.Open(sqliteshim.ShimName, dsn)
		if err != nil {
			return nil, fmt.Errorf("bunstore: open sqlite: %w", err)
		}
		if memory {
			sqldb.SetMaxOpenConns(1)
			sqldb.SetMaxIdleConns(1)
			sqldb.SetConnMaxLifetime(0)
			sqldb.SetConnMaxIdleTime(0)
		} else {
			sqldb.SetMaxOpenConns(sqliteFileConns)
			sqldb.SetMaxIdleConns(sqliteFileConns)
		}
		db = bun.NewDB(sqldb, sqlitedialect.New())
	case "postgres", "postgresql":
		cfg, err := pgx.ParseConfig("postgresql://" + rest)
		if err != nil {
			return nil, fmt.Errorf("bunstore: parse PostgreSQL URL: %w", err)
		}
		if u, err := url.Parse("postgresql://" + rest); err == nil && !u.Query().Has("default_query_exec_mode") {
			cfg.DefaultQueryExecMode = pgx.QueryExecModeExec
		}
		sqldb := stdlib.OpenDB(*cfg)
		n := 4 * runtime.GOMAXPROCS(0)
		sqldb.SetMaxOpenConns(n)
		sqldb.SetMaxIdleConns(n)
		sqldb.SetConnMaxIdleTime(5 * time.Minute)
		sqldb.SetConnMaxLifetime(30 * time.Minute)
		db = bun.NewDB(sqldb, pgdialect.New())
	default:
		return nil, fmt.Errorf("bunstore: unsupported database URL scheme %q (want sqlite:// or postgresql://)", scheme)
	}
	if err := ping(ctx, db, sqlitePath != ""); err != nil {
		_ = db.Close()
		return nil, describeOpenError(err, sqlitePath)
	}
	if sqlitePath != "" {
		if err := checkWritable(ctx, db); err != nil {
			_ = db.Close()
			return nil, describeOpenError(err, sqlitePath)
		}
	}
	return db, nil
}

// checkWritable makes one write to a SQLite file and rolls it back, so
// that a file this process can read but not write is refused at Open: a
// migrated read-only file otherwise opens fine and answers 500 to every
// login later. Taking the write lock is not enough: in WAL mode BEGIN
// IMMEDIATE succeeds on a read-only file while its directory is writable.
func checkWritable(ctx context.Context, db *bun.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "CREATE TABLE zndraw_auth_write_check (x INTEGER)")
	if rbErr := tx.Rollback(); err == nil {
		err = rbErr
	}
	return err
}

// sqliteDSN turns the part of a sqlite URL after "sqlite://" into a
// modernc.org/sqlite DSN, and reports whether it names an in-memory
// database.
func sqliteDSN(rest string) (dsn string, memory bool, err error) {
	if strings.ContainsAny(rest, "?#") {
		return "", false, fmt.Errorf("bunstore: sqlite URL: query parameters are not supported (the store sets its own pragmas)")
	}
	const memPragmas = "?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_txlock=immediate"
	switch rest {
	case "", ":memory:", "/:memory:", "/":
		return "file::memory:" + memPragmas, true, nil
	}
	path, ok := strings.CutPrefix(rest, "/")
	if !ok {
		return "", false, fmt.Errorf("bunstore: sqlite URL %q: use sqlite:///relative/path.db or sqlite:////absolute/path.db", "sqlite://"+rest)
	}
	path, err = url.PathUnescape(path)
	if err != nil {
		return "", false, fmt.Errorf("bunstore: sqlite URL: %w", err)
	}
	if path == "" {
		return "", false, errors.New("bunstore: sqlite URL names no file")
	}
	return fmt.Sprintf("%s?_pragma=busy_timeout(%d)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate",
		sqliteFileURI(path), sqliteBusyTimeout.Milliseconds()), false, nil
}

// sqliteFileURI is the SQLite URI filename ("file:...") of path, without
// query.
func sqliteFileURI(path string) string {
	// Escape what would start the query or fragment, and '%' itself.
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(filepath.ToSlash(filepath.Clean(path)))
	if strings.HasPrefix(esc, "//") {
		esc = "/" + strings.TrimLeft(esc, "/")
	}
	return "file:" + esc
}

// redact removes a password from a URL for error messages.
func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
			return u.String()
		}
	}
	return raw
}
