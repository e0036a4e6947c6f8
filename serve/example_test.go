package serve_test

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"

	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/httpapi"
	"github.com/zincware/zndraw-auth-go/serve"
)

// The limits a server gets from NewServer.
func ExampleNewServer() {
	srv := serve.NewServer(http.NotFoundHandler(), serve.DefaultTimeouts())
	fmt.Println(srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout, srv.MaxHeaderBytes)
	// Output: 5s 15s 30s 2m0s 65536
}

// What the flags choose in an adapter's configuration.
func ExampleFlags_Apply() {
	fs := flag.NewFlagSet("my-server", flag.ExitOnError)
	flags := serve.NewFlags(fs)
	_ = fs.Parse([]string{"-openapi=false", "-register=false"})
	var cfg httpapi.Config
	flags.Apply(&cfg)
	fmt.Println(flags.Addr, cfg.ApprovalPage, cfg.OpenAPI, cfg.Groups.Register, cfg.Groups.JWT)
	// Output: 127.0.0.1:8000 true false false true
}

// A complete server program: the store from -database-url, settings from
// the environment, every router with the approval page and the OpenAPI
// document (unless the flags turn them off), limits against slow clients,
// and graceful shutdown. examples/nethttp adds demo routes.
func ExampleMain() {
	serve.Main("my-server", func(ctx context.Context, flags *serve.Flags, logger *slog.Logger) error {
		store, closeStore, err := serve.OpenStore(ctx, flags.DatabaseURL, logger)
		if err != nil {
			return err
		}
		defer closeStore()
		cfg, err := flags.Config(ctx, store, core.Hooks{}, logger) // no hooks of our own; the Service logs security events itself
		if err != nil {
			return err
		}
		kit, err := nethttpauth.New(cfg)
		if err != nil {
			return err
		}
		mux := http.NewServeMux()
		kit.Mount(mux)
		return serve.ListenAndServe(ctx, flags.Addr, serve.NewServer(mux, serve.DefaultTimeouts()), logger, cfg.Service)
	})
}
