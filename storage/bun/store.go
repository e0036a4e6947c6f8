package bunstore

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/zincware/zndraw-auth-go/core"
)

// Store is a core.Store on a bun database: SQLite (sqlitedialect) or
// PostgreSQL (pgdialect). It holds no state besides the handle, so creating
// one per transaction is cheap. Its schema must have been brought up to date
// with Migrate.
//
// Every write is one SQL statement (DeleteUser on SQLite, an email change
// in UpdateUser, and RedeemChallenge of a challenge holding a token
// zndraw-auth stored: two, in a transaction or savepoint), and every state transition is a single
// conditional UPDATE ... RETURNING, correct under PostgreSQL's default READ
// COMMITTED isolation and on SQLite. When a conditional write matches no
// row, a follow-up read only decides which sentinel error to return.
type Store struct {
	db      bun.IDB
	pg      bool
	timeout time.Duration
}

var _ core.Store = (*Store)(nil)

// Option configures a Store.
type Option func(*Store)

// WithTimeout bounds every store call: each method runs under a context
// that expires d after it is called (on top of the caller's own deadline),
// and an expired call returns core.ErrUnavailable. Zero, the default,
// leaves the caller's context alone.
func WithTimeout(d time.Duration) Option {
	return func(s *Store) { s.timeout = d }
}

// New returns a Store on db, which is a *bun.DB, a bun.Conn or a bun.Tx:
// pass a transaction to make the store's writes part of it. db must use
// sqlitedialect or pgdialect; New panics on any other dialect, as that is a
// programming error.
func New(db bun.IDB, opts ...Option) *Store {
	s := &Store{db: db}
	switch name := db.Dialect().Name(); name {
	case dialect.PG:
		s.pg = true
	case dialect.SQLite:
	default:
		panic(fmt.Sprintf("bunstore: unsupported bun dialect %s (want sqlite or pg)", name))
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// ctx applies the store's timeout, if any, to ctx.
func (s *Store) ctx(ctx context.Context) (context.Context, context.CancelFunc) {
	if s.timeout > 0 {
		return context.WithTimeout(ctx, s.timeout)
	}
	return ctx, func() {}
}
