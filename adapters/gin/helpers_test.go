package ginauth_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"log/slog"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

func init() { gin.SetMode(gin.TestMode) }

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
