package serve_test

import (
	"context"
	"flag"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/httpapi"
	"github.com/zincware/zndraw-auth-go/serve"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// TestMainFailure: Main logs run's error as one line on standard error and
// exits 1 (run in a child process, since it exits).
func TestMainFailure(t *testing.T) {
	if os.Getenv("SERVE_TEST_MAIN_CHILD") == "1" {
		flag.CommandLine = flag.NewFlagSet("child", flag.ExitOnError)
		os.Args = []string{"child", "-database-url", "sqlite:///" + filepath.Join(os.Getenv("SERVE_TEST_DIR"), "missing", "x.db")}
		serve.Main("my-server", func(ctx context.Context, flags *serve.Flags, logger *slog.Logger) error {
			_, _, err := serve.OpenStore(ctx, flags.DatabaseURL, logger)
			return err
		})
		t.Fatal("Main returned after a failure")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestMainFailure$")
	cmd.Env = append(os.Environ(), "SERVE_TEST_MAIN_CHILD=1", "SERVE_TEST_DIR="+t.TempDir())
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	exit, ok := err.(*exec.ExitError)
	if !ok || exit.ExitCode() != 1 {
		t.Fatalf("child: %v, stderr %s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "level=ERROR") || !strings.Contains(lines[0], "does not exist") {
		t.Errorf("want one ERROR line, got %q", stderr.String())
	}
}

// TestFlagsConfig: the configuration of the flags, with the -outbox hook
// composed after the host's.
func TestFlagsConfig(t *testing.T) {
	setProductionEnv(t)
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	flags := serve.NewFlags(fs)
	outbox := filepath.Join(t.TempDir(), "outbox.jsonl")
	if err := fs.Parse([]string{"-outbox", outbox, "-openapi=false"}); err != nil {
		t.Fatal(err)
	}
	registered := 0
	host := core.Hooks{OnAfterRegister: func(context.Context, core.User, core.RequestMeta) error { registered++; return nil }}
	cfg, err := flags.Config(t.Context(), memstore.New(), host, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.ApprovalPage || cfg.OpenAPI || cfg.Groups == nil || *cfg.Groups != httpapi.AllGroups() {
		t.Errorf("cfg %+v", cfg)
	}
	svc := cfg.Service
	t.Cleanup(func() { _ = svc.Close() })
	if _, err := svc.Register(t.Context(), core.UserCreate{Email: "bob@example.com", Password: "correct horse battery"}, core.RequestMeta{}); err != nil {
		t.Fatal(err)
	}
	if err := svc.ForgotPassword(t.Context(), "bob@example.com", core.RequestMeta{}); err != nil {
		t.Fatal(err)
	}
	if err := svc.Drain(t.Context()); err != nil { // delivery hooks run in the background
		t.Fatal(err)
	}
	data, err := os.ReadFile(outbox)
	if registered != 1 || err != nil || !strings.Contains(string(data), `"kind":"reset"`) {
		t.Errorf("host hook ran %d times; outbox %q, %v", registered, data, err)
	}
}
