package setup

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/uptrace/bun"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/hooks"
	"github.com/zincware/zndraw-auth-go/httpapi"
	bunstore "github.com/zincware/zndraw-auth-go/storage/bun"
)

// Options adjust NewWith for examples that build their own store or hooks.
// The zero value opens the store from Flags.DatabaseURL and runs no hooks
// besides the -outbox one.
type Options struct {
	// Store is used instead of opening Flags.DatabaseURL. The caller keeps
	// it: App.Close does not close it.
	Store core.Store
	// Hooks are the service's lifecycle hooks; the -outbox hook is added
	// after them when asked for.
	Hooks core.Hooks
	// Logger replaces NewLogger().
	Logger *slog.Logger
}

// NewLogger returns the examples' logger: text lines on stderr.
func NewLogger() *slog.Logger { return slog.New(slog.NewTextHandler(os.Stderr, nil)) }

// NewWith is New with the store, hooks and logger given by o: it loads
// ZNDRAW_AUTH_* settings, builds the service and ensures the default admin.
func NewWith(ctx context.Context, f Flags, o Options) (*App, error) {
	logger := o.Logger
	if logger == nil {
		logger = NewLogger()
	}
	settings, err := core.LoadSettingsFromEnv()
	if err != nil {
		return nil, err
	}
	proxies, err := httpapi.ParseTrustedProxies(os.Getenv("ZNDRAW_AUTH_TRUSTED_PROXIES"))
	if err != nil {
		return nil, fmt.Errorf("ZNDRAW_AUTH_TRUSTED_PROXIES: %w", err)
	}
	store, closeStore := o.Store, func() {}
	if store == nil {
		store, closeStore, err = OpenStore(ctx, f.DatabaseURL)
		if err != nil {
			return nil, err
		}
	}
	hs := []core.Hooks{o.Hooks}
	if f.Outbox != "" {
		hs = append(hs, Outbox(f.Outbox))
	}
	svc, err := core.New(store, settings, core.WithHooks(hooks.Compose(hs...)), core.WithLogger(logger))
	if err != nil {
		closeStore()
		return nil, err
	}
	if err := svc.EnsureDefaultAdmin(ctx); err != nil {
		closeStore()
		return nil, err
	}
	return &App{
		Service: svc,
		Config:  httpapi.Config{Service: svc, TrustedProxies: proxies, Logger: logger},
		Logger:  logger,
		close:   closeStore,
	}, nil
}

// OpenDB opens the SQL database named by url with storage/bun and migrates
// the kit's schema, for examples that keep their own tables next to the
// kit's in the same database. memory:// is refused: there is no SQL
// database behind it.
func OpenDB(ctx context.Context, url string) (*bun.DB, error) {
	if isMemoryURL(url) {
		return nil, errors.New("this example needs a SQL database: use -database-url sqlite://:memory:, sqlite:///file.db or postgres://... instead of memory://")
	}
	db, err := bunstore.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	if err := bunstore.Migrate(ctx, db); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

// isMemoryURL reports whether url selects the in-memory store.
func isMemoryURL(url string) bool { return url == "memory://" || url == "memory" }
