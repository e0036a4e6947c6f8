package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zincware/zndraw-auth-go/core"
)

// SQLite result codes (https://sqlite.org/rescode.html) the store maps.
const (
	sqliteBusy       = 5    // primary code: another connection holds the lock
	sqliteLocked     = 6    // primary code: a table is locked
	sqliteUnique     = 2067 // SQLITE_CONSTRAINT_UNIQUE
	sqlitePrimaryKey = 1555 // SQLITE_CONSTRAINT_PRIMARYKEY
)

// sqliteCoder is the SQLite driver's error (modernc.org/sqlite's
// *sqlite.Error), matched by its method.
type sqliteCoder interface {
	error
	Code() int
}

// mapErr turns a database error into the sentinels of the core.Store
// contract: no row is core.ErrNotFound, a unique violation (and only that)
// core.ErrAlreadyExists, a database that cannot answer now
// core.ErrUnavailable (the kit then answers 503 and fails closed).
// Anything else is an internal error.
func mapErr(err error) error {
	var sqErr sqliteCoder
	switch {
	case err == nil:
		return nil
	case errors.Is(err, core.ErrNotFound), errors.Is(err, core.ErrConflict),
		errors.Is(err, core.ErrAlreadyExists), errors.Is(err, core.ErrUnavailable):
		return err
	case errors.Is(err, sql.ErrNoRows):
		return core.ErrNotFound
	case errors.As(err, &sqErr) && (sqErr.Code() == sqliteUnique || sqErr.Code() == sqlitePrimaryKey):
		return fmt.Errorf("%w: %w", core.ErrAlreadyExists, err)
	case errors.As(err, &sqErr) && (sqErr.Code()&0xff == sqliteBusy || sqErr.Code()&0xff == sqliteLocked),
		errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled),
		errors.Is(err, sql.ErrConnDone), errors.Is(err, driver.ErrBadConn),
		strings.Contains(err.Error(), "sql: database is closed"):
		return fmt.Errorf("%w: %w", core.ErrUnavailable, err)
	default:
		return fmt.Errorf("customstore: %w", err)
	}
}

// Times are stored as INTEGER Unix microseconds (UTC): the precision the
// contract asks for, and comparisons in SQL are plain integer comparisons.

// micros is t in Unix microseconds, rounded down.
func micros(t time.Time) int64 { return t.Truncate(time.Microsecond).UnixMicro() }

// microsCeil is t in Unix microseconds, rounded up. For a stored value s,
// s >= t ⇔ s >= microsCeil(t) and s < t ⇔ s < microsCeil(t).
func microsCeil(t time.Time) int64 {
	m := micros(t)
	if !time.UnixMicro(m).Equal(t) {
		m++
	}
	return m
}

// fromMicros is the time of a stored value.
func fromMicros(m int64) time.Time { return time.UnixMicro(m).UTC() }
