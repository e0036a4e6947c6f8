// Command customstore is a zndraw-auth server (net/http adapter) on storage
// written outside the kit, the way a host plugs in its own: a core.Store
// that keeps users in the host application's existing accounts table, with
// its own column names (account_id, login_email, pw_hash, active, admin,
// email_confirmed, token_version), written with database/sql on SQLite.
// It passes the kit's storagetest suite (see store_test.go), which is how
// any custom store proves it keeps the contract.
//
// The design, and why:
//
//   - Users: accounts, mapped column by column (users.go). The contract asks
//     for case-insensitive unique emails (a unique index on
//     lower(login_email)), preconditions checked in the same conditional
//     UPDATE as the write (core.ErrConflict when one fails), the token
//     version incremented by the database, and core.ErrNotFound /
//     core.ErrAlreadyExists for missing rows and unique violations.
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
// (SQLite URLs only). Settings come from the ZNDRAW_AUTH_* environment
// variables (see the README).
package main

import (
	"context"
	"net/http"
	"time"

	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/examples/internal/setup"
)

func main() {
	flags := setup.ParseFlags()
	ctx := context.Background()
	db, store, err := Open(ctx, flags.DatabaseURL)
	setup.Check(err)
	defer db.Close()
	logger := setup.NewLogger()
	app := setup.Must(setup.NewWith(ctx, flags, setup.Options{Store: store, Logger: logger}))
	kit := setup.Must(nethttpauth.New(app.Config))
	srv := &http.Server{Handler: newMux(kit), ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: 64 << 10}
	setup.Check(setup.Serve(flags.Addr, app.Logger, srv.Serve, srv.Shutdown))
}

// newMux mounts the kit's routes; unknown paths answer like the reference.
func newMux(kit *nethttpauth.Kit) *http.ServeMux {
	mux := http.NewServeMux()
	kit.Mount(mux)
	mux.Handle("/", nethttpauth.NotFoundHandler())
	return mux
}
