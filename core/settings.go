package core

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The reference's public default secrets (zndraw-auth's AuthSettings
// defaults). They are refused in
// production mode.
const (
	DefaultSecretKey                = "CHANGE-ME-IN-PRODUCTION-SECRET!"
	DefaultResetPasswordTokenSecret = "CHANGE-ME-RESET"
	DefaultVerificationTokenSecret  = "CHANGE-ME-VERIFY"
)

// MinSecretBytes is the shortest secret accepted in production mode (HS256
// needs a key of at least 256 bits, RFC 7518 §3.2).
const MinSecretBytes = 32

// MaxPasswordBytes is the longest password accepted (hashing a longer one
// would let a client burn CPU; it is far above any real passphrase).
const MaxPasswordBytes = 4096

// MaxLeeway is the largest JWT clock-skew leeway Settings accepts.
const MaxLeeway = 60 * time.Second

// MaxUserCacheTTL is the largest UserCacheTTL Settings accepts.
const MaxUserCacheTTL = 60 * time.Second

// Settings configures a Service. The zero value is not useful: start from
// DefaultSettings() or LoadSettingsFromEnv(). Durations are whole seconds in
// the environment.
type Settings struct {
	// SecretKey signs access tokens (HS256). ZNDRAW_AUTH_SECRET_KEY.
	SecretKey string
	// TokenLifetime of access, CLI and impersonation tokens.
	// ZNDRAW_AUTH_TOKEN_LIFETIME_SECONDS, default 3600. Must be > 0: tokens
	// without exp are never minted.
	TokenLifetime time.Duration
	// ResetPasswordTokenSecret signs reset tokens.
	// ZNDRAW_AUTH_RESET_PASSWORD_TOKEN_SECRET.
	ResetPasswordTokenSecret string
	// ResetPasswordTokenLifetime, ZNDRAW_AUTH_RESET_PASSWORD_TOKEN_LIFETIME_SECONDS, default 3600.
	ResetPasswordTokenLifetime time.Duration
	// VerificationTokenSecret signs verification tokens.
	// ZNDRAW_AUTH_VERIFICATION_TOKEN_SECRET.
	VerificationTokenSecret string
	// VerificationTokenLifetime, ZNDRAW_AUTH_VERIFICATION_TOKEN_LIFETIME_SECONDS, default 3600.
	VerificationTokenLifetime time.Duration
	// DefaultAdminEmail turns on production mode and names the admin that
	// EnsureDefaultAdmin creates or promotes. Empty means dev mode, where
	// every self-registered user becomes a superuser.
	// ZNDRAW_AUTH_DEFAULT_ADMIN_EMAIL.
	DefaultAdminEmail string
	// DefaultAdminPassword is the admin's initial password.
	// ZNDRAW_AUTH_DEFAULT_ADMIN_PASSWORD.
	DefaultAdminPassword string
	// CLILoginLifetime of a CLI login challenge.
	// ZNDRAW_AUTH_CLI_LOGIN_LIFETIME_SECONDS, default 300.
	CLILoginLifetime time.Duration
	// CLILoginPollInterval is the interval announced to CLI clients and the
	// minimum time between two polls of one challenge; a faster poll gets
	// 429 with Retry-After. ZNDRAW_AUTH_CLI_LOGIN_POLL_INTERVAL_SECONDS,
	// default 1 (existing clients poll every 1–2 s).
	CLILoginPollInterval time.Duration
	// CLILoginRetention is how long an expired, redeemed or rejected
	// challenge is kept (answering 410 or kept for audit) before it is
	// purged. ZNDRAW_AUTH_CLI_LOGIN_RETENTION_SECONDS, default 86400; at
	// least one hour.
	CLILoginRetention time.Duration
	// PasswordMinLength is the default policy's minimum length in
	// characters. ZNDRAW_AUTH_PASSWORD_MIN_LENGTH, default 8.
	PasswordMinLength int
	// RequireVerification makes login answer LOGIN_USER_NOT_VERIFIED for
	// unverified users (fastapi-users' requires_verification), and makes
	// every token check require a verified user (403 Forbidden otherwise):
	// the kit's routes, the adapters' middleware and CLI login approval
	// alike; a CLI login approved by a user who is no longer verified
	// hands out no token. ZNDRAW_AUTH_REQUIRE_VERIFICATION, default false
	// as in zndraw-auth.
	RequireVerification bool
	// JWTLeeway is the clock skew tolerated on exp, nbf and iat.
	// ZNDRAW_AUTH_JWT_LEEWAY_SECONDS, default 30, at most 60.
	JWTLeeway time.Duration
	// UserCacheTTL governs the token check's caches of user state (active,
	// superuser, verified, token version) and of revocation answers.
	// Changes made through this Service apply on it at once. Changes made
	// elsewhere (by another instance sharing the store, or written to the
	// store directly):
	//   - on a store with a ChangeFeed, apply as soon as the feed reports
	//     them (milliseconds): cached answers are used, without age limit,
	//     only while the subscription is live, and every check reads the
	//     store while it is not;
	//   - on a store without one, a logout applies at once (every check
	//     reads the revocation) and the other changes within UserCacheTTL.
	// 0 is the strict mode: every check reads the store and the Service
	// does not subscribe to a feed, so nothing is ever answered from a
	// cache. Superuser access always reads the store.
	// ZNDRAW_AUTH_USER_CACHE_SECONDS, default 1, at most 60.
	UserCacheTTL time.Duration
	// RateLimit configures the brute-force and abuse limits.
	RateLimit RateLimitSettings

	// envWarnings are what LoadSettingsFromEnv noticed in the environment
	// without refusing it (unknown ZNDRAW_AUTH_* variables); Validate
	// returns them with its own warnings, so New logs them.
	envWarnings []string
}

// RateLimitSettings are the abuse limits. Counters live in the Store, so
// every instance sharing a store shares them.
type RateLimitSettings struct {
	// Enabled switches every limit on or off. ZNDRAW_AUTH_RATE_LIMIT_ENABLED,
	// default true; false is meant for test deployments.
	Enabled bool
	// LoginFailuresPerAccountPerHour caps failed logins per account.
	// ZNDRAW_AUTH_RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR, default 100.
	LoginFailuresPerAccountPerHour int
	// LoginPerIPPerMinute caps login attempts per client IP.
	// ZNDRAW_AUTH_RATE_LIMIT_LOGIN_PER_IP_PER_MINUTE, default 60.
	LoginPerIPPerMinute int
	// RegisterPerIPPerHour caps registrations per client IP.
	// ZNDRAW_AUTH_RATE_LIMIT_REGISTER_PER_IP_PER_HOUR, default 100.
	RegisterPerIPPerHour int
	// ForgotPasswordPerIPPerHour caps forgot-password and request-verify
	// requests per client IP. ZNDRAW_AUTH_RATE_LIMIT_FORGOT_PASSWORD_PER_IP_PER_HOUR, default 30.
	ForgotPasswordPerIPPerHour int
	// CLILoginCreatePerIPPerHour caps challenge creation per client IP.
	// ZNDRAW_AUTH_RATE_LIMIT_CLI_LOGIN_CREATE_PER_IP_PER_HOUR, default 120.
	CLILoginCreatePerIPPerHour int

	// LoginFailuresPerFamiliarSourcePerHour is the budget of wrong
	// passwords each familiar source of an account has of its own: a
	// source (client IP, IPv6 addresses by IPv6PrefixLength) from which
	// the account logged in, or completed a password reset, within
	// FamiliarSourceLifetime. It is carved out of
	// LoginFailuresPerAccountPerHour: every other source shares what is
	// left of it, LoginFailuresPerAccountPerHour −
	// FamiliarSourcesPerAccount × LoginFailuresPerFamiliarSourcePerHour,
	// so an attacker who locks the account for everyone else does not
	// lock its owner out of the places the owner uses, and the account
	// never sees more than LoginFailuresPerAccountPerHour wrong passwords
	// an hour. The familiar sources together get at most half of the
	// account's budget (each at most LoginFailuresPerAccountPerHour /
	// (2 × FamiliarSourcesPerAccount)); 0, or an account budget too small
	// to give each at least one, turns familiar sources off (every source
	// shares the whole budget).
	// ZNDRAW_AUTH_RATE_LIMIT_LOGIN_FAILURES_PER_FAMILIAR_SOURCE_PER_HOUR,
	// default 10.
	LoginFailuresPerFamiliarSourcePerHour int
	// FamiliarSourcesPerAccount is how many familiar sources an account
	// keeps (the most recently used); 0 turns familiar sources off.
	// ZNDRAW_AUTH_RATE_LIMIT_FAMILIAR_SOURCES_PER_ACCOUNT, default 5.
	FamiliarSourcesPerAccount int
	// FamiliarSourceLifetime is how long a source stays familiar after the
	// account's last successful login (or reset) from it.
	// ZNDRAW_AUTH_RATE_LIMIT_FAMILIAR_SOURCE_LIFETIME_SECONDS, default
	// 2592000 (30 days).
	FamiliarSourceLifetime time.Duration
	// IPv6PrefixLength is the prefix by which IPv6 client addresses are
	// grouped for every per-IP limit and for familiar sources: one
	// client usually holds a whole /64, so counting its addresses one by
	// one would let it escape every per-IP limit. IPv4 addresses count one
	// by one. ZNDRAW_AUTH_RATE_LIMIT_IPV6_PREFIX_LENGTH, default 64 (1 to
	// 128; 0 means 64).
	IPv6PrefixLength int
	// ResetPasswordPerIPPerHour caps POST /reset-password per client IP.
	// ZNDRAW_AUTH_RATE_LIMIT_RESET_PASSWORD_PER_IP_PER_HOUR, default 30.
	ResetPasswordPerIPPerHour int
	// MailsPerAccountPerHour caps the reset mails, and separately the
	// verification mails, sent to one address per hour; requests past it
	// are still answered 202 but deliver nothing.
	// ZNDRAW_AUTH_RATE_LIMIT_MAILS_PER_ACCOUNT_PER_HOUR, default 5.
	MailsPerAccountPerHour int
	// EmailChangesPerUserPerHour caps the email changes a user asks for
	// through PATCH /users/me (each answer tells whether an address is
	// taken). ZNDRAW_AUTH_RATE_LIMIT_EMAIL_CHANGES_PER_USER_PER_HOUR,
	// default 5.
	EmailChangesPerUserPerHour int
	// EmailChangesPerIPPerHour is the same cap per client IP.
	// ZNDRAW_AUTH_RATE_LIMIT_EMAIL_CHANGES_PER_IP_PER_HOUR, default 20.
	EmailChangesPerIPPerHour int
	// CLICodeFailuresPerUserPerHour caps the CLI user codes a signed-in
	// user may enter that match no challenge (approve, deny, the approval
	// page), so that codes cannot be guessed (RFC 8628 §5.1).
	// ZNDRAW_AUTH_RATE_LIMIT_CLI_CODE_FAILURES_PER_USER_PER_HOUR,
	// default 10.
	CLICodeFailuresPerUserPerHour int
	// CLICodeFailuresPerIPPerHour is the same cap per client IP.
	// ZNDRAW_AUTH_RATE_LIMIT_CLI_CODE_FAILURES_PER_IP_PER_HOUR, default 30.
	CLICodeFailuresPerIPPerHour int
}

// DefaultSettings returns the reference's defaults (dev mode, public default
// secrets) plus the kit's own.
func DefaultSettings() Settings {
	return Settings{
		SecretKey:                  DefaultSecretKey,
		TokenLifetime:              time.Hour,
		ResetPasswordTokenSecret:   DefaultResetPasswordTokenSecret,
		ResetPasswordTokenLifetime: time.Hour,
		VerificationTokenSecret:    DefaultVerificationTokenSecret,
		VerificationTokenLifetime:  time.Hour,
		CLILoginLifetime:           300 * time.Second,
		CLILoginPollInterval:       time.Second,
		CLILoginRetention:          24 * time.Hour,
		PasswordMinLength:          8,
		JWTLeeway:                  30 * time.Second,
		UserCacheTTL:               time.Second,
		RateLimit: RateLimitSettings{
			Enabled:                        true,
			LoginFailuresPerAccountPerHour: 100,
			LoginPerIPPerMinute:            60,
			RegisterPerIPPerHour:           100,
			ForgotPasswordPerIPPerHour:     30,
			CLILoginCreatePerIPPerHour:     120,

			LoginFailuresPerFamiliarSourcePerHour: 10,
			FamiliarSourcesPerAccount:             5,
			FamiliarSourceLifetime:                30 * 24 * time.Hour,
			IPv6PrefixLength:                      64,
			ResetPasswordPerIPPerHour:             30,
			MailsPerAccountPerHour:                5,
			EmailChangesPerUserPerHour:            5,
			EmailChangesPerIPPerHour:              20,
			CLICodeFailuresPerUserPerHour:         10,
			CLICodeFailuresPerIPPerHour:           30,
		},
	}
}

// IsDevMode reports whether no default admin is configured: then every user
// who registers becomes a superuser, as in zndraw-auth.
func (s Settings) IsDevMode() bool { return s.DefaultAdminEmail == "" }

// EnvPrefix prefixes every environment variable the kit reads.
const EnvPrefix = "ZNDRAW_AUTH_"

// LoadSettingsFromEnv returns DefaultSettings overridden by the ZNDRAW_AUTH_*
// environment variables (names are matched case-insensitively, like
// pydantic-settings). A malformed value is an error naming the variable. A
// ZNDRAW_AUTH_* variable that is not a setting (a misspelling, say) is
// ignored, and New logs a warning naming it and the closest known name.
// .env files and pyproject.toml are not read.
func LoadSettingsFromEnv() (Settings, error) {
	return loadSettings(os.Environ())
}

func loadSettings(environ []string) (Settings, error) {
	env := make(map[string]string)
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if ok && strings.HasPrefix(strings.ToUpper(k), EnvPrefix) {
			env[strings.ToUpper(k)] = v
		}
	}
	s := DefaultSettings()
	var errs []error
	known := map[string]bool{}
	lookup := func(name string) (string, bool) {
		known[EnvPrefix+name] = true
		v, ok := env[EnvPrefix+name]
		return v, ok
	}
	str := func(name string, dst *string) {
		if v, ok := lookup(name); ok {
			*dst = v
		}
	}
	secs := func(name string, dst *time.Duration) {
		if v, ok := lookup(name); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s%s: %q is not a whole number of seconds", EnvPrefix, name, v))
				return
			}
			*dst = time.Duration(n) * time.Second
		}
	}
	integer := func(name string, dst *int) {
		if v, ok := lookup(name); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				errs = append(errs, fmt.Errorf("%s%s: %q is not an integer", EnvPrefix, name, v))
				return
			}
			*dst = n
		}
	}
	boolean := func(name string, dst *bool) {
		if v, ok := lookup(name); ok {
			b, err := parseBool(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s%s: %w", EnvPrefix, name, err))
				return
			}
			*dst = b
		}
	}
	str("SECRET_KEY", &s.SecretKey)
	secs("TOKEN_LIFETIME_SECONDS", &s.TokenLifetime)
	str("RESET_PASSWORD_TOKEN_SECRET", &s.ResetPasswordTokenSecret)
	secs("RESET_PASSWORD_TOKEN_LIFETIME_SECONDS", &s.ResetPasswordTokenLifetime)
	str("VERIFICATION_TOKEN_SECRET", &s.VerificationTokenSecret)
	secs("VERIFICATION_TOKEN_LIFETIME_SECONDS", &s.VerificationTokenLifetime)
	str("DEFAULT_ADMIN_EMAIL", &s.DefaultAdminEmail)
	str("DEFAULT_ADMIN_PASSWORD", &s.DefaultAdminPassword)
	secs("CLI_LOGIN_LIFETIME_SECONDS", &s.CLILoginLifetime)
	secs("CLI_LOGIN_POLL_INTERVAL_SECONDS", &s.CLILoginPollInterval)
	secs("CLI_LOGIN_RETENTION_SECONDS", &s.CLILoginRetention)
	integer("PASSWORD_MIN_LENGTH", &s.PasswordMinLength)
	boolean("REQUIRE_VERIFICATION", &s.RequireVerification)
	secs("JWT_LEEWAY_SECONDS", &s.JWTLeeway)
	secs("USER_CACHE_SECONDS", &s.UserCacheTTL)
	boolean("RATE_LIMIT_ENABLED", &s.RateLimit.Enabled)
	integer("RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR", &s.RateLimit.LoginFailuresPerAccountPerHour)
	integer("RATE_LIMIT_LOGIN_PER_IP_PER_MINUTE", &s.RateLimit.LoginPerIPPerMinute)
	integer("RATE_LIMIT_REGISTER_PER_IP_PER_HOUR", &s.RateLimit.RegisterPerIPPerHour)
	integer("RATE_LIMIT_FORGOT_PASSWORD_PER_IP_PER_HOUR", &s.RateLimit.ForgotPasswordPerIPPerHour)
	integer("RATE_LIMIT_CLI_LOGIN_CREATE_PER_IP_PER_HOUR", &s.RateLimit.CLILoginCreatePerIPPerHour)
	integer("RATE_LIMIT_LOGIN_FAILURES_PER_FAMILIAR_SOURCE_PER_HOUR", &s.RateLimit.LoginFailuresPerFamiliarSourcePerHour)
	integer("RATE_LIMIT_FAMILIAR_SOURCES_PER_ACCOUNT", &s.RateLimit.FamiliarSourcesPerAccount)
	secs("RATE_LIMIT_FAMILIAR_SOURCE_LIFETIME_SECONDS", &s.RateLimit.FamiliarSourceLifetime)
	integer("RATE_LIMIT_IPV6_PREFIX_LENGTH", &s.RateLimit.IPv6PrefixLength)
	integer("RATE_LIMIT_RESET_PASSWORD_PER_IP_PER_HOUR", &s.RateLimit.ResetPasswordPerIPPerHour)
	integer("RATE_LIMIT_MAILS_PER_ACCOUNT_PER_HOUR", &s.RateLimit.MailsPerAccountPerHour)
	integer("RATE_LIMIT_EMAIL_CHANGES_PER_USER_PER_HOUR", &s.RateLimit.EmailChangesPerUserPerHour)
	integer("RATE_LIMIT_EMAIL_CHANGES_PER_IP_PER_HOUR", &s.RateLimit.EmailChangesPerIPPerHour)
	integer("RATE_LIMIT_CLI_CODE_FAILURES_PER_USER_PER_HOUR", &s.RateLimit.CLICodeFailuresPerUserPerHour)
	integer("RATE_LIMIT_CLI_CODE_FAILURES_PER_IP_PER_HOUR", &s.RateLimit.CLICodeFailuresPerIPPerHour)
	s.envWarnings = unknownEnvWarnings(env, known)
	return s, settingsErrors(errs)
}

// parseBool accepts pydantic's spellings of booleans.
func parseBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "t", "yes", "y", "on":
		return true, nil
	case "0", "false", "f", "no", "n", "off":
		return false, nil
	}
	return false, fmt.Errorf("%q is not a boolean", v)
}

// Validate checks s as New does (New logs the warnings and refuses the
// error). The error names the problems that make the settings unusable in
// any mode, and in production mode (an admin is configured) also public
// default secrets and secrets shorter than MinSecretBytes. The warnings
// name dev mode itself, weak secrets in dev mode, rate limits turned off
// (all, or single ones set to 0), and the unknown ZNDRAW_AUTH_* variables
// LoadSettingsFromEnv found.
func (s Settings) Validate() (warnings []string, err error) {
	var errs []error
	if s.TokenLifetime <= 0 {
		errs = append(errs, errors.New("token lifetime must be positive (tokens without exp are never minted)"))
	}
	if s.ResetPasswordTokenLifetime <= 0 || s.VerificationTokenLifetime <= 0 {
		errs = append(errs, errors.New("reset and verification token lifetimes must be positive"))
	}
	if s.CLILoginLifetime <= 0 {
		errs = append(errs, errors.New("CLI login lifetime must be positive"))
	}
	if s.CLILoginPollInterval < 0 {
		errs = append(errs, errors.New("CLI login poll interval must not be negative"))
	}
	if s.CLILoginRetention < time.Hour {
		errs = append(errs, errors.New("CLI login retention must be at least one hour (expired challenges keep answering 410 that long)"))
	}
	if s.PasswordMinLength < 1 {
		errs = append(errs, errors.New("password minimum length must be at least 1"))
	}
	if s.JWTLeeway < 0 || s.JWTLeeway > MaxLeeway {
		errs = append(errs, fmt.Errorf("JWT leeway must be between 0 and %s", MaxLeeway))
	}
	if s.UserCacheTTL < 0 || s.UserCacheTTL > MaxUserCacheTTL {
		errs = append(errs, fmt.Errorf("user cache TTL must be between 0 and %s", MaxUserCacheTTL))
	}
	errs = append(errs, s.RateLimit.validate()...)
	secrets := []struct{ name, value, public string }{
		{"ZNDRAW_AUTH_SECRET_KEY", s.SecretKey, DefaultSecretKey},
		{"ZNDRAW_AUTH_RESET_PASSWORD_TOKEN_SECRET", s.ResetPasswordTokenSecret, DefaultResetPasswordTokenSecret},
		{"ZNDRAW_AUTH_VERIFICATION_TOKEN_SECRET", s.VerificationTokenSecret, DefaultVerificationTokenSecret},
	}
	var weak []string
	for _, sec := range secrets {
		var problem string
		switch {
		case sec.value == "":
			errs = append(errs, fmt.Errorf("%s is empty", sec.name))
			continue
		case sec.value == sec.public:
			problem = fmt.Sprintf("%s is the public default %q", sec.name, sec.public)
		case len(sec.value) < MinSecretBytes:
			problem = fmt.Sprintf("%s is shorter than %d bytes", sec.name, MinSecretBytes)
		default:
			continue
		}
		if s.IsDevMode() {
			weak = append(weak, problem)
		} else {
			errs = append(errs, errors.New(problem+": refused in production mode (set a random secret of at least 32 bytes)"))
		}
	}
	if len(weak) > 0 {
		warnings = append(warnings, strings.Join(weak, "; ")+
			": anyone who knows a secret can mint tokens for this server; acceptable in dev mode only (set random secrets of at least 32 bytes)")
	}
	if s.IsDevMode() {
		warnings = append(warnings, "DEV MODE: no ZNDRAW_AUTH_DEFAULT_ADMIN_EMAIL is set, so every user who registers becomes a superuser (set it, and ZNDRAW_AUTH_DEFAULT_ADMIN_PASSWORD, for production)")
	} else if _, err := normalizeEmail(s.DefaultAdminEmail); err != nil {
		errs = append(errs, fmt.Errorf("ZNDRAW_AUTH_DEFAULT_ADMIN_EMAIL: %w", err))
	}
	if w := s.RateLimit.weakened(); w != "" {
		warnings = append(warnings, w)
	}
	return slices.Concat(s.envWarnings, warnings), settingsErrors(errs)
}

// weakened describes the limits that are off ("" when none is): all of
// them with Enabled false, else those set to 0 or less.
func (r RateLimitSettings) weakened() string {
	if !r.Enabled {
		return "ZNDRAW_AUTH_RATE_LIMIT_ENABLED=false: every brute-force and abuse limit is off, so passwords can be guessed at full speed; use it for test deployments only"
	}
	var off []string
	for _, l := range []struct {
		name string
		n    int
	}{
		{"LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR", r.LoginFailuresPerAccountPerHour},
		{"LOGIN_PER_IP_PER_MINUTE", r.LoginPerIPPerMinute},
		{"REGISTER_PER_IP_PER_HOUR", r.RegisterPerIPPerHour},
		{"FORGOT_PASSWORD_PER_IP_PER_HOUR", r.ForgotPasswordPerIPPerHour},
		{"CLI_LOGIN_CREATE_PER_IP_PER_HOUR", r.CLILoginCreatePerIPPerHour},
		{"RESET_PASSWORD_PER_IP_PER_HOUR", r.ResetPasswordPerIPPerHour},
		{"MAILS_PER_ACCOUNT_PER_HOUR", r.MailsPerAccountPerHour},
		{"EMAIL_CHANGES_PER_USER_PER_HOUR", r.EmailChangesPerUserPerHour},
		{"EMAIL_CHANGES_PER_IP_PER_HOUR", r.EmailChangesPerIPPerHour},
		{"CLI_CODE_FAILURES_PER_USER_PER_HOUR", r.CLICodeFailuresPerUserPerHour},
		{"CLI_CODE_FAILURES_PER_IP_PER_HOUR", r.CLICodeFailuresPerIPPerHour},
	} {
		if l.n <= 0 {
			off = append(off, EnvPrefix+"RATE_LIMIT_"+l.name)
		}
	}
	if len(off) == 0 {
		return ""
	}
	return "rate limits set to 0 are off: " + strings.Join(off, ", ")
}

// validate checks the limits that depend on each other.
func (r RateLimitSettings) validate() []error {
	var errs []error
	if r.IPv6PrefixLength < 0 || r.IPv6PrefixLength > 128 {
		errs = append(errs, fmt.Errorf("IPv6 prefix length %d must be between 1 and 128 (0: the default, 64)", r.IPv6PrefixLength))
	}
	if r.familiarSources() && r.FamiliarSourceLifetime <= 0 {
		errs = append(errs, errors.New("familiar source lifetime must be positive"))
	}
	return errs
}
