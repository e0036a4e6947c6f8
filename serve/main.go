package serve

import (
	"context"
	"log/slog"
	"os"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/hooks"
	"github.com/zincware/zndraw-auth-go/httpapi"
)

// Main is the main function of a server program: it parses the command
// line (ParseFlags, so -version prints program's version and exits),
// logs through slog to standard error, and calls run. When run fails, its
// error is logged as one line and the process exits with status 1.
//
//	func main() { serve.Main("my-server", run) }
func Main(program string, run func(ctx context.Context, flags *Flags, logger *slog.Logger) error) {
	flags := ParseFlags(program)
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(context.Background(), flags, logger); err != nil {
		logger.Error(err.Error())
		os.Exit(1)
	}
}

// Config is ConfigFromEnv with the flags applied: the host's hooks h and
// then the flags' (-outbox), and the parts the flags turn on or off.
func (f *Flags) Config(ctx context.Context, store core.Store, h core.Hooks, logger *slog.Logger) (httpapi.Config, error) {
	cfg, err := ConfigFromEnv(ctx, store, hooks.Compose(h, f.Hooks()), logger)
	if err != nil {
		return cfg, err
	}
	f.Apply(&cfg)
	return cfg, nil
}
