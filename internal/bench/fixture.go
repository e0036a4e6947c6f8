package bench

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
)

// The credentials of the fixture's user.
const (
	UserEmail    = "bench@example.com"
	UserPassword = "correct horse battery staple"
)

// Settings are the settings the measurements run with: production mode
// (an admin email, so no dev-mode warnings; EnsureDefaultAdmin is not
// called), strong random secrets, and the rate limits off: the per-IP login
// limit (60 a minute) would answer 429 to a login flood from one loopback
// address. Everything else is core.DefaultSettings().
func Settings() core.Settings {
	s := core.DefaultSettings()
	s.SecretKey = "bench-secret-" + randomHex(24)
	s.ResetPasswordTokenSecret = "bench-reset-" + randomHex(24)
	s.VerificationTokenSecret = "bench-verify-" + randomHex(24)
	s.DefaultAdminEmail = "admin@example.com"
	s.RateLimit.Enabled = false
	return s
}

// Fixture is a Service with one active user and an access token for it.
type Fixture struct {
	Service *core.Service
	Store   *Store
	User    core.User
	// Token is an access token of User minted by Service.Login.
	Token string
}

// NewFixture builds a Service on st with Settings (changed by each of
// tweak) and a password hasher at params, creates the user UserEmail and
// logs it in. Logs are discarded.
func NewFixture(ctx context.Context, st *Store, params password.Params, tweak ...func(*core.Settings)) (*Fixture, error) {
	s := Settings()
	for _, t := range tweak {
		t(&s)
	}
	svc, err := NewService(st, s, params)
	if err != nil {
		return nil, err
	}
	u, err := svc.CreateUser(ctx, core.UserCreate{Email: UserEmail, Password: UserPassword}, core.RequestMeta{})
	if err != nil {
		return nil, fmt.Errorf("bench: create user: %w", err)
	}
	sess, err := svc.Login(ctx, UserEmail, UserPassword, core.RequestMeta{})
	if err != nil {
		return nil, fmt.Errorf("bench: login: %w", err)
	}
	return &Fixture{Service: svc, Store: st, User: u, Token: sess.AccessToken}, nil
}

// NewService builds a Service on st with settings and a password hasher at
// params, logging nowhere, and waits until its change feed is live (when
// the store has one), so that measurements start in the steady state.
// st.Close closes it.
func NewService(st *Store, settings core.Settings, params password.Params) (*core.Service, error) {
	svc, err := core.New(st.Store, settings,
		core.WithHasher(password.New(params)),
		core.WithLogger(slog.New(slog.DiscardHandler)),
	)
	if err != nil {
		return nil, err
	}
	st.services = append(st.services, svc)
	if err := WaitFeed(svc, 10*time.Second); err != nil {
		return nil, err
	}
	return svc, nil
}

// WaitFeed waits until svc's change feed is not down (live, or absent),
// for at most timeout.
func WaitFeed(svc *core.Service, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for svc.ChangeFeedStatus().State == core.ChangeFeedDown {
		if time.Now().After(deadline) {
			return fmt.Errorf("bench: the change feed did not go live within %v", timeout)
		}
		time.Sleep(time.Millisecond)
	}
	return nil
}
