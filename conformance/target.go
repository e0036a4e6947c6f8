package conformance

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/httpapi"
)

// Mode is the configuration of the server under test.
type Mode string

// The two modes of zndraw-auth (CONTRACT §9.2).
const (
	// ModeProduction: a default admin is configured and registered users are
	// regular users.
	ModeProduction Mode = "production"
	// ModeDev: no admin is configured and every registered user becomes a
	// superuser.
	ModeDev Mode = "dev"
)

// Target describes the server under test.
type Target struct {
	// BaseURL is the server's root, e.g. http://127.0.0.1:8000. Required
	// unless Handler is set.
	BaseURL string
	// Handler is an in-process server: Run and RunAll serve it with
	// httptest.NewServer and use that URL.
	Handler http.Handler
	// Client sends the requests; default: a client that does not follow
	// redirects. Every request is bounded to 10 s by its context, except the
	// concurrent bursts (64 requests at once), which get 2 minutes, since a
	// server hashing with production parameters takes that long to answer
	// them all.
	Client *http.Client
	// AdminEmail and AdminPassword are the configured default admin
	// (production mode only).
	AdminEmail, AdminPassword string
	// Mode is the server's mode; empty means ModeProduction.
	Mode Mode
	// Prefixes are the mount points; zero fields are the defaults.
	Prefixes httpapi.Prefixes
	// ResetAndVerify reports that the reset-password and verify routers are
	// mounted.
	ResetAndVerify bool
	// Mailbox reads delivered reset and verify tokens; cases that need one
	// skip without it.
	Mailbox Mailbox
	// Clock moves an in-process server's clock (expiry cases).
	Clock ClockControl
	// ChallengeLifetime is a live server's (short) CLI challenge lifetime;
	// without Clock, expiry cases wait it out, and skip when it is 0.
	ChallengeLifetime time.Duration
	// DemoRoutes reports that GET /protected, /protected/superuser and
	// /protected/optional exist (see the package documentation).
	DemoRoutes bool
	// SecretKey is the server's access-token signing secret. Cases that
	// forge tokens with it (no exp, wrong audience, other algorithms) run
	// only when it is set.
	SecretKey string
	// RateLimits are the server's rate limits (core.LoadSettingsFromEnv
	// reads them from the ZNDRAW_AUTH_RATE_LIMIT_* variables). The limit
	// cases that must know them (LIM3 to LIM6) run only when they are set
	// and on, and only where they stay within half of a per-address budget.
	RateLimits *core.RateLimitSettings
}

// ClockControl moves the clock of an in-process server forward.
type ClockControl interface {
	Advance(d time.Duration)
}

// Mailbox reads the tokens a server delivered through its
// OnAfterForgotPassword and OnAfterRequestVerify hooks.
type Mailbox interface {
	// Token returns the latest token of kind (MailReset or MailVerify) sent
	// to email (compared case-insensitively), or an error wrapping
	// ErrNoMail if there is none.
	Token(ctx context.Context, kind, email string) (string, error)
}

// Kinds of delivered tokens.
const (
	MailReset  = "reset"
	MailVerify = "verify"
)

// ErrNoMail is returned (wrapped) by a Mailbox that holds no matching token.
var ErrNoMail = errors.New("conformance: no token delivered")

// Request time limits: one request, and one request of a concurrent burst.
const (
	requestTimeout = 10 * time.Second
	burstTimeout   = 2 * time.Minute
)

// normalize fills the defaults of t and checks what is required.
func (t Target) normalize() (Target, error) {
	if t.Mode == "" {
		t.Mode = ModeProduction
	}
	if t.Mode != ModeProduction && t.Mode != ModeDev {
		return t, fmt.Errorf("conformance: unknown mode %q", t.Mode)
	}
	if t.Handler == nil && t.BaseURL == "" {
		return t, errors.New("conformance: Target needs BaseURL or Handler")
	}
	if t.Mode == ModeProduction && (t.AdminEmail == "" || t.AdminPassword == "") {
		return t, errors.New("conformance: production mode needs AdminEmail and AdminPassword")
	}
	t.BaseURL = strings.TrimSuffix(t.BaseURL, "/")
	if t.Client == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 64 // the concurrent bursts reuse their connections
		t.Client = &http.Client{
			Transport:     tr,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	def := httpapi.DefaultPrefixes()
	fill := func(p *string, d string) {
		if *p == "" {
			*p = d
		}
		*p = strings.TrimSuffix(*p, "/")
	}
	fill(&t.Prefixes.JWT, def.JWT)
	fill(&t.Prefixes.Register, def.Register)
	fill(&t.Prefixes.Users, def.Users)
	fill(&t.Prefixes.CLILogin, def.CLILogin)
	fill(&t.Prefixes.Admin, def.Admin)
	fill(&t.Prefixes.Reset, def.Reset)
	fill(&t.Prefixes.Verify, def.Verify)
	return t, nil
}
