// Command hooks is a zndraw-auth server (net/http adapter) with lifecycle
// hooks of the host application, combined by hooks.Compose (the Service
// logs the security events itself):
//
//   - OnAfterRegister sends a welcome message through an injected Sender
//     (LogSender, which only logs, by default) and writes a row to the host's
//     own welcome_log table, created through bun in the kit's database;
//   - ValidatePassword adds a stricter policy: at least 12 characters and
//     not containing the local part of the email. A rejected password is
//     400 {"detail":{"code":"REGISTER_INVALID_PASSWORD","reason":"..."}};
//   - OnBeforeDelete keeps the accounts listed in -protect: deleting one
//     answers 403 {"detail":"Forbidden"}.
//
// The semantics the hooks rely on (documented on core.Hooks): before-hooks
// (ValidatePassword, OnBeforeDelete) run before anything is written and veto
// with an error; after-hooks (OnAfter*) run after the write is committed,
// and their errors are logged, never returned: a failing mail server does
// not undo or fail a registration. Composed after-hooks all run, even when
// an earlier one fails.
//
// Run it with
//
//	go run ./examples/hooks [-addr 127.0.0.1:8000] [-database-url sqlite:///zndraw-auth.db] [-protect admin@example.com]
//
// (and the other flags of examples/nethttp). Settings come from the
// ZNDRAW_AUTH_* environment variables (see the README). The files of
// package main are self-contained: copied into a module of your own they
// build with only the kit's public packages and bun.
package main

import (
	"context"
	"flag"
	"log/slog"
	"net/http"
	"strings"

	"github.com/uptrace/bun"

	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/hooks"
	"github.com/zincware/zndraw-auth-go/serve"
	bunstore "github.com/zincware/zndraw-auth-go/storage/bun"
)

func main() {
	protect := flag.String("protect", "", "comma-separated emails of accounts that cannot be deleted")
	serve.Main("examples/hooks", func(ctx context.Context, flags *serve.Flags, logger *slog.Logger) error {
		return run(ctx, flags, strings.Split(*protect, ","), logger)
	})
}

// run opens the kit's database, adds the host's welcome_log table to it,
// and serves with the application's hooks until SIGINT or SIGTERM.
func run(ctx context.Context, flags *serve.Flags, protected []string, logger *slog.Logger) error {
	db, err := serve.OpenDB(ctx, flags.DatabaseURL, logger) // bunstore.Open + bunstore.Migrate
	if err != nil {
		return err
	}
	defer db.Close()
	if err := createWelcomeLog(ctx, db); err != nil {
		return err
	}
	cfg, err := flags.Config(ctx, bunstore.New(db), appHooks(db, LogSender{Logger: logger}, protected), logger)
	if err != nil {
		return err
	}
	kit, err := nethttpauth.New(cfg)
	if err != nil {
		return err
	}
	return serve.ListenAndServe(ctx, flags.Addr, serve.NewServer(newMux(kit), serve.DefaultTimeouts()), logger, cfg.Service)
}

// appHooks is every hook set of the application, run in this order: the
// password policy, the welcome mail, the welcome_log row,
// the delete protection. Before-hooks stop at the first veto; after-hooks
// all run.
func appHooks(db bun.IDB, sender Sender, protected []string) core.Hooks {
	return hooks.Compose(
		passwordPolicy(),
		welcomeMail(sender),
		welcomeLogHook(db),
		protectAccounts(protected),
	)
}

// newMux mounts the kit's routes; unknown paths answer like the reference.
func newMux(kit *nethttpauth.Kit) *http.ServeMux {
	mux := http.NewServeMux()
	kit.Mount(mux)
	mux.Handle("/", nethttpauth.NotFoundHandler())
	return mux
}
