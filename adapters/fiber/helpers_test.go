package fiberauth_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

const (
	adminEmail    = "admin@example.com"
	adminPassword = "admin-password"
	userEmail     = "user@example.com"
	userPassword  = "user-password"
)

// hostKey is a context key a host middleware sets, to see that the
// request's context reaches the core.
type hostKey struct{}

// recorder is a core.Hooks that records what OnAfterRegister received.
type recorder struct {
	core.NopHooks
	mu    sync.Mutex
	metas []core.RequestMeta
	hosts []any
}

func (r *recorder) OnAfterRegister(ctx context.Context, _ core.User, meta core.RequestMeta) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.metas = append(r.metas, meta)
	r.hosts = append(r.hosts, ctx.Value(hostKey{}))
	return nil
}

func (r *recorder) last(t *testing.T) (core.RequestMeta, any) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.metas) == 0 {
		t.Fatal("OnAfterRegister did not run")
	}
	return r.metas[len(r.metas)-1], r.hosts[len(r.hosts)-1]
}

// fixture is a production-mode service on the memory store with an admin
// and a regular user, both logged in.
type fixture struct {
	svc                   *core.Service
	hooks                 *recorder
	userToken, adminToken string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	s := core.DefaultSettings()
	s.RateLimit.Enabled = false
	s.SecretKey, s.ResetPasswordTokenSecret, s.VerificationTokenSecret = secret(), secret(), secret()
	s.DefaultAdminEmail, s.DefaultAdminPassword = adminEmail, adminPassword
	f := &fixture{hooks: &recorder{}}
	svc, err := core.New(memstore.New(), s, core.WithHasher(password.New(password.TestParams)), core.WithHooks(f.hooks),
		core.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	f.svc = svc
	ctx := t.Context()
	if err := svc.EnsureDefaultAdmin(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Register(ctx, core.UserCreate{Email: userEmail, Password: userPassword}, core.RequestMeta{}); err != nil {
		t.Fatal(err)
	}
	if f.userToken, _, err = svc.Login(ctx, userEmail, userPassword, core.RequestMeta{}); err != nil {
		t.Fatal(err)
	}
	if f.adminToken, _, err = svc.Login(ctx, adminEmail, adminPassword, core.RequestMeta{}); err != nil {
		t.Fatal(err)
	}
	return f
}

func secret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// serve serves app natively on a loopback listener until t ends and
// returns its base URL.
func serve(t *testing.T, app *fiber.App) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- app.Listener(ln) }()
	t.Cleanup(func() {
		if err := app.Shutdown(); err != nil {
			t.Error(err)
		}
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return "http://" + ln.Addr().String()
}

// result is an answer, read in full.
type result struct {
	status int
	header http.Header
	body   string
	close  bool // the server closes the connection after this answer
}

// do sends one request to base+target.
func do(t *testing.T, base, method, target, token, ctype, body string, edit ...func(*http.Request)) result {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, base+target, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for _, e := range edit {
		e(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return result{resp.StatusCode, resp.Header, string(b), resp.Close}
}
