package bunstore

import (
	"fmt"
	"strings"
	"time"
)

// timeLayout is how every timestamp is written, on both dialects: UTC wall
// time with exactly six fractional digits, the text SQLAlchemy stores in a
// SQLite DATETIME column. The fixed width makes SQLite's text comparisons
// order correctly; PostgreSQL reads the same literal as TIMESTAMP WITHOUT
// TIME ZONE.
const timeLayout = "2006-01-02 15:04:05.000000"

// dbTimeFloor formats t truncated to the microsecond, the precision both
// databases keep.
func dbTimeFloor(t time.Time) string {
	return t.UTC().Truncate(time.Microsecond).Format(timeLayout)
}

// dbTimeCeil formats t rounded up to the next microsecond. Comparing a
// stored (microsecond) time s with it keeps the exact meaning of the
// comparison with t: s >= t  ⇔  s >= ceil(t), and s < t  ⇔  s < ceil(t).
func dbTimeCeil(t time.Time) string {
	t = t.UTC()
	if f := t.Truncate(time.Microsecond); !f.Equal(t) {
		t = f.Add(time.Microsecond)
	}
	return t.Format(timeLayout)
}

// readLayouts are the timestamp spellings dbTime accepts when a driver
// hands over text: the kit's and SQLAlchemy's layout, ISO 8601 with "T",
// and both with a zone offset. Text without an offset is UTC.
var readLayouts = []string{
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999 -0700 MST",
}

// dbTime scans a nullable timestamp column. PostgreSQL (pgx) and
// modernc.org/sqlite (for DATETIME columns) deliver a time.Time; other
// drivers may deliver the stored text.
type dbTime struct {
	Time  time.Time
	Valid bool
}

// Scan implements sql.Scanner.
func (d *dbTime) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*d = dbTime{}
		return nil
	case time.Time:
		*d = dbTime{Time: v.UTC(), Valid: true}
		return nil
	case string:
		return d.parse(v)
	case []byte:
		return d.parse(string(v))
	default:
		return fmt.Errorf("bunstore: cannot scan %T into a timestamp", v)
	}
}

// parse reads a textual timestamp.
func (d *dbTime) parse(s string) error {
	s = strings.TrimSpace(s)
	for _, layout := range readLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			*d = dbTime{Time: t.UTC(), Valid: true}
			return nil
		}
	}
	return fmt.Errorf("bunstore: cannot parse timestamp %q", s)
}

// nullString returns nil for "" (stored as NULL) and s otherwise.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// hasNUL reports whether any of ss contains a NUL byte, which neither
// database stores in text (and bun refuses to format).
func hasNUL(ss ...string) bool {
	for _, s := range ss {
		if strings.IndexByte(s, 0) >= 0 {
			return true
		}
	}
	return false
}
