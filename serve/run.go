package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os/signal"
	"syscall"
)

// Drainer is what Run waits for once the server has stopped: a
// *core.Service, whose delivery hooks (reset and verification mails) run
// in the background. A Drainer that also has a Close method (a
// *core.Service: its change-feed subscription) is closed after it drained.
type Drainer interface {
	Drain(ctx context.Context) error
}

// Run listens on addr, logs "listening on http://ADDR" (the address
// actually bound, so :0 shows its port), and runs serve on the listener
// until serve returns or ctx is done or the process gets SIGINT or SIGTERM.
// Then it calls shutdown to finish the requests in flight and waits for
// the deliveries of drain (pass the Service, so that no mail queued by the
// last requests is lost), all within ShutdownTimeout. serve and
// shutdown are a server's methods: those of an *http.Server (see
// ListenAndServe), or a fiber app's Listener and ShutdownWithContext. A
// serve error after a shutdown began (http.ErrServerClosed) is not an
// error.
func Run(ctx context.Context, addr string, logger *slog.Logger, serve func(net.Listener) error, shutdown func(context.Context) error, drain ...Drainer) error {
	if logger == nil {
		logger = slog.Default()
	}
	ln, err := net.Listen("tcp", addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("%s is already in use by another process: stop it, or listen on another address (%w)", addr, err)
	}
	if err != nil {
		return err
	}
	logger.InfoContext(ctx, "listening on http://"+ln.Addr().String(), "addr", ln.Addr().String())
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- serve(ln) }()
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	case <-ctx.Done():
	}
	logger.InfoContext(ctx, "shutting down")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ShutdownTimeout)
	defer cancel()
	if err := shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	for _, d := range drain {
		if err := d.Drain(sctx); err != nil {
			return fmt.Errorf("waiting for deliveries: %w", err)
		}
		if c, ok := d.(interface{ Close() error }); ok {
			if err := c.Close(); err != nil {
				return err
			}
		}
	}
	logger.InfoContext(ctx, "stopped")
	return nil
}

// ListenAndServe runs srv on addr with Run, draining drain at shutdown.
func ListenAndServe(ctx context.Context, addr string, srv *http.Server, logger *slog.Logger, drain ...Drainer) error {
	return Run(ctx, addr, logger, srv.Serve, srv.Shutdown, drain...)
}
