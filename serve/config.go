package serve

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/httpapi"
)

// TrustedProxiesEnv is the variable ConfigFromEnv reads the trusted proxies
// from (a comma-separated list of IPs and CIDR prefixes).
const TrustedProxiesEnv = core.EnvPrefix + "TRUSTED_PROXIES"

// ConfigFromEnv builds the Service on store the way the example servers
// do and returns its httpapi.Config for any adapter's New: settings from
// the ZNDRAW_AUTH_* variables (core.LoadSettingsFromEnv; core.New logs a
// warning for each weakened setting and unknown variable), the lifecycle
// hooks h, the default admin ensured (Service.EnsureDefaultAdmin), and
// the trusted proxies from TrustedProxiesEnv. Every error is one line that
// names what to fix. The optional parts (approval page, OpenAPI document)
// stay off; Flags.Apply turns them on. The Service holds a change-feed
// subscription when the store has one: pass it to Run (which drains and
// closes it at shutdown), or Close it yourself.
func ConfigFromEnv(ctx context.Context, store core.Store, h core.Hooks, logger *slog.Logger) (httpapi.Config, error) {
	if logger == nil {
		logger = slog.Default()
	}
	settings, err := core.LoadSettingsFromEnv()
	if err != nil {
		return httpapi.Config{}, fmt.Errorf("settings: %w", err)
	}
	proxies, err := httpapi.ParseTrustedProxies(os.Getenv(TrustedProxiesEnv))
	if err != nil {
		return httpapi.Config{}, fmt.Errorf("%s: %w", TrustedProxiesEnv, err)
	}
	svc, err := core.New(store, settings, core.WithHooks(h), core.WithLogger(logger))
	if err != nil {
		return httpapi.Config{}, err
	}
	if err := svc.EnsureDefaultAdmin(ctx); err != nil {
		_ = svc.Close()
		return httpapi.Config{}, err
	}
	return httpapi.Config{Service: svc, TrustedProxies: proxies, Logger: logger}, nil
}
