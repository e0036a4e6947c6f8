package serve

import (
	"context"
	"errors"
	"log/slog"

	"github.com/uptrace/bun"

	"github.com/zincware/zndraw-auth-go/core"
	bunstore "github.com/zincware/zndraw-auth-go/storage/bun"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// MemoryURL selects the in-memory store in OpenStore.
const MemoryURL = "memory://"

// OpenStore returns the store a database URL names, and the function that
// closes it: MemoryURL is the in-memory store (one process, lost at exit);
// every other URL is opened and migrated by OpenDB. Migrate logs to logger
// (nil: slog.Default()).
func OpenStore(ctx context.Context, url string, logger *slog.Logger) (core.Store, func() error, error) {
	if url == MemoryURL {
		return memstore.New(), func() error { return nil }, nil
	}
	db, err := OpenDB(ctx, url, logger)
	if err != nil {
		return nil, nil, err
	}
	return bunstore.New(db), db.Close, nil
}

// OpenDB opens the SQL database a URL names (bunstore.Open: sqlite:///
// relative/file.db, sqlite:////absolute/file.db, sqlite://:memory:,
// postgres://...) and brings the kit's schema up to date (bunstore.Migrate,
// logged to logger), for hosts that keep their own tables in the same
// database. MemoryURL is refused: no SQL database is behind it.
func OpenDB(ctx context.Context, url string, logger *slog.Logger) (*bun.DB, error) {
	if url == MemoryURL {
		return nil, errors.New("this server needs a SQL database: use sqlite://:memory:, sqlite:///file.db or postgres://... instead of memory://")
	}
	db, err := bunstore.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	if err := bunstore.Migrate(ctx, db, bunstore.WithMigrateLogger(logger)); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}
