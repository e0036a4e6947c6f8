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
// (or -database-url postgres://...). Settings come from the ZNDRAW_AUTH_*
// environment variables (see the README).
package main

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/uptrace/bun"

	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/examples/internal/setup"
	bunstore "github.com/zincware/zndraw-auth-go/storage/bun"
)

func main() {
	flags := setup.ParseFlags()
	ctx := context.Background()
	db := setup.Must(setup.OpenDB(ctx, flags.DatabaseURL)) // bunstore.Open + bunstore.Migrate
	defer db.Close()
	setup.Check(createJobTable(ctx, db))
	logger := setup.NewLogger()
	app := setup.Must(setup.NewWith(ctx, flags, setup.Options{Store: bunstore.New(db), Logger: logger}))
	kit := setup.Must(nethttpauth.New(app.Config))
	srv := &http.Server{Handler: newMux(kit, db, logger), ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: 64 << 10}
	setup.Check(setup.Serve(flags.Addr, app.Logger, srv.Serve, srv.Shutdown))
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
