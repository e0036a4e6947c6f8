package bunstore

import "github.com/zincware/zndraw-auth-go/core"

// FeedBackendPID returns the PostgreSQL process id of a PostgreSQL
// subscription's connection (0 for any other subscription).
func FeedBackendPID(sub core.ChangeSubscription) uint32 {
	if s, ok := sub.(*pgSubscription); ok {
		return s.backendPID()
	}
	return 0
}

// CloseFeedFile closes the connection of a SQLite subscription under it,
// as a lost file handle would.
func CloseFeedFile(sub core.ChangeSubscription) {
	if s, ok := sub.(*sqliteSubscription); ok {
		_ = s.conn.Close()
	}
}
