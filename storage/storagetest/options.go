package storagetest

import (
	"testing"

	"github.com/google/uuid"

	"github.com/zincware/zndraw-auth-go/core"
)

// Option configures Run.
type Option func(*options)

type options struct {
	rolledBack func(t *testing.T, st core.Store, id uuid.UUID)
	breakFeed  func(t *testing.T, st core.Store, sub core.ChangeSubscription)
}

// WithRolledBackWrite gives the change-feed section a way to write a change
// that does not commit: write should change the user id of st (any field)
// inside a transaction and roll it back, returning when the rollback is
// done. The suite then checks that no event about id reaches a
// subscription. Without it that check is skipped.
func WithRolledBackWrite(write func(t *testing.T, st core.Store, id uuid.UUID)) Option {
	return func(o *options) { o.rolledBack = write }
}

// WithBrokenFeed gives the change-feed section a way to break a
// subscription from outside, the way it breaks in production: break should
// sever what sub listens through (terminate its database connection, close
// its file handle, make it fall behind), and return. The suite then checks
// that sub reports the loss (Next fails, or returns core.ChangeResync)
// instead of going silent, and that a new subscription works. Without it
// that check is skipped.
func WithBrokenFeed(breakSub func(t *testing.T, st core.Store, sub core.ChangeSubscription)) Option {
	return func(o *options) { o.breakFeed = breakSub }
}
