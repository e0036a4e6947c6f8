package core

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Service is the UserManager: every operation of zndraw-auth, transport-free.
// It is safe for concurrent use. Build it with New.
type Service struct {
	// store is base wrapped so that the Service's writes update its
	// caches (see tokencache.go); base is the host's store.
	store    Store
	base     Store
	settings Settings
	hooks    Hooks
	hasher   PasswordHasher
	clock    Clock
	log      *slog.Logger

	access *tokenCodec
	reset  *tokenCodec
	verify *tokenCodec

	cache         *authCache
	cacheCapacity int // 0: the default capacities
	feedRunner    *feedRunner

	dummyOnce sync.Once
	dummyHash string

	lastPurge atomic.Int64 // unix seconds of the last opportunistic purge

	delivery deliveries // the delivery hooks' background queue
}

// Option configures New.
type Option func(*Service)

// WithHooks sets the lifecycle hooks (default: none). Combine several sets
// with hooks.Compose.
func WithHooks(h Hooks) Option { return func(s *Service) { s.hooks = h } }

// WithHasher sets the password hasher (default: argon2id at the reference's
// parameters). Tests pass cheap parameters here.
func WithHasher(h PasswordHasher) Option { return func(s *Service) { s.hasher = h } }

// WithClock sets the clock (default: SystemClock).
func WithClock(c Clock) Option { return func(s *Service) { s.clock = c } }

// WithLogger sets the logger for security events (see SecurityEventMessage),
// warnings and internal errors (default: slog.Default()). Passwords, secrets and tokens are never logged.
func WithLogger(l *slog.Logger) Option { return func(s *Service) { s.log = l } }

// New validates settings and returns a Service on store. In production mode
// (settings.DefaultAdminEmail set) it refuses public default secrets and
// secrets shorter than MinSecretBytes; in dev mode it logs a warning for each
// instead.
//
// When store implements ChangeFeed (and settings.UserCacheTTL is not 0),
// New subscribes to it in the background: release the subscription with
// Close when the Service is no longer needed.
func New(store Store, settings Settings, opts ...Option) (*Service, error) {
	if store == nil {
		return nil, errors.New("zndraw-auth: New: nil store")
	}
	s := &Service{store: store, settings: settings, clock: SystemClock, log: slog.Default(),
		feedRunner: &feedRunner{maxSilence: feedMaxSilence, heartbeat: feedHeartbeat}}
	for _, o := range opts {
		o(s)
	}
	if s.hasher == nil {
		s.hasher = defaultHasher()
	}
	warnings, err := settings.Validate()
	if err != nil {
		return nil, fmt.Errorf("zndraw-auth: invalid settings: %w", err)
	}
	for _, w := range warnings {
		s.log.Warn("zndraw-auth: " + w)
	}
	s.cache = newAuthCache(settings.UserCacheTTL, s.cacheCapacity)
	s.base = store
	s.store = &invalidatingStore{Store: store, cache: s.cache}
	s.access = newTokenCodec(settings.SecretKey, AudienceAuth, settings.JWTLeeway, s.clock)
	s.reset = newTokenCodec(settings.ResetPasswordTokenSecret, AudienceReset, settings.JWTLeeway, s.clock)
	s.verify = newTokenCodec(settings.VerificationTokenSecret, AudienceVerify, settings.JWTLeeway, s.clock)
	s.startFeed()
	return s, nil
}

// Settings returns the settings the Service runs with.
func (s *Service) Settings() Settings { return s.settings }

// IsDevMode reports whether the Service runs in dev mode (no default admin).
func (s *Service) IsDevMode() bool { return s.settings.IsDevMode() }

// Store returns the store the Service runs on. Writes made to it directly,
// not through the Service, reach the Service's token checks like writes by
// another instance: as soon as the store's ChangeFeed reports them, or
// within Settings.UserCacheTTL for a store without one.
func (s *Service) Store() Store { return s.base }

// Clock returns the Service's clock.
func (s *Service) Clock() Clock { return s.clock }

func (s *Service) now() time.Time { return s.clock.Now().UTC() }

// storeErr converts a store error the caller does not handle itself: an
// outage becomes ErrServiceUnavailable (fail closed), anything else stays an
// internal error.
func (s *Service) storeErr(op string, err error) error {
	if errors.Is(err, ErrUnavailable) {
		return fmt.Errorf("%s: %w: %w", op, ErrServiceUnavailable, err)
	}
	return fmt.Errorf("zndraw-auth: %s: %w", op, err)
}

// afterHook takes the result of an after-hook through the documented
// semantics (see Hooks): its error is logged with the hook's name and never
// changes the outcome.
func (s *Service) afterHook(ctx context.Context, name string, err error) {
	if err != nil {
		s.log.ErrorContext(ctx, "zndraw-auth: after-hook failed", "hook", name, "error", err)
	}
}

// dummy returns a hash with the current parameters, computed once, that the
// unknown-user paths verify against so they cost what a known user costs.
func (s *Service) dummy(ctx context.Context) string {
	s.dummyOnce.Do(func() {
		// Not cancellable: a request cancelled at this moment must not
		// leave every later unknown-email login without the equaliser.
		h, err := s.hasher.Hash(context.WithoutCancel(ctx), "zndraw-auth timing equaliser")
		if err == nil {
			s.dummyHash = h
		}
	})
	return s.dummyHash
}

// burnHash spends the time of one password verification.
func (s *Service) burnHash(ctx context.Context, password string) {
	if h := s.dummy(ctx); h != "" {
		_, _, _ = s.hasher.Verify(ctx, password, h)
	}
}
