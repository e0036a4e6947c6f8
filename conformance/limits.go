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
	{"account", "ZNDRAW_AUTH_RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR", func(l *Limits) *int { return &l.LoginFailuresPerAccountPerHour }},
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
// defaults, e.g. "register=20,login=30" (keys: LimitKeysHelp).
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
			return l, fmt.Errorf("%q: want off, default or key=value,... (keys: login, register, forgot, cli, account, poll)", item)
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
			return l, fmt.Errorf("unknown limit %q (keys: login, register, forgot, cli, account, poll)", key)
		}
	}
	return l, nil
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
	parts = append(parts, fmt.Sprintf("failed logins %d/h per account", l.LoginFailuresPerAccountPerHour))
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
