// Package serve runs a zndraw-auth server the way the kit's example servers
// do, in a few small functions a host may use or copy:
//
//   - NewServer: an *http.Server with limits that keep slow and idle
//     clients from holding connections (DefaultTimeouts; the values and
//     the reasons are in docs/adapters.md, "Serving");
//   - Run and ListenAndServe: listen, log "listening on" through slog, and
//     shut down gracefully on SIGINT or SIGTERM;
//   - OpenStore and OpenDB: the store a database URL names (memory://, or
//     a SQLite or PostgreSQL URL, migrated);
//   - ConfigFromEnv: settings from the ZNDRAW_AUTH_* variables, the
//     Service, the default admin and the trusted proxies, as an
//     httpapi.Config for any adapter;
//   - Flags: the example servers' command-line flags (-addr,
//     -database-url, -outbox, -approval-page, -openapi, -register,
//     -version), and Outbox, the development hook behind -outbox;
//   - Version: the kit's module version.
//
// A complete server on net/http:
//
//	flags := serve.ParseFlags("my-server")
//	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
//	store, closeStore, err := serve.OpenStore(ctx, flags.DatabaseURL, logger)
//	...
//	cfg, err := serve.ConfigFromEnv(ctx, store, hooks.Compose(hooks.Audit(logger), flags.Hooks()), logger)
//	...
//	flags.Apply(&cfg)
//	kit, err := nethttpauth.New(cfg)
//	...
//	mux := http.NewServeMux()
//	kit.Mount(mux)
//	err = serve.ListenAndServe(ctx, flags.Addr, serve.NewServer(mux, serve.DefaultTimeouts()), logger)
//
// (examples/nethttp is this program in full).
package serve
