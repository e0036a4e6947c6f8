package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"github.com/uptrace/bun"

	"github.com/zincware/zndraw-auth-go/core"
	bunstore "github.com/zincware/zndraw-auth-go/storage/bun"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// PostgresDSNEnv names the environment variable with the PostgreSQL URL the
// PostgreSQL measurements run against; they are skipped when it is unset.
const PostgresDSNEnv = "ZNDRAW_AUTH_TEST_POSTGRES_DSN"

// StoreKind names a store the measurements run on.
type StoreKind string

// The stores.
const (
	// Memory is storage/memory.
	Memory StoreKind = "memory"
	// SQLiteMemory is storage/bun on an in-memory SQLite database (one
	// connection).
	SQLiteMemory StoreKind = "sqlite-mem"
	// SQLiteFile is storage/bun on a SQLite file (WAL, four connections).
	SQLiteFile StoreKind = "sqlite-file"
	// Postgres is storage/bun on PostgreSQL, in a fresh schema.
	Postgres StoreKind = "postgres"
)

// ErrNoPostgres is returned by OpenStore for Postgres when PostgresDSNEnv is
// not set.
var ErrNoPostgres = errors.New("bench: " + PostgresDSNEnv + " is not set")

// Store is an opened, migrated store.
type Store struct {
	// Kind is what it is.
	Kind StoreKind
	// Store is the core.Store.
	core.Store
	// DB is the database of a bun store (nil for Memory).
	DB *bun.DB
	// Schema is the PostgreSQL schema the store lives in ("" otherwise).
	Schema string
	// URL is the database URL of a bun store.
	URL string

	close    func() error
	services []*core.Service // built by NewService, closed by Close
}

// WithoutFeed returns st with its change feed hidden: a Service built on
// it runs as on a store without one, as every store did before the feed
// existed. Closing it closes only the Services built on it.
func (s *Store) WithoutFeed() *Store {
	return &Store{Kind: s.Kind, Store: struct{ core.Store }{s.Store}, DB: s.DB, Schema: s.Schema, URL: s.URL}
}

// Close releases the store: it closes the Services built on it with
// NewService (their change feeds), the database, and drops a PostgreSQL
// schema with everything in it.
func (s *Store) Close() error {
	for _, svc := range s.services {
		_ = svc.Close()
	}
	s.services = nil
	if s.close == nil {
		return nil
	}
	return s.close()
}

// OpenStore opens and migrates an empty store of kind. A SQLite file is
// created in dir; a PostgreSQL store lives in a new schema zab_<random> of
// the database named by PostgresDSNEnv, dropped by Close.
func OpenStore(ctx context.Context, kind StoreKind, dir string) (*Store, error) {
	switch kind {
	case Memory:
		return &Store{Kind: kind, Store: memstore.New()}, nil
	case SQLiteMemory:
		return openBun(ctx, kind, "sqlite://:memory:", nil)
	case SQLiteFile:
		path, err := filepath.Abs(filepath.Join(dir, "bench-"+randomHex(4)+".db"))
		if err != nil {
			return nil, err
		}
		return openBun(ctx, kind, "sqlite:///"+path, func() error {
			var errs []error
			for _, suffix := range []string{"", "-wal", "-shm"} {
				if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
					errs = append(errs, err)
				}
			}
			return errors.Join(errs...)
		})
	case Postgres:
		return openPostgres(ctx)
	}
	return nil, fmt.Errorf("bench: unknown store %q", kind)
}

// openBun opens and migrates rawURL; cleanup runs after the database is
// closed.
func openBun(ctx context.Context, kind StoreKind, rawURL string, cleanup func() error) (*Store, error) {
	db, err := bunstore.Open(ctx, rawURL)
	if err != nil {
		return nil, err
	}
	if err := bunstore.Migrate(ctx, db); err != nil {
		_ = db.Close()
		return nil, err
	}
	return &Store{Kind: kind, Store: bunstore.New(db), DB: db, URL: rawURL, close: func() error {
		err := db.Close()
		if cleanup != nil {
			err = errors.Join(err, cleanup())
		}
		return err
	}}, nil
}

// openPostgres creates a fresh schema and opens a migrated store in it.
func openPostgres(ctx context.Context) (*Store, error) {
	dsn := os.Getenv(PostgresDSNEnv)
	if dsn == "" {
		return nil, ErrNoPostgres
	}
	admin, err := bunstore.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	schema := "zab_" + randomHex(8)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA ?", bun.Ident(schema)); err != nil {
		_ = admin.Close()
		return nil, fmt.Errorf("bench: create schema: %w", err)
	}
	drop := func() error {
		_, err := admin.ExecContext(context.Background(), "DROP SCHEMA ? CASCADE", bun.Ident(schema))
		return errors.Join(err, admin.Close())
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, errors.Join(err, drop())
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	st, err := openBun(ctx, Postgres, u.String(), drop)
	if err != nil {
		return nil, errors.Join(err, drop())
	}
	st.Schema = schema
	return st, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
