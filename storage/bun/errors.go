package bunstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/zincware/zndraw-auth-go/core"
)

// SQLite result codes (https://sqlite.org/rescode.html). The driver reports
// extended codes; the primary code is the low byte.
const (
	sqliteInterrupt  = 9
	sqliteBusy       = 5
	sqliteReadOnly   = 8
	sqliteLocked     = 6
	sqliteIOErr      = 10
	sqliteFull       = 13
	sqliteCantOpen   = 14
	sqliteProtocol   = 15
	sqliteUnique     = 2067 // SQLITE_CONSTRAINT_UNIQUE
	sqlitePrimaryKey = 1555 // SQLITE_CONSTRAINT_PRIMARYKEY
)

// sqliteCoder is implemented by modernc.org/sqlite's *sqlite.Error (the
// driver sqliteshim selects on every platform this package is tested on).
// Matching the method instead of the type keeps this package free of a
// direct dependency on one SQLite driver.
type sqliteCoder interface {
	error
	Code() int
}

// mapErr turns a driver error into the core sentinels the Store contract
// promises: sql.ErrNoRows is core.ErrNotFound, a unique violation is
// core.ErrAlreadyExists, a connectivity failure is core.ErrUnavailable (both
// wrapped together with the driver error). Anything else is returned
// wrapped, as an internal failure.
func mapErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, core.ErrNotFound), errors.Is(err, core.ErrAlreadyExists),
		errors.Is(err, core.ErrConflict), errors.Is(err, core.ErrUnavailable):
		return err
	case errors.Is(err, sql.ErrNoRows):
		return core.ErrNotFound
	case isUniqueViolation(err):
		return fmt.Errorf("%w: %w", core.ErrAlreadyExists, err)
	case isUnavailable(err):
		return fmt.Errorf("%w: %w", core.ErrUnavailable, err)
	default:
		return fmt.Errorf("bunstore: %w", err)
	}
}

// isUniqueViolation reports whether err is a unique or primary key
// violation, and nothing broader: NOT NULL, CHECK and foreign key violations
// are not (bun's own IntegrityViolation matches all of them).
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505" // unique_violation
	}
	var sqErr sqliteCoder
	if errors.As(err, &sqErr) {
		return sqErr.Code() == sqliteUnique || sqErr.Code() == sqlitePrimaryKey
	}
	// Drivers without a code (mattn/go-sqlite3 with the cgosqlite build
	// tag): its messages start like this.
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "PRIMARY KEY constraint failed")
}

// isUnavailable reports whether err means the database could not be reached
// or did not answer in time, so that retrying later may succeed: a dropped
// or refused connection, a deadline, a closed pool, PostgreSQL connection
// and shutdown errors, SQLite's "database is locked".
func isUnavailable(err error) bool {
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) || pgconn.Timeout(err) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgUnavailable(pgErr.Code)
	}
	var sqErr sqliteCoder
	if errors.As(err, &sqErr) {
		switch sqErr.Code() & 0xff {
		case sqliteBusy, sqliteLocked, sqliteInterrupt, sqliteIOErr, sqliteFull, sqliteCantOpen, sqliteProtocol:
			return true
		}
		return false
	}
	msg := err.Error()
	// database/sql's errDBClosed is unexported.
	return strings.Contains(msg, "sql: database is closed") || strings.Contains(msg, "database is locked") ||
		strings.Contains(msg, "database table is locked")
}

// pgUnavailable reports whether a PostgreSQL SQLSTATE means "try again
// later": connection exceptions (class 08), insufficient resources (class
// 53, e.g. too many connections), operator intervention (57: shutdown,
// cannot connect now, statement timeout or cancel), serialization failure
// and deadlock (40001, 40P01) and lock_not_available (55P03).
func pgUnavailable(code string) bool {
	switch {
	case strings.HasPrefix(code, "08"), strings.HasPrefix(code, "53"), strings.HasPrefix(code, "57"):
		return true
	case code == "40001", code == "40P01", code == "55P03":
		return true
	}
	return false
}
