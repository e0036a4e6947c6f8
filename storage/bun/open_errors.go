package bunstore

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// openError is a failure to reach the database at Open: a one-line message
// that says what is wrong and what to do, wrapping the driver's error (so
// errors.Is(err, core.ErrUnavailable) still holds).
type openError struct {
	msg string
	err error
}

func (e *openError) Error() string { return e.msg }
func (e *openError) Unwrap() error { return e.err }

// describeOpenError turns the first ping's error into an openError.
// sqlitePath is the file of a SQLite URL ("" for PostgreSQL and :memory:).
func describeOpenError(err error, sqlitePath string) error {
	mapped := mapErr(err)
	var sq sqliteCoder
	if sqlitePath != "" && errors.As(err, &sq) {
		switch sq.Code() & 0xff {
		case sqliteCantOpen:
			return &openError{fmt.Sprintf("bunstore: cannot open the SQLite database %s: %s", sqlitePath, sqliteOpenProblem(sqlitePath)), mapped}
		case sqliteReadOnly:
			return &openError{fmt.Sprintf("bunstore: cannot write the SQLite database %s: the file (or its directory, where SQLite keeps the -wal and -shm files) is read-only for this process; fix the permissions or use another path", sqlitePath), mapped}
		}
	}
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) {
		var opErr *net.OpError
		var pgErr *pgconn.PgError
		var dnsErr *net.DNSError
		switch {
		case errors.As(err, &dnsErr):
			return &openError{fmt.Sprintf("bunstore: cannot reach PostgreSQL: the host %s of the URL is not known (%s)",
				dnsErr.Name, dnsErr.Err), mapped}
		case errors.As(err, &pgErr):
			return &openError{fmt.Sprintf("bunstore: PostgreSQL refused the connection (user=%s database=%s): %s (SQLSTATE %s)",
				connErr.Config.User, connErr.Config.Database, pgErr.Message, pgErr.Code), mapped}
		case errors.As(err, &opErr):
			return &openError{fmt.Sprintf("bunstore: cannot reach PostgreSQL at %s: %s: is PostgreSQL running, and are the host and port of the URL right?",
				pgAddress(connErr.Config), netProblem(opErr)), mapped}
		}
	}
	return &openError{"bunstore: connect: " + oneLine(mapped.Error()), mapped}
}

// sqliteOpenProblem says why SQLite could not open or create path.
func sqliteOpenProblem(path string) string {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return path + " is a directory; name a file in it (sqlite:///dir/file.db)"
	}
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "the directory " + dir + " does not exist; create it, or use a path in an existing directory (sqlite:///relative/file.db, sqlite:////absolute/file.db)"
	case err != nil:
		return oneLine(err.Error())
	case !fi.IsDir():
		return dir + " is not a directory"
	}
	return "the file or its directory " + dir + " is not readable and writable by this process; fix the permissions or use another path"
}

// pgAddress is the host:port (or socket) a PostgreSQL config dials.
func pgAddress(c *pgconn.Config) string {
	if strings.HasPrefix(c.Host, "/") {
		return fmt.Sprintf("%s (socket, port %d)", c.Host, c.Port)
	}
	return net.JoinHostPort(c.Host, fmt.Sprint(c.Port))
}

// netProblem is the last, most specific part of a dial error ("connection
// refused", "i/o timeout", "no such host").
func netProblem(e *net.OpError) string {
	msg := e.Err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	return msg
}

// oneLine joins the lines of a multi-line message, dropping repeats (pgx
// lists each connection attempt on a line of its own).
func oneLine(msg string) string {
	var parts []string
	for _, l := range strings.Split(msg, "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !slices.Contains(parts, l) {
			parts = append(parts, l)
		}
	}
	return strings.Join(parts, " ")
}
