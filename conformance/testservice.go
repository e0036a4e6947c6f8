package conformance

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
)

// The default admin NewTestService configures in production mode.
const (
	TestAdminEmail    = "admin@example.com"
	TestAdminPassword = "admin-password"
)

// NewTestService builds a Service on store for an in-process conformance
// run, with what the suite needs: rate limits off, cheap password hashing
// (password.TestParams), a ManualClock (started at the wall clock), a
// MemoryMailbox as the hooks, and a switch that takes the store down for
// the outage case (Target.Outage). Options such as WithSettings change the
// settings before the Service is built. In ModeProduction it configures the admin
// TestAdminEmail/TestAdminPassword with random 32-byte secrets and creates
// it (EnsureDefaultAdmin); in ModeDev there is no admin and the secrets are
// the public defaults. Warnings and errors the Service logs go to t.Log.
//
// The Service runs on a thin wrapper of store that tracks users: when t
// ends, every user created after NewTestService returned must have been
// deleted again (the suite cleans up after itself), or t fails listing
// them. When store offers a change feed, the wrapper passes it on, so
// tokens are checked as in a deployment on that store; the outage breaks
// it as a cut connection would. The Service is closed when t ends.
//
// The returned Target has everything but BaseURL and Handler:
// ResetAndVerify and DemoRoutes are true, so the caller must mount every
// router (httpapi.AllGroups, the default) and the demo routes of the
// package documentation, or clear those fields. Its Limits are the
// Service's.
func NewTestService(t testing.TB, mode Mode, store core.Store, opts ...TestOption) (*core.Service, *ManualClock, *MemoryMailbox, Target) {
	t.Helper()
	settings := core.DefaultSettings()
	settings.RateLimit.Enabled = false
	target := Target{Mode: mode, ResetAndVerify: true, DemoRoutes: true}
	switch mode {
	case ModeProduction:
		settings.SecretKey = randomSecret()
		settings.ResetPasswordTokenSecret = randomSecret()
		settings.VerificationTokenSecret = randomSecret()
		settings.DefaultAdminEmail = TestAdminEmail
		settings.DefaultAdminPassword = TestAdminPassword
		target.AdminEmail, target.AdminPassword = TestAdminEmail, TestAdminPassword
	case ModeDev:
		settings.DefaultAdminEmail = ""
	default:
		t.Fatalf("conformance.NewTestService: unknown mode %q", mode)
	}
	for _, o := range opts {
		o(&settings)
	}
	clock := NewManualClock(time.Now())
	mailbox := NewMemoryMailbox()
	ledger := &userLedger{Store: store, live: make(map[uuid.UUID]string)}
	outage := &outageStore{Store: ledger}
	if feed, ok := store.(core.ChangeFeed); ok {
		outage.feed = feed
	}
	svc, err := core.New(outage, settings,
		core.WithHasher(password.New(password.TestParams)),
		core.WithClock(clock),
		core.WithHooks(mailbox.Hooks()),
		core.WithLogger(testLogger(t)),
	)
	if err != nil {
		t.Fatalf("conformance.NewTestService: %v", err)
	}
	t.Cleanup(func() { _ = svc.Close() })
	if err := svc.EnsureDefaultAdmin(t.Context()); err != nil {
		t.Fatalf("conformance.NewTestService: EnsureDefaultAdmin: %v", err)
	}
	before := ledger.users()
	t.Cleanup(func() {
		var left []string
		for id, email := range ledger.users() {
			if _, ok := before[id]; !ok {
				left = append(left, email)
			}
		}
		if len(left) > 0 {
			slices.Sort(left)
			t.Errorf("conformance: users left behind: %s", strings.Join(left, ", "))
		}
	})
	target.Mailbox = mailbox
	target.Clock = clock
	target.ChallengeLifetime = settings.CLILoginLifetime
	target.SecretKey = settings.SecretKey
	limits := LimitsOf(settings)
	target.Limits = &limits
	target.Outage = outage
	return svc, clock, mailbox, target
}

// A TestOption changes what NewTestService builds.
type TestOption func(*core.Settings)

// WithSettings lets f change the Service's settings (after the suite's
// own, before the Service is built), e.g. to turn the rate limits on:
//
//	conformance.NewTestService(t, mode, store, conformance.WithSettings(func(s *core.Settings) {
//		s.RateLimit = core.DefaultSettings().RateLimit
//	}))
func WithSettings(f func(*core.Settings)) TestOption { return TestOption(f) }

// randomSecret is 32 random bytes, base64url (43 characters).
func randomSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// testLogger logs warnings and errors to t until t ends (a server
// goroutine may still log after that; those lines are dropped).
func testLogger(t testing.TB) *slog.Logger {
	w := &testLogWriter{t: t}
	t.Cleanup(w.stop)
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testLogWriter struct {
	mu   sync.Mutex
	t    testing.TB
	done bool
}

func (w *testLogWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.t.Log(strings.TrimSuffix(string(p), "\n"))
	}
	return len(p), nil
}

func (w *testLogWriter) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.done = true
}

// userLedger is a core.Store that remembers which users it created and has
// not deleted since.
type userLedger struct {
	core.Store

	mu   sync.Mutex
	live map[uuid.UUID]string // id → email
}

// CreateUser implements core.UserStore.
func (l *userLedger) CreateUser(ctx context.Context, u core.User) (core.User, error) {
	got, err := l.Store.CreateUser(ctx, u)
	if err == nil {
		l.mu.Lock()
		l.live[got.ID] = got.Email
		l.mu.Unlock()
	}
	return got, err
}

// DeleteUser implements core.UserStore.
func (l *userLedger) DeleteUser(ctx context.Context, id uuid.UUID) error {
	err := l.Store.DeleteUser(ctx, id)
	if err == nil {
		l.mu.Lock()
		delete(l.live, id)
		l.mu.Unlock()
	}
	return err
}

// users returns a copy of the users created and not deleted.
func (l *userLedger) users() map[uuid.UUID]string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return maps.Clone(l.live)
}
