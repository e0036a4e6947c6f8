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
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/zincware/zndraw-auth-go/core"
)

// fakeSQLiteError has the shape of modernc.org/sqlite's *sqlite.Error.
type fakeSQLiteError struct{ code int }

func (e *fakeSQLiteError) Error() string { return fmt.Sprintf("sqlite error (%d)", e.code) }
func (e *fakeSQLiteError) Code() int     { return e.code }

func TestMapErr(t *testing.T) {
	internal := errors.New("internal")
	tests := []struct {
		name string
		in   error
		want error // a core sentinel, or internal for "none of them"
	}{
		{"NoRows", sql.ErrNoRows, core.ErrNotFound},
		{"WrappedNoRows", fmt.Errorf("x: %w", sql.ErrNoRows), core.ErrNotFound},
		{"Sentinel", core.ErrConflict, core.ErrConflict},

		{"PGUnique", &pgconn.PgError{Code: "23505"}, core.ErrAlreadyExists},
		{"PGNotNull", &pgconn.PgError{Code: "23502"}, internal},
		{"PGForeignKey", &pgconn.PgError{Code: "23503"}, internal},
		{"PGCheck", &pgconn.PgError{Code: "23514"}, internal},
		{"PGSyntax", &pgconn.PgError{Code: "42601"}, internal},
		{"PGConnectionFailure", &pgconn.PgError{Code: "08006"}, core.ErrUnavailable},
		{"PGAdminShutdown", &pgconn.PgError{Code: "57P01"}, core.ErrUnavailable},
		{"PGCannotConnectNow", &pgconn.PgError{Code: "57P03"}, core.ErrUnavailable},
		{"PGTooManyConnections", &pgconn.PgError{Code: "53300"}, core.ErrUnavailable},
		{"PGSerialization", &pgconn.PgError{Code: "40001"}, core.ErrUnavailable},

		{"SQLiteUnique", &fakeSQLiteError{2067}, core.ErrAlreadyExists},
		{"SQLitePrimaryKey", &fakeSQLiteError{1555}, core.ErrAlreadyExists},
		{"SQLiteNotNull", &fakeSQLiteError{1299}, internal},
		{"SQLiteForeignKey", &fakeSQLiteError{787}, internal},
		{"SQLiteCheck", &fakeSQLiteError{275}, internal},
		{"SQLiteBusy", &fakeSQLiteError{5}, core.ErrUnavailable},
		{"SQLiteBusySnapshot", &fakeSQLiteError{517}, core.ErrUnavailable},
		{"SQLiteLocked", &fakeSQLiteError{6}, core.ErrUnavailable},
		{"SQLiteGenericError", &fakeSQLiteError{1}, internal},
		{"MattnUniqueMessage", errors.New("UNIQUE constraint failed: user.email"), core.ErrAlreadyExists},
		{"MattnLockedMessage", errors.New("database is locked"), core.ErrUnavailable},

		{"BadConn", driver.ErrBadConn, core.ErrUnavailable},
		{"ConnDone", sql.ErrConnDone, core.ErrUnavailable},
		{"DBClosed", errors.New("sql: database is closed"), core.ErrUnavailable},
		{"EOF", io.EOF, core.ErrUnavailable},
		{"UnexpectedEOF", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), core.ErrUnavailable},
		{"Refused", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, core.ErrUnavailable},
		{"Reset", fmt.Errorf("write: %w", syscall.ECONNRESET), core.ErrUnavailable},
		{"Deadline", context.DeadlineExceeded, core.ErrUnavailable},
		{"Canceled", context.Canceled, core.ErrUnavailable},
		{"Other", errors.New("boom"), internal},
	}
	sentinels := []error{core.ErrNotFound, core.ErrAlreadyExists, core.ErrConflict, core.ErrUnavailable}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mapErr(tt.in)
			for _, s := range sentinels {
				if is, want := errors.Is(got, s), s == tt.want; is != want {
					t.Errorf("mapErr(%v) = %v: errors.Is(%v) = %v, want %v", tt.in, got, s, is, want)
				}
			}
			if !errors.Is(got, tt.in) && tt.want != core.ErrNotFound {
				t.Errorf("mapErr(%v) = %v does not wrap the driver error", tt.in, got)
			}
		})
	}
	if mapErr(nil) != nil {
		t.Error("mapErr(nil) != nil")
	}
}

// TestDescribeOpenErrorReadOnlySQLite: a SQLite file this process may read
// but not write (SQLITE_READONLY and its extended codes at the first
// connection) is one line that names the file and says what to do, not
// "bunstore: connect: bunstore: attempt to write a readonly database".
func TestDescribeOpenErrorReadOnlySQLite(t *testing.T) {
	path := "/srv/auth/auth.db"
	for _, code := range []int{8, 8 | 1<<8, 8 | 5<<8} { // SQLITE_READONLY, _RECOVERY, _DBMOVED
		msg := describeOpenError(&fakeSQLiteError{code}, path).Error()
		for _, want := range []string{path, "read-only", "fix the permissions or use another path"} {
			if !strings.Contains(msg, want) {
				t.Errorf("code %d: %q does not contain %q", code, msg, want)
			}
		}
		if n := strings.Count(msg, "bunstore:"); n != 1 || strings.Contains(msg, "connect:") {
			t.Errorf("code %d: %q is not one plain sentence", code, msg)
		}
	}
}
