package bunstore

import (
	"context"
	"errors"
	"time"

	"github.com/uptrace/bun"
)

// sqliteOpenWait bounds how long Open retries the first connection to a
// SQLite file that another connection has locked.
const sqliteOpenWait = 5 * time.Second

// ping checks the first connection. On a SQLite file, setting up a
// connection (journal_mode=WAL) can meet SQLITE_BUSY at once, without
// SQLite's busy handler, while other processes open and migrate the same
// new file; Open then tries again for up to sqliteOpenWait, as the busy
// timeout would have waited.
func ping(ctx context.Context, db *bun.DB, sqliteFile bool) error {
	deadline := time.Now().Add(sqliteOpenWait)
	for delay := 5 * time.Millisecond; ; delay = min(2*delay, 200*time.Millisecond) {
		err := db.PingContext(ctx)
		var sq sqliteCoder
		if err == nil || !sqliteFile || !errors.As(err, &sq) || sq.Code()&0xff != sqliteBusy || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(delay):
		}
	}
}
