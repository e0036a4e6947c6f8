package serve_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
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
	bunstore "github.com/zincware/zndraw-auth-go/storage/bun"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

func TestOpenStore(t *testing.T) {
	ctx := t.Context()
	st, closeStore, err := serve.OpenStore(ctx, serve.MemoryURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := st.(*memstore.Store); !ok {
		t.Errorf("memory://: %T", st)
	}
	if err := closeStore(); err != nil {
		t.Error(err)
	}

	var logs bytes.Buffer
	url := "sqlite:///" + filepath.Join(t.TempDir(), "auth.db")
	st, closeStore, err = serve.OpenStore(ctx, url, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer closeStore()
	if _, ok := st.(*bunstore.Store); !ok {
		t.Errorf("%s: %T", url, st)
	}
	if !strings.Contains(logs.String(), "schema migrated") {
		t.Errorf("Migrate did not log to the given logger: %q", logs.String())
	}

	if _, err := serve.OpenDB(ctx, serve.MemoryURL, nil); err == nil || !strings.Contains(err.Error(), "SQL database") {
		t.Errorf("OpenDB(memory://) = %v", err)
	}
}

// setProductionEnv sets the variables of a production configuration.
func setProductionEnv(t *testing.T) {
	t.Setenv("ZNDRAW_AUTH_SECRET_KEY", strings.Repeat("s", 32))
	t.Setenv("ZNDRAW_AUTH_RESET_PASSWORD_TOKEN_SECRET", strings.Repeat("r", 32))
	t.Setenv("ZNDRAW_AUTH_VERIFICATION_TOKEN_SECRET", strings.Repeat("v", 32))
	t.Setenv("ZNDRAW_AUTH_DEFAULT_ADMIN_EMAIL", "admin@example.com")
	t.Setenv("ZNDRAW_AUTH_DEFAULT_ADMIN_PASSWORD", "admin-password")
}

func TestConfigFromEnv(t *testing.T) {
	quiet := slog.New(slog.DiscardHandler)
	t.Run("production", func(t *testing.T) {
		setProductionEnv(t)
		t.Setenv(serve.TrustedProxiesEnv, "10.0.0.1, 192.168.0.0/16")
		st := memstore.New()
		cfg, err := serve.ConfigFromEnv(t.Context(), st, core.Hooks{}, quiet)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cfg.Service.Close() })
		if len(cfg.TrustedProxies) != 2 || cfg.Service == nil || cfg.Service.IsDevMode() || cfg.Logger != quiet {
			t.Errorf("cfg = %+v", cfg)
		}
		admin, err := st.GetUserByEmail(t.Context(), "admin@example.com")
		if err != nil || !admin.IsSuperuser {
			t.Errorf("default admin: %+v, %v", admin, err)
		}
	})
	for _, tc := range []struct {
		name, key, value string
		want             []string
	}{
		{"bad trusted proxies", serve.TrustedProxiesEnv, "bogus", []string{serve.TrustedProxiesEnv, `"bogus"`}},
		{"malformed setting", "ZNDRAW_AUTH_TOKEN_LIFETIME_SECONDS", "1h", []string{"ZNDRAW_AUTH_TOKEN_LIFETIME_SECONDS"}},
		{"admin without password", "ZNDRAW_AUTH_DEFAULT_ADMIN_PASSWORD", "", []string{"ZNDRAW_AUTH_DEFAULT_ADMIN_PASSWORD"}},
		{"default secret in production", "ZNDRAW_AUTH_SECRET_KEY", core.DefaultSecretKey, []string{"ZNDRAW_AUTH_SECRET_KEY", "production"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			setProductionEnv(t)
			t.Setenv(tc.key, tc.value)
			_, err := serve.ConfigFromEnv(t.Context(), memstore.New(), core.Hooks{}, quiet)
			if err == nil {
				t.Fatal("no error")
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("not one line: %q", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q lacks %q", err, w)
				}
			}
		})
	}
}

func TestFlags(t *testing.T) {
	parse := func(args ...string) *serve.Flags {
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		f := serve.NewFlags(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		return f
	}
	f := parse()
	if f.Addr != serve.DefaultAddr || f.DatabaseURL != serve.DefaultDatabaseURL || f.Outbox != "" || f.Version {
		t.Errorf("defaults %+v", f)
	}
	var cfg httpapi.Config
	f.Apply(&cfg)
	if !cfg.ApprovalPage || !cfg.OpenAPI || cfg.Groups == nil || *cfg.Groups != httpapi.AllGroups() {
		t.Errorf("by default everything is on: %+v", cfg)
	}
	if h := f.Hooks(); h.OnAfterForgotPassword != nil {
		t.Error("hooks without -outbox")
	}

	f = parse("-addr", ":9", "-database-url", "memory://", "-approval-page=false", "-openapi=false", "-register=false")
	cfg = httpapi.Config{Groups: &httpapi.Groups{JWT: true, Register: true}}
	f.Apply(&cfg)
	if f.Addr != ":9" || f.DatabaseURL != "memory://" || cfg.ApprovalPage || cfg.OpenAPI ||
		*cfg.Groups != (httpapi.Groups{JWT: true}) {
		t.Errorf("flags %+v gave %+v %+v", f, cfg, *cfg.Groups)
	}
}

func TestOutbox(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outbox.jsonl")
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	f := serve.NewFlags(fs)
	if err := fs.Parse([]string{"-outbox", path}); err != nil {
		t.Fatal(err)
	}
	h := f.Hooks()
	u := core.User{Email: "alice@example.com"}
	if err := h.OnAfterForgotPassword(context.Background(), u, "reset-token", core.RequestMeta{}); err != nil {
		t.Fatal(err)
	}
	if err := h.OnAfterRequestVerify(context.Background(), u, "verify-token", core.RequestMeta{}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode())
	}
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	var got []map[string]string
	for sc := bufio.NewScanner(file); sc.Scan(); {
		var line map[string]string
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatal(err)
		}
		got = append(got, line)
	}
	want := []map[string]string{
		{"kind": "reset", "email": "alice@example.com", "token": "reset-token"},
		{"kind": "verify", "email": "alice@example.com", "token": "verify-token"},
	}
	if len(got) != 2 || got[0]["kind"] != want[0]["kind"] || got[0]["token"] != want[0]["token"] || got[1]["token"] != want[1]["token"] {
		t.Errorf("outbox %v, want %v", got, want)
	}
}

// TestParseFlagsVersion: -version prints the version line and exits 0
// (run in a child process, since it exits).
func TestParseFlagsVersion(t *testing.T) {
	if os.Getenv("SERVE_TEST_VERSION_CHILD") == "1" {
		flag.CommandLine = flag.NewFlagSet("child", flag.ExitOnError)
		os.Args = []string{"child", "-version"}
		serve.ParseFlags("my-server")
		t.Fatal("ParseFlags returned after -version")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestParseFlagsVersion$")
	cmd.Env = append(os.Environ(), "SERVE_TEST_VERSION_CHILD=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v", err)
	}
	if line := strings.TrimSpace(string(out)); line != serve.VersionLine("my-server") {
		t.Errorf("printed %q, want %q", line, serve.VersionLine("my-server"))
	}
}
