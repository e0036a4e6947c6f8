// Package serve runs a zndraw-auth server the way the kit's example servers
// do, in a few small functions a host may use or copy:
//
//   - NewServer: an *http.Server with limits that keep slow and idle
//     clients from holding connections (DefaultTimeouts; the values and
//     the reasons are in docs/adapters.md, "Serving");
//   - Run and ListenAndServe: listen, log "listening on" through slog, and
//     shut down gracefully on SIGINT or SIGTERM, waiting for the mails the
//     Service still has to deliver;
//   - OpenStore and OpenDB: the store a database URL names (memory://, or
//     a SQLite or PostgreSQL URL, migrated);
//   - ConfigFromEnv: settings from the ZNDRAW_AUTH_* variables, the
//     Service, the default admin and the trusted proxies, as an
//     httpapi.Config for any adapter;
//   - Main, Flags: a server's main function and the example servers'
//     command-line flags (-addr, -database-url, -outbox, -approval-page,
//     -openapi, -register, -version), and Outbox, the development hook
//     behind -outbox;
//   - Version: the kit's module version.
//
// A server program is serve.Main with a run function (see ExampleMain;
// examples/nethttp is one in full):
//
//	func main() { serve.Main("my-server", run) }
//
//	func run(ctx context.Context, flags *serve.Flags, logger *slog.Logger) error {
//		store, closeStore, err := serve.OpenStore(ctx, flags.DatabaseURL, logger)
//		...
//		cfg, err := flags.Config(ctx, store, core.Hooks{}, logger)
//		...
//		kit, err := nethttpauth.New(cfg)
//		...
//		return serve.ListenAndServe(ctx, flags.Addr, serve.NewServer(mux, serve.DefaultTimeouts()), logger, cfg.Service)
//	}
package serve
