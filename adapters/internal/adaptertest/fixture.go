// Package adaptertest holds what the framework adapters' own tests share:
// a service with a logged-in admin and user, a hook that records what the
// core received, and the request tables every adapter must answer alike.
package adaptertest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"log/slog"
	"sync"
	"testing"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// The accounts of a Fixture.
const (
	AdminEmail    = "admin@example.com"
	AdminPassword = "admin-password"
	UserEmail     = "user@example.com"
	UserPassword  = "user-password"
)

// HostKey is a context key a host middleware sets, to see that the
// request's context reaches the core.
type HostKey struct{}

// Recorder records what OnAfterRegister received (Hooks gives the hook).
type Recorder struct {
	mu    sync.Mutex
	metas []core.RequestMeta
	hosts []any
}

// OnAfterRegister records meta and the context's HostKey value.
func (r *Recorder) OnAfterRegister(ctx context.Context, _ core.User, meta core.RequestMeta) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.metas = append(r.metas, meta)
	r.hosts = append(r.hosts, ctx.Value(HostKey{}))
	return nil
}

// Hooks returns the recording OnAfterRegister as a hook set.
func (r *Recorder) Hooks() core.Hooks { return core.Hooks{OnAfterRegister: r.OnAfterRegister} }

// Last returns what the last OnAfterRegister received, or fails t when it
// did not run.
func (r *Recorder) Last(t testing.TB) (core.RequestMeta, any) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.metas) == 0 {
		t.Fatal("OnAfterRegister did not run")
	}
	return r.metas[len(r.metas)-1], r.hosts[len(r.hosts)-1]
}

// Fixture is a production-mode service on the memory store with an admin
// and a regular user, both logged in.
type Fixture struct {
	Service               *core.Service
	Hooks                 *Recorder
	UserToken, AdminToken string
}

// NewFixture builds a Fixture: rate limits off, random secrets, cheap
// password hashing, nothing logged.
func NewFixture(t testing.TB) *Fixture {
	t.Helper()
	s := core.DefaultSettings()
	s.RateLimit.Enabled = false
	s.SecretKey, s.ResetPasswordTokenSecret, s.VerificationTokenSecret = secret(), secret(), secret()
	s.DefaultAdminEmail, s.DefaultAdminPassword = AdminEmail, AdminPassword
	f := &Fixture{Hooks: &Recorder{}}
	svc, err := core.New(memstore.New(), s, core.WithHasher(password.New(password.TestParams)), core.WithHooks(f.Hooks.Hooks()),
		core.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = svc.Close() })
	f.Service = svc
	ctx := t.Context()
	if err := svc.EnsureDefaultAdmin(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Register(ctx, core.UserCreate{Email: UserEmail, Password: UserPassword}, core.RequestMeta{}); err != nil {
		t.Fatal(err)
	}
	f.UserToken = login(t, svc, UserEmail, UserPassword)
	f.AdminToken = login(t, svc, AdminEmail, AdminPassword)
	return f
}

// login returns a fresh access token of email, or fails t.
func login(t testing.TB, svc *core.Service, email, password string) string {
	t.Helper()
	sess, err := svc.Login(context.Background(), email, password, core.RequestMeta{})
	if err != nil {
		t.Fatal(err)
	}
	return sess.AccessToken
}

// secret is 32 random bytes, base64url.
func secret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
