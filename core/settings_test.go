package core_test

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zincware/zndraw-auth-go/core"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

func TestDefaultSettings(t *testing.T) {
	want := core.Settings{
		SecretKey:                  "CHANGE-ME-IN-PRODUCTION-SECRET!",
		TokenLifetime:              3600 * time.Second,
		ResetPasswordTokenSecret:   "CHANGE-ME-RESET",
		ResetPasswordTokenLifetime: 3600 * time.Second,
		VerificationTokenSecret:    "CHANGE-ME-VERIFY",
		VerificationTokenLifetime:  3600 * time.Second,
		DefaultAdminEmail:          "",
		DefaultAdminPassword:       "",
		CLILoginLifetime:           300 * time.Second,
		CLILoginPollInterval:       time.Second,
		CLILoginRetention:          86400 * time.Second,
		PasswordMinLength:          8,
		RequireVerification:        false,
		JWTLeeway:                  30 * time.Second,
		UserCacheTTL:               time.Second,
		RateLimit: core.RateLimitSettings{
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
	got := core.DefaultSettings()
	assert.Equal(t, want, got)
	assert.True(t, got.IsDevMode(), "no admin email: dev mode")
}

func TestLoadSettingsFromEnv(t *testing.T) {
	vars := map[string]string{
		"ZNDRAW_AUTH_SECRET_KEY":                                             "s-key",
		"zndraw_auth_token_lifetime_seconds":                                 "120", // names are case-insensitive
		"ZNDRAW_AUTH_RESET_PASSWORD_TOKEN_SECRET":                            "r-key",
		"ZNDRAW_AUTH_RESET_PASSWORD_TOKEN_LIFETIME_SECONDS":                  "121",
		"Zndraw_Auth_Verification_Token_Secret":                              "v-key",
		"ZNDRAW_AUTH_VERIFICATION_TOKEN_LIFETIME_SECONDS":                    " 122 ",
		"ZNDRAW_AUTH_DEFAULT_ADMIN_EMAIL":                                    "admin@example.com",
		"ZNDRAW_AUTH_DEFAULT_ADMIN_PASSWORD":                                 "admin-password",
		"ZNDRAW_AUTH_CLI_LOGIN_LIFETIME_SECONDS":                             "600",
		"ZNDRAW_AUTH_CLI_LOGIN_POLL_INTERVAL_SECONDS":                        "5",
		"ZNDRAW_AUTH_CLI_LOGIN_RETENTION_SECONDS":                            "7200",
		"ZNDRAW_AUTH_PASSWORD_MIN_LENGTH":                                    "12",
		"ZNDRAW_AUTH_REQUIRE_VERIFICATION":                                   "yes",
		"ZNDRAW_AUTH_JWT_LEEWAY_SECONDS":                                     "10",
		"ZNDRAW_AUTH_USER_CACHE_SECONDS":                                     "3",
		"ZNDRAW_AUTH_RATE_LIMIT_ENABLED":                                     "off",
		"ZNDRAW_AUTH_RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR":         "11",
		"ZNDRAW_AUTH_RATE_LIMIT_LOGIN_PER_IP_PER_MINUTE":                     "12",
		"ZNDRAW_AUTH_RATE_LIMIT_REGISTER_PER_IP_PER_HOUR":                    "13",
		"ZNDRAW_AUTH_RATE_LIMIT_FORGOT_PASSWORD_PER_IP_PER_HOUR":             "14",
		"ZNDRAW_AUTH_RATE_LIMIT_CLI_LOGIN_CREATE_PER_IP_PER_HOUR":            "15",
		"ZNDRAW_AUTH_RATE_LIMIT_LOGIN_FAILURES_PER_FAMILIAR_SOURCE_PER_HOUR": "16",
		"ZNDRAW_AUTH_RATE_LIMIT_FAMILIAR_SOURCES_PER_ACCOUNT":                "17",
		"ZNDRAW_AUTH_RATE_LIMIT_FAMILIAR_SOURCE_LIFETIME_SECONDS":            "18",
		"ZNDRAW_AUTH_RATE_LIMIT_IPV6_PREFIX_LENGTH":                          "48",
		"ZNDRAW_AUTH_RATE_LIMIT_RESET_PASSWORD_PER_IP_PER_HOUR":              "19",
		"ZNDRAW_AUTH_RATE_LIMIT_MAILS_PER_ACCOUNT_PER_HOUR":                  "20",
		"ZNDRAW_AUTH_RATE_LIMIT_EMAIL_CHANGES_PER_USER_PER_HOUR":             "21",
		"ZNDRAW_AUTH_RATE_LIMIT_EMAIL_CHANGES_PER_IP_PER_HOUR":               "22",
		"ZNDRAW_AUTH_RATE_LIMIT_CLI_CODE_FAILURES_PER_USER_PER_HOUR":         "23",
		"ZNDRAW_AUTH_RATE_LIMIT_CLI_CODE_FAILURES_PER_IP_PER_HOUR":           "24",
	}
	for k, v := range vars {
		t.Setenv(k, v)
	}
	got, err := core.LoadSettingsFromEnv()
	require.NoError(t, err)
	want := core.Settings{
		SecretKey:                  "s-key",
		TokenLifetime:              120 * time.Second,
		ResetPasswordTokenSecret:   "r-key",
		ResetPasswordTokenLifetime: 121 * time.Second,
		VerificationTokenSecret:    "v-key",
		VerificationTokenLifetime:  122 * time.Second,
		DefaultAdminEmail:          "admin@example.com",
		DefaultAdminPassword:       "admin-password",
		CLILoginLifetime:           600 * time.Second,
		CLILoginPollInterval:       5 * time.Second,
		CLILoginRetention:          7200 * time.Second,
		PasswordMinLength:          12,
		RequireVerification:        true,
		JWTLeeway:                  10 * time.Second,
		UserCacheTTL:               3 * time.Second,
		RateLimit: core.RateLimitSettings{
			Enabled:                        false,
			LoginFailuresPerAccountPerHour: 11,
			LoginPerIPPerMinute:            12,
			RegisterPerIPPerHour:           13,
			ForgotPasswordPerIPPerHour:     14,
			CLILoginCreatePerIPPerHour:     15,

			LoginFailuresPerFamiliarSourcePerHour: 16,
			FamiliarSourcesPerAccount:             17,
			FamiliarSourceLifetime:                18 * time.Second,
			IPv6PrefixLength:                      48,
			ResetPasswordPerIPPerHour:             19,
			MailsPerAccountPerHour:                20,
			EmailChangesPerUserPerHour:            21,
			EmailChangesPerIPPerHour:              22,
			CLICodeFailuresPerUserPerHour:         23,
			CLICodeFailuresPerIPPerHour:           24,
		},
	}
	assert.Equal(t, want, got)
	assert.False(t, got.IsDevMode())
}

func TestLoadSettingsFromEnvDefaults(t *testing.T) {
	t.Setenv("ZNDRAW_AUTH_SECRET_KEY", "only-this")
	got, err := core.LoadSettingsFromEnv()
	require.NoError(t, err)
	want := core.DefaultSettings()
	want.SecretKey = "only-this"
	assert.Equal(t, want, got)
}

func TestLoadSettingsFromEnvBooleans(t *testing.T) {
	for v, want := range map[string]bool{
		"1": true, "true": true, "TRUE": true, "t": true, "yes": true, "y": true, "on": true,
		"0": false, "false": false, "False": false, "f": false, "no": false, "n": false, "off": false,
	} {
		t.Run(v, func(t *testing.T) {
			t.Setenv("ZNDRAW_AUTH_REQUIRE_VERIFICATION", v)
			got, err := core.LoadSettingsFromEnv()
			require.NoError(t, err)
			assert.Equal(t, want, got.RequireVerification)
		})
	}
}

func TestLoadSettingsFromEnvMalformed(t *testing.T) {
	for _, tc := range []struct{ name, value string }{
		{"ZNDRAW_AUTH_TOKEN_LIFETIME_SECONDS", "1h"},
		{"ZNDRAW_AUTH_TOKEN_LIFETIME_SECONDS", "3600.5"},
		{"ZNDRAW_AUTH_RESET_PASSWORD_TOKEN_LIFETIME_SECONDS", ""},
		{"ZNDRAW_AUTH_VERIFICATION_TOKEN_LIFETIME_SECONDS", "x"},
		{"ZNDRAW_AUTH_CLI_LOGIN_LIFETIME_SECONDS", "five"},
		{"ZNDRAW_AUTH_CLI_LOGIN_POLL_INTERVAL_SECONDS", "1s"},
		{"ZNDRAW_AUTH_CLI_LOGIN_RETENTION_SECONDS", "1e5"},
		{"ZNDRAW_AUTH_PASSWORD_MIN_LENGTH", "eight"},
		{"ZNDRAW_AUTH_REQUIRE_VERIFICATION", "maybe"},
		{"ZNDRAW_AUTH_JWT_LEEWAY_SECONDS", "-"},
		{"ZNDRAW_AUTH_RATE_LIMIT_ENABLED", "2"},
		{"ZNDRAW_AUTH_RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR", "many"},
		{"ZNDRAW_AUTH_RATE_LIMIT_LOGIN_PER_IP_PER_MINUTE", "1.5"},
		{"ZNDRAW_AUTH_RATE_LIMIT_REGISTER_PER_IP_PER_HOUR", "ten"},
		{"ZNDRAW_AUTH_RATE_LIMIT_FORGOT_PASSWORD_PER_IP_PER_HOUR", "x"},
		{"ZNDRAW_AUTH_RATE_LIMIT_CLI_LOGIN_CREATE_PER_IP_PER_HOUR", "x"},
		{"ZNDRAW_AUTH_RATE_LIMIT_IPV6_PREFIX_LENGTH", "/64"},
		{"ZNDRAW_AUTH_RATE_LIMIT_FAMILIAR_SOURCE_LIFETIME_SECONDS", "30d"},
		{"ZNDRAW_AUTH_RATE_LIMIT_MAILS_PER_ACCOUNT_PER_HOUR", "five"},
	} {
		t.Run(tc.name+"="+tc.value, func(t *testing.T) {
			t.Setenv(tc.name, tc.value)
			_, err := core.LoadSettingsFromEnv()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.name)
		})
	}
	t.Run("every malformed variable is named", func(t *testing.T) {
		t.Setenv("ZNDRAW_AUTH_PASSWORD_MIN_LENGTH", "x")
		t.Setenv("ZNDRAW_AUTH_JWT_LEEWAY_SECONDS", "y")
		_, err := core.LoadSettingsFromEnv()
		require.Error(t, err)
		assert.Contains(t, err.Error(), "ZNDRAW_AUTH_PASSWORD_MIN_LENGTH")
		assert.Contains(t, err.Error(), "ZNDRAW_AUTH_JWT_LEEWAY_SECONDS")
		assert.NotContains(t, err.Error(), "\n", "one line")
	})
}

func TestNewValidatesSettings(t *testing.T) {
	short := strings.Repeat("k", core.MinSecretBytes-1)
	for _, tc := range []struct {
		name   string
		change func(*core.Settings)
		want   string // in the error
	}{
		{"default secret key", func(s *core.Settings) { s.SecretKey = core.DefaultSecretKey }, "ZNDRAW_AUTH_SECRET_KEY"},
		{"31-byte secret key", func(s *core.Settings) { s.SecretKey = short }, "ZNDRAW_AUTH_SECRET_KEY"},
		{"empty secret key", func(s *core.Settings) { s.SecretKey = "" }, "ZNDRAW_AUTH_SECRET_KEY"},
		{"default reset secret", func(s *core.Settings) { s.ResetPasswordTokenSecret = core.DefaultResetPasswordTokenSecret }, "ZNDRAW_AUTH_RESET_PASSWORD_TOKEN_SECRET"},
		{"31-byte reset secret", func(s *core.Settings) { s.ResetPasswordTokenSecret = short }, "ZNDRAW_AUTH_RESET_PASSWORD_TOKEN_SECRET"},
		{"default verify secret", func(s *core.Settings) { s.VerificationTokenSecret = core.DefaultVerificationTokenSecret }, "ZNDRAW_AUTH_VERIFICATION_TOKEN_SECRET"},
		{"31-byte verify secret", func(s *core.Settings) { s.VerificationTokenSecret = short }, "ZNDRAW_AUTH_VERIFICATION_TOKEN_SECRET"},
		{"token lifetime 0", func(s *core.Settings) { s.TokenLifetime = 0 }, "token lifetime"},
		{"reset lifetime 0", func(s *core.Settings) { s.ResetPasswordTokenLifetime = 0 }, "lifetime"},
		{"CLI lifetime 0", func(s *core.Settings) { s.CLILoginLifetime = 0 }, "CLI login lifetime"},
		{"negative poll interval", func(s *core.Settings) { s.CLILoginPollInterval = -time.Second }, "poll interval"},
		{"retention under an hour", func(s *core.Settings) { s.CLILoginRetention = 59 * time.Minute }, "retention"},
		{"IPv6 prefix of 129 bits", func(s *core.Settings) { s.RateLimit.IPv6PrefixLength = 129 }, "IPv6 prefix"},
		{"negative IPv6 prefix", func(s *core.Settings) { s.RateLimit.IPv6PrefixLength = -1 }, "IPv6 prefix"},
		{"familiar sources that never stay", func(s *core.Settings) { s.RateLimit.FamiliarSourceLifetime = 0 }, "familiar source lifetime"},
		{"min length 0", func(s *core.Settings) { s.PasswordMinLength = 0 }, "minimum length"},
		{"leeway over 60 s", func(s *core.Settings) { s.JWTLeeway = 61 * time.Second }, "leeway"},
		{"negative leeway", func(s *core.Settings) { s.JWTLeeway = -time.Second }, "leeway"},
		{"invalid admin email", func(s *core.Settings) { s.DefaultAdminEmail = "admin@localhost" }, "ZNDRAW_AUTH_DEFAULT_ADMIN_EMAIL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := testSettings() // production mode
			tc.change(&s)
			svc, err := core.New(memstore.New(), s, core.WithLogger(quiet))
			require.Error(t, err)
			assert.Nil(t, svc)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "\n", "one line")
			_, verr := s.Validate()
			require.Error(t, verr)
		})
	}
	t.Run("a 32-byte secret is accepted", func(t *testing.T) {
		s := testSettings()
		s.SecretKey = strings.Repeat("k", core.MinSecretBytes)
		svc, err := core.New(memstore.New(), s, core.WithLogger(quiet))
		require.NoError(t, err)
		require.NoError(t, svc.Close())
	})
	t.Run("nil store", func(t *testing.T) {
		_, err := core.New(nil, testSettings())
		require.Error(t, err)
	})
}

// warnings returns the messages of the WARN records New logs for settings.
func warnings(t *testing.T, settings core.Settings) []string {
	t.Helper()
	logs := &syncBuffer{}
	svc, err := core.New(memstore.New(), settings, core.WithLogger(slog.New(slog.NewJSONHandler(logs, nil))))
	require.NoError(t, err)
	t.Cleanup(func() { _ = svc.Close() })
	var warned []string
	for _, r := range logs.Records(t) {
		if r["level"] == "WARN" {
			warned = append(warned, r["msg"].(string))
		}
	}
	return warned
}

// TestNewDevModeWarns: dev mode with the public default secrets starts,
// with one warning for the mode and one naming every weak secret.
func TestNewDevModeWarns(t *testing.T) {
	svc, err := core.New(memstore.New(), core.DefaultSettings(), core.WithLogger(quiet))
	require.NoError(t, err, "weak secrets are acceptable in dev mode")
	t.Cleanup(func() { _ = svc.Close() })
	assert.True(t, svc.IsDevMode())
	warned := warnings(t, core.DefaultSettings())
	require.Len(t, warned, 2, "%q", warned)
	assert.Contains(t, warned[0], "public default")
	for _, name := range []string{"ZNDRAW_AUTH_SECRET_KEY", "ZNDRAW_AUTH_RESET_PASSWORD_TOKEN_SECRET", "ZNDRAW_AUTH_VERIFICATION_TOKEN_SECRET"} {
		assert.Contains(t, warned[0], name)
	}
	assert.Contains(t, warned[1], "DEV MODE")
	assert.Contains(t, warned[1], "ZNDRAW_AUTH_DEFAULT_ADMIN_EMAIL")

	t.Run("still refuses unusable settings", func(t *testing.T) {
		s := core.DefaultSettings()
		s.TokenLifetime = 0
		_, err := core.New(memstore.New(), s, core.WithLogger(quiet))
		require.Error(t, err)
		s = core.DefaultSettings()
		s.SecretKey = ""
		_, err = core.New(memstore.New(), s, core.WithLogger(quiet))
		require.Error(t, err)
	})
}

// TestNewWarnsAboutWeakenedSettings: a production configuration without
// weaknesses starts silently; each weakening is one warning that says what
// it costs.
func TestNewWarnsAboutWeakenedSettings(t *testing.T) {
	production := testSettings()
	production.RateLimit = core.DefaultSettings().RateLimit
	assert.Empty(t, warnings(t, production))

	s := production
	s.RateLimit.Enabled = false
	warned := warnings(t, s)
	require.Len(t, warned, 1, "%q", warned)
	assert.Contains(t, warned[0], "ZNDRAW_AUTH_RATE_LIMIT_ENABLED=false")

	s = production
	s.RateLimit.LoginPerIPPerMinute = 0
	s.RateLimit.RegisterPerIPPerHour = -1
	warned = warnings(t, s)
	require.Len(t, warned, 1, "%q", warned)
	assert.Contains(t, warned[0], "ZNDRAW_AUTH_RATE_LIMIT_LOGIN_PER_IP_PER_MINUTE")
	assert.Contains(t, warned[0], "ZNDRAW_AUTH_RATE_LIMIT_REGISTER_PER_IP_PER_HOUR")
}

// TestUnknownEnvironmentVariables: a misspelt ZNDRAW_AUTH_* variable is
// ignored as before, but New warns about it by name with the closest
// variable the kit knows. Variables read outside Settings are known.
func TestUnknownEnvironmentVariables(t *testing.T) {
	for k, v := range map[string]string{
		"ZNDRAW_AUTH_SECRETKEY":                   "oops",
		"zndraw_auth_rate_limit_enable":           "false",
		"ZNDRAW_AUTH_DEFAULT_ADMIN_EMAIL":         "admin@example.com",
		"ZNDRAW_AUTH_SECRET_KEY":                  strings.Repeat("s", 32),
		"ZNDRAW_AUTH_TRUSTED_PROXIES":             "10.0.0.1",
		"ZNDRAW_AUTH_SERVER":                      "http://127.0.0.1:8000",
		"ZNDRAW_AUTH_TEST_POSTGRES_DSN":           "postgres://",
		"ZNDRAW_AUTH_RESET_PASSWORD_TOKEN_SECRET": strings.Repeat("r", 32),
		"ZNDRAW_AUTH_VERIFICATION_TOKEN_SECRET":   strings.Repeat("v", 32),
	} {
		t.Setenv(k, v)
	}
	s, err := core.LoadSettingsFromEnv()
	require.NoError(t, err)
	assert.True(t, s.RateLimit.Enabled, "the misspelt variable changes nothing")
	warned := warnings(t, s)
	require.Len(t, warned, 2, "%q", warned)
	assert.Contains(t, warned[0], "ZNDRAW_AUTH_RATE_LIMIT_ENABLE is not a setting")
	assert.Contains(t, warned[0], "did you mean ZNDRAW_AUTH_RATE_LIMIT_ENABLED?")
	assert.Contains(t, warned[1], "ZNDRAW_AUTH_SECRETKEY is not a setting")
	assert.Contains(t, warned[1], "did you mean ZNDRAW_AUTH_SECRET_KEY?")
	assert.NotContains(t, strings.Join(warned, " "), "oops", "values are never logged")
}

func TestServiceAccessors(t *testing.T) {
	e := newEnv(t)
	assert.Equal(t, testSettings(), e.svc.Settings())
	assert.Equal(t, e.store, e.svc.Store())
	assert.Equal(t, t0, e.svc.Clock().Now())
	assert.False(t, e.svc.IsDevMode())
}
