package fleet_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/zincware/zndraw-auth-go/conformance"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// The secrets every service of the fleet shares (the Python services'
// ZNDRAW_AUTH_SECRET_KEY, ..._RESET_PASSWORD_TOKEN_SECRET and
// ..._VERIFICATION_TOKEN_SECRET).
const (
	accessSecret = "fleet-access-secret-0123456789abcdefghij"
	resetSecret  = "fleet-reset-secret-0123456789abcdefghijk"
	verifySecret = "fleet-verify-secret-0123456789abcdefghij"
	userPassword = "correct horse battery"
	lifetime     = time.Hour
)

// mailbox keeps the reset and verify tokens the Service delivers.
type mailbox struct {
	mu            sync.Mutex
	reset, verify string
}

// kit is a Go service of the fleet.
type kit struct {
	svc   *core.Service
	clock *conformance.ManualClock
	mail  *mailbox
}

// newKit starts a Service on store (a new memory store when nil) whose
// clock reads now.
func newKit(t *testing.T, store core.Store, now time.Time) *kit {
	t.Helper()
	if store == nil {
		store = memstore.New()
	}
	s := core.DefaultSettings()
	s.SecretKey = accessSecret
	s.ResetPasswordTokenSecret = resetSecret
	s.VerificationTokenSecret = verifySecret
	s.DefaultAdminEmail = "admin@example.com"
	s.TokenLifetime = lifetime
	s.RateLimit.Enabled = false
	k := &kit{clock: conformance.NewManualClock(now), mail: &mailbox{}}
	h := core.Hooks{
		OnAfterForgotPassword: func(_ context.Context, _ core.User, tok string, _ core.RequestMeta) error {
			k.mail.mu.Lock()
			defer k.mail.mu.Unlock()
			k.mail.reset = tok
			return nil
		},
		OnAfterRequestVerify: func(_ context.Context, _ core.User, tok string, _ core.RequestMeta) error {
			k.mail.mu.Lock()
			defer k.mail.mu.Unlock()
			k.mail.verify = tok
			return nil
		},
	}
	svc, err := core.New(store, s, core.WithClock(k.clock), core.WithHooks(h),
		core.WithHasher(password.New(password.TestParams)), core.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = svc.Close() })
	k.svc = svc
	return k
}

// user creates an active user with userPassword.
func (k *kit) user(t *testing.T, email string, superuser bool) core.User {
	t.Helper()
	active, verified := true, false
	u, err := k.svc.CreateUser(t.Context(), core.UserCreate{Email: email, Password: userPassword,
		IsActive: &active, IsSuperuser: &superuser, IsVerified: &verified}, core.RequestMeta{})
	if err != nil {
		t.Fatalf("CreateUser(%s): %v", email, err)
	}
	return u
}

// login returns a login token of email.
func (k *kit) login(t *testing.T, email string) string {
	t.Helper()
	sess, err := k.svc.Login(t.Context(), email, userPassword, core.RequestMeta{})
	if err != nil {
		t.Fatalf("Login(%s): %v", email, err)
	}
	return sess.AccessToken
}

// principal resolves token with access.
func (k *kit) principal(t *testing.T, token string, access core.Access) *core.Principal {
	t.Helper()
	p, err := k.svc.CurrentUser(t.Context(), token, access)
	if err != nil {
		t.Fatalf("CurrentUser: %v", err)
	}
	return p
}
