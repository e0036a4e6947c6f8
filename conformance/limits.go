package conformance

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/zincware/zndraw-auth-go/core"
)

// Limits are the rate limits of the server under test: the
// ZNDRAW_AUTH_RATE_LIMIT_* settings and the CLI poll interval.
type Limits struct {
	core.RateLimitSettings
	// CLIPollInterval is ZNDRAW_AUTH_CLI_LOGIN_POLL_INTERVAL_SECONDS: while
	// limits are on, a second poll of one challenge within it answers 429.
	CLIPollInterval time.Duration
}

// DefaultLimits are the kit's default limits (on).
func DefaultLimits() Limits { return LimitsOf(core.DefaultSettings()) }

// LimitsOf returns the limits a server built from settings applies.
func LimitsOf(s core.Settings) Limits {
	return Limits{RateLimitSettings: s.RateLimit, CLIPollInterval: s.CLILoginPollInterval}
}

// limitKeys are the keys of ParseLimits, with the setting each one stands
// for.
var limitKeys = []struct {
	key, setting string
	field        func(*Limits) *int
}{
	{"login", "ZNDRAW_AUTH_RATE_LIMIT_LOGIN_PER_IP_PER_MINUTE", func(l *Limits) *int { return &l.LoginPerIPPerMinute }},
	{"register", "ZNDRAW_AUTH_RATE_LIMIT_REGISTER_PER_IP_PER_HOUR", func(l *Limits) *int { return &l.RegisterPerIPPerHour }},
	{"forgot", "ZNDRAW_AUTH_RATE_LIMIT_FORGOT_PASSWORD_PER_IP_PER_HOUR", func(l *Limits) *int { return &l.ForgotPasswordPerIPPerHour }},
	{"cli", "ZNDRAW_AUTH_RATE_LIMIT_CLI_LOGIN_CREATE_PER_IP_PER_HOUR", func(l *Limits) *int { return &l.CLILoginCreatePerIPPerHour }},
	{"reset", "ZNDRAW_AUTH_RATE_LIMIT_RESET_PASSWORD_PER_IP_PER_HOUR", func(l *Limits) *int { return &l.ResetPasswordPerIPPerHour }},
	{"email", "ZNDRAW_AUTH_RATE_LIMIT_EMAIL_CHANGES_PER_IP_PER_HOUR", func(l *Limits) *int { return &l.EmailChangesPerIPPerHour }},
	{"code", "ZNDRAW_AUTH_RATE_LIMIT_CLI_CODE_FAILURES_PER_IP_PER_HOUR", func(l *Limits) *int { return &l.CLICodeFailuresPerIPPerHour }},
	{"account", "ZNDRAW_AUTH_RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR", func(l *Limits) *int { return &l.LoginFailuresPerAccountPerHour }},
	{"familiar", "ZNDRAW_AUTH_RATE_LIMIT_LOGIN_FAILURES_PER_FAMILIAR_SOURCE_PER_HOUR", func(l *Limits) *int { return &l.LoginFailuresPerFamiliarSourcePerHour }},
	{"familiar-sources", "ZNDRAW_AUTH_RATE_LIMIT_FAMILIAR_SOURCES_PER_ACCOUNT", func(l *Limits) *int { return &l.FamiliarSourcesPerAccount }},
	{"mails", "ZNDRAW_AUTH_RATE_LIMIT_MAILS_PER_ACCOUNT_PER_HOUR", func(l *Limits) *int { return &l.MailsPerAccountPerHour }},
	{"email-user", "ZNDRAW_AUTH_RATE_LIMIT_EMAIL_CHANGES_PER_USER_PER_HOUR", func(l *Limits) *int { return &l.EmailChangesPerUserPerHour }},
	{"code-user", "ZNDRAW_AUTH_RATE_LIMIT_CLI_CODE_FAILURES_PER_USER_PER_HOUR", func(l *Limits) *int { return &l.CLICodeFailuresPerUserPerHour }},
}

// LimitKeysHelp lists the keys ParseLimits takes, one "key: SETTING" per
// line, for a command's usage text.
func LimitKeysHelp() string {
	var b strings.Builder
	for _, k := range limitKeys {
		fmt.Fprintf(&b, "%s: %s\n", k.key, k.setting)
	}
	b.WriteString("poll: ZNDRAW_AUTH_CLI_LOGIN_POLL_INTERVAL_SECONDS (a duration, e.g. 1s)\n")
	return b.String()
}

// ParseLimits reads a description of a server's limits: "off" (the server
// runs with ZNDRAW_AUTH_RATE_LIMIT_ENABLED=false), "default" (the kit's
// defaults), or a comma-separated list of key=value that changes the
// defaults, e.g. "register=20,login=30" (keys: LimitKeysHelp). The
// IPv6 prefix length and the familiar-source lifetime are not needed by the
// suite and keep their defaults.
func ParseLimits(spec string) (Limits, error) {
	l := DefaultLimits()
	switch strings.TrimSpace(spec) {
	case "off":
		l.Enabled = false
		return l, nil
	case "default":
		return l, nil
	}
	for _, item := range strings.Split(spec, ",") {
		key, value, ok := strings.Cut(strings.TrimSpace(item), "=")
		if !ok {
			return l, fmt.Errorf("%q: want off, default or key=value,... (keys: %s)", item, keyList())
		}
		key = strings.ToLower(strings.TrimSpace(key))
		value = strings.TrimSpace(value)
		if key == "poll" {
			d, err := time.ParseDuration(value)
			if err != nil || d < 0 {
				return l, fmt.Errorf("poll=%s: want a duration such as 1s", value)
			}
			l.CLIPollInterval = d
			continue
		}
		found := false
		for _, k := range limitKeys {
			if k.key == key {
				n, err := strconv.Atoi(value)
				if err != nil || n < 0 {
					return l, fmt.Errorf("%s=%s: want a whole number", key, value)
				}
				*k.field(&l) = n
				found = true
			}
		}
		if !found {
			return l, fmt.Errorf("unknown limit %q (keys: %s)", key, keyList())
		}
	}
	return l, nil
}

// keyList names the keys of ParseLimits.
func keyList() string {
	var keys []string
	for _, k := range limitKeys {
		keys = append(keys, k.key)
	}
	return strings.Join(append(keys, "poll"), ", ")
}

// String describes the limits in the server's own terms.
func (l Limits) String() string {
	if !l.Enabled {
		return "off"
	}
	var parts []string
	for _, b := range budgets {
		parts = append(parts, fmt.Sprintf("%s %d/%s", b.name, b.limit(l), windowName(b.window)))
	}
	perFamiliar, shared := l.LoginBudgets()
	parts = append(parts, fmt.Sprintf("failed logins %d/h per account (%d for each of %d familiar sources, %d shared)",
		l.LoginFailuresPerAccountPerHour, perFamiliar, l.FamiliarSourcesPerAccount, shared))
	parts = append(parts, fmt.Sprintf("mails %d/h per address", l.MailsPerAccountPerHour))
	parts = append(parts, fmt.Sprintf("email changes %d/h per user", l.EmailChangesPerUserPerHour))
	parts = append(parts, fmt.Sprintf("CLI code failures %d/h per user", l.CLICodeFailuresPerUserPerHour))
	parts = append(parts, fmt.Sprintf("CLI poll interval %s", l.CLIPollInterval))
	return strings.Join(parts, ", ")
}

func windowName(w time.Duration) string {
	switch w {
	case time.Minute:
		return "min"
	case time.Hour:
		return "h"
	}
	return w.String()
}
