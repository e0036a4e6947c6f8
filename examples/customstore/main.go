// Command customstore is a zndraw-auth server (net/http adapter) on storage
// written outside the kit, the way a host plugs in its own: a core.Store
// that keeps users in the host application's existing accounts table, with
// its own column names (account_id, login_email, pw_hash, active, admin,
// email_confirmed, token_version), written with database/sql on SQLite.
// It passes the kit's storagetest suite (see store_test.go), which is how
// any custom store proves it keeps what core.Store documents.
//
// The design, and why:
//
//   - Users: accounts, mapped column by column (users.go). core.UserStore
//     asks for emails unique by core.EmailKey (a login_email_key column
//     with a unique index: SQLite's lower() folds ASCII only),
//     preconditions checked in the same conditional UPDATE as the write
//     (core.ErrConflict when one fails), the token version incremented by
//     the database, and core.ErrNotFound / core.ErrAlreadyExists for
//     missing rows and unique violations.
//   - CLI login challenges: account_login_challenge, the store's own table
//     (challenges.go). A challenge records the user who approved it, and
//     the kit's cliloginchallenge table has a foreign key to the kit's
//     "user" table, which would reject approvers that live in accounts.
//     Next to accounts, the foreign key points at the right table, and
//     deleting an account keeps the challenges it approved with a NULL
//     approver (ON DELETE SET NULL), as core.UserStore.DeleteUser requires.
//   - Revoked tokens and rate-limit counters reference no user: they are
//     delegated to the kit's bun store on the same database (Store embeds
//     its core.RevocationStore and core.RateLimitStore).
//
// bunstore.Migrate creates the kit's tables for the delegated parts; its
// "user" and cliloginchallenge tables exist too, and stay empty.
//
// Run it with
//
//	go run ./examples/customstore [-addr 127.0.0.1:8000] [-database-url sqlite:///zndraw-auth.db]
//
// (SQLite URLs only; the other flags of examples/nethttp too). Settings
// come from the ZNDRAW_AUTH_* environment variables (see the README). The
// files of package main are self-contained: copied into a module of your
// own they build with only the kit's public packages and bun.
package main

import (
	"context"
	"log/slog"
	"net/http"

	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/serve"
)

func main() { serve.Main("examples/customstore", run) }

// run opens the custom store and serves until SIGINT or SIGTERM.
func run(ctx context.Context, flags *serve.Flags, logger *slog.Logger) error {
	db, store, err := Open(ctx, flags.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	cfg, err := flags.Config(ctx, store, core.Hooks{}, logger) // no hooks of our own; the Service logs security events itself
	if err != nil {
		return err
	}
	kit, err := nethttpauth.New(cfg)
	if err != nil {
		return err
	}
	return serve.ListenAndServe(ctx, flags.Addr, serve.NewServer(newMux(kit), serve.DefaultTimeouts()), logger, cfg.Service)
}

// newMux mounts the kit's routes; unknown paths answer like the reference.
func newMux(kit *nethttpauth.Kit) *http.ServeMux {
	mux := http.NewServeMux()
	kit.Mount(mux)
	mux.Handle("/", nethttpauth.NotFoundHandler())
	return mux
}
