package serve

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os/signal"
	"syscall"
)

// Run listens on addr, logs "listening on http://ADDR" (the address
// actually bound, so :0 shows its port), and runs serve on the listener
// until serve returns or ctx is done or the process gets SIGINT or SIGTERM.
// Then it calls shutdown with DefaultTimeouts().Shutdown to finish the
// requests in flight. serve and shutdown are a server's methods: those of
// an *http.Server (see ListenAndServe), or a fiber app's Listener and
// ShutdownWithContext. A serve error after a shutdown began
// (http.ErrServerClosed) is not an error.
func Run(ctx context.Context, addr string, logger *slog.Logger, serve func(net.Listener) error, shutdown func(context.Context) error) error {
	if logger == nil {
		logger = slog.Default()
	}
	ln, err := net.Listen("tcp", addr)
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
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), DefaultTimeouts().Shutdown)
	defer cancel()
	if err := shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.InfoContext(ctx, "stopped")
	return nil
}

// ListenAndServe runs srv on addr with Run.
func ListenAndServe(ctx context.Context, addr string, srv *http.Server, logger *slog.Logger) error {
	return Run(ctx, addr, logger, srv.Serve, srv.Shutdown)
}
