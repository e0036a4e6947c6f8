// Command joblib is the "Extending with Custom Models (zndraw-joblib)" story
// of the zndraw-auth README in Go: a host application keeps its own model,
// Job, in the database of the kit, with a foreign key to the kit's "user"
// table (ON DELETE CASCADE), and protects its routes with the kit's
// middleware:
//
//	POST /jobs       {"name":"..."} → 201 {"id","name","status":"pending"}
//	GET  /jobs       the current user's jobs only
//	GET  /jobs/{id}  one of the current user's jobs; anyone else's → 404 {"detail":"Job not found"}
//
// All three need a bearer token of an active user (401 otherwise). Deleting
// a user (DELETE /users/{id} by a superuser) deletes that user's jobs in the
// database, through the foreign key.
//
// The schema is brought up in three steps: bunstore.Open (which turns
// SQLite's foreign keys on), bunstore.Migrate (the kit's tables), then the
// host's own CREATE TABLE through the same bun.DB (see createJobTable).
//
// Run it with
//
//	go run ./examples/joblib [-addr 127.0.0.1:8000] [-database-url sqlite:///zndraw-auth.db]
//
// (or -database-url postgres://...; the other flags of examples/nethttp
// too). Settings come from the ZNDRAW_AUTH_* environment variables (see the
// README). The files of package main are self-contained: copied into a
// module of your own they build with only the kit's public packages and
// bun.
package main

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/uptrace/bun"

	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/serve"
	bunstore "github.com/zincware/zndraw-auth-go/storage/bun"
)

func main() { serve.Main("examples/joblib", run) }

// run brings up the schema (the kit's tables, then the job table) and
// serves until SIGINT or SIGTERM.
func run(ctx context.Context, flags *serve.Flags, logger *slog.Logger) error {
	db, err := serve.OpenDB(ctx, flags.DatabaseURL, logger) // bunstore.Open + bunstore.Migrate
	if err != nil {
		return err
	}
	defer db.Close()
	if err := createJobTable(ctx, db); err != nil {
		return err
	}
	cfg, err := flags.Config(ctx, bunstore.New(db), core.Hooks{}, logger) // no hooks of our own; the Service logs security events itself
	if err != nil {
		return err
	}
	kit, err := nethttpauth.New(cfg)
	if err != nil {
		return err
	}
	return serve.ListenAndServe(ctx, flags.Addr, serve.NewServer(newMux(kit, db, logger), serve.DefaultTimeouts()), logger, cfg.Service)
}

// newMux mounts the kit's routes and the job routes; unknown paths answer
// like the reference.
func newMux(kit *nethttpauth.Kit, db bun.IDB, logger *slog.Logger) *http.ServeMux {
	mux := http.NewServeMux()
	kit.Mount(mux)
	jobRoutes{db: db, log: logger}.mount(mux, kit)
	mux.Handle("/", nethttpauth.NotFoundHandler())
	return mux
}
