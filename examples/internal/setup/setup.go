// Package setup holds what the example servers share: flags, settings from
// the environment, the store chosen by -database-url, the -outbox
// development hook, and graceful shutdown. It is example code: read it to
// see how a host wires the kit, then copy what you need.
package setup

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/hooks"
	"github.com/zincware/zndraw-auth-go/httpapi"
	bunstore "github.com/zincware/zndraw-auth-go/storage/bun"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// DefaultDatabaseURL is the SQLite file the example servers use by default.
const DefaultDatabaseURL = "sqlite:///zndraw-auth.db"

// Flags are the example servers' command-line flags.
type Flags struct {
	Addr        string
	DatabaseURL string
	Outbox      string
}

// ParseFlags parses -addr, -database-url and -outbox.
func ParseFlags() Flags {
	var f Flags
	flag.StringVar(&f.Addr, "addr", "127.0.0.1:8000", "listen address")
	flag.StringVar(&f.DatabaseURL, "database-url", DefaultDatabaseURL,
		"sqlite:///relative/file.db, sqlite:////absolute/file.db, sqlite://:memory:, postgres://... or memory://")
	flag.StringVar(&f.Outbox, "outbox", "", "development aid: append reset/verify tokens as JSON lines to this file")
	flag.Parse()
	return f
}

// App is a ready service with its route configuration.
type App struct {
	Service *core.Service
	Config  httpapi.Config
	Logger  *slog.Logger
	close   func()
}

// Close releases the store.
func (a *App) Close() { a.close() }

// New opens the store, loads ZNDRAW_AUTH_* settings, builds the service with
// the extra hooks (and the outbox when asked), migrates and ensures the
// default admin.
func New(ctx context.Context, f Flags, extra ...core.Hooks) (*App, error) {
	logger := NewLogger()
	return NewWith(ctx, f, Options{Hooks: hooks.Compose(extra...), Logger: logger})
}

// OpenStore returns the store for a database URL: memory:// selects the
// in-memory store, anything else is opened with storage/bun and migrated.
func OpenStore(ctx context.Context, url string) (core.Store, func(), error) {
	if isMemoryURL(url) {
		return memstore.New(), func() {}, nil
	}
	db, err := OpenDB(ctx, url)
	if err != nil {
		return nil, nil, err
	}
	return bunstore.New(db), func() { _ = db.Close() }, nil
}

// Serve listens on addr, logs "listening on http://ADDR" when ready, runs
// serve on the listener until SIGINT/SIGTERM, then calls shutdown.
func Serve(addr string, logger *slog.Logger, serve func(net.Listener) error, shutdown func(context.Context) error) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stdout, "listening on http://%s\n", ln.Addr())
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := shutdown(sctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// Fatal prints err and exits 1.
func Fatal(err error) {
	fmt.Fprintln(os.Stderr, "error:", strings.TrimSpace(err.Error()))
	os.Exit(1)
}

// Must returns v when err is nil and otherwise calls Fatal, so that a main
// reads app := setup.Must(setup.New(ctx, flags)).
func Must[T any](v T, err error) T {
	Check(err)
	return v
}

// Check calls Fatal unless err is nil or http.ErrServerClosed (what a
// net/http server's Serve returns once it has been shut down).
func Check(err error) {
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		Fatal(err)
	}
}
