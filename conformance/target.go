package conformance

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/zincware/zndraw-auth-go/httpapi"
)

// Mode is the configuration of the server under test.
type Mode string

// The two modes of zndraw-auth, chosen by the server's
// ZNDRAW_AUTH_DEFAULT_ADMIN_EMAIL.
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
	// Mode is the server's mode. Empty means: find out at setup. With
	// AdminEmail and AdminPassword set, the admin logs in and a newly
	// registered user tells the mode (a superuser in dev mode); without
	// them the suite registers its root user, which must then be a
	// superuser (dev mode), or setup fails asking for the admin.
	Mode Mode
	// Prefixes are the mount points; zero fields are the defaults.
	Prefixes httpapi.Prefixes
	// ResetAndVerify reports that the reset-password and verify routers are
	// mounted.
	ResetAndVerify bool
	// Mailbox reads delivered reset and verify tokens; cases that need one
	// skip without it.
	Mailbox Mailbox
	// Clock moves an in-process server's clock (expiry cases). If it also
	// has a Now() time.Time method (ManualClock has), the suite waits for
	// rate-limit windows and poll intervals by moving it instead of
	// sleeping.
	Clock ClockControl
	// ChallengeLifetime is a live server's (short) CLI challenge lifetime;
	// without Clock, expiry cases wait it out, and skip when it is 0.
	ChallengeLifetime time.Duration
	// DemoRoutes reports that GET /protected, /protected/superuser,
	// /protected/optional and /protected/preset-headers exist (see the
	// package documentation).
	DemoRoutes bool
	// SecretKey is the server's access-token signing secret. Cases that
	// forge tokens with it (no exp, wrong audience, other algorithms) run
	// only when it is set.
	SecretKey string
	// Limits are the server's rate limits. Nil means: find out at setup
	// (a CLI challenge polled twice within its interval answers 429 only
	// while limits are on) and assume the kit's default values when they
	// are on. The suite then spends at most half of every per-address
	// budget (see Summary.Budget) and checks the limits themselves.
	Limits *Limits
	// ForwardedFor reports that the server believes X-Forwarded-For from
	// the suite (its address is one of the server's trusted proxies) and
	// that no proxy sits between them. The cases that must exceed a
	// per-address limit to see its 429 then spend the budgets of made-up
	// documentation addresses (2001:db8::/32) instead of the suite's own;
	// without it they are skipped.
	ForwardedFor bool
	// Outage takes the server's store down and brings it back, for the
	// case that checks the 503 answer during an outage; nil skips it.
	Outage Outage
}

// ClockControl moves the clock of an in-process server forward.
type ClockControl interface {
	Advance(d time.Duration)
}

// Outage makes the server's store unavailable (Down) and available again
// (Up). Both return once the change is made; the suite gives the server a
// few seconds to notice.
type Outage interface {
	Down(ctx context.Context) error
	Up(ctx context.Context) error
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

// normalize fills the defaults of t and checks what is required; names
// gives the user-facing name of a Target field in messages.
func (t Target) normalize(names func(string) string) (Target, error) {
	if t.Mode != "" && t.Mode != ModeProduction && t.Mode != ModeDev {
		return t, fmt.Errorf("conformance: unknown mode %q (want %s or %s)", t.Mode, ModeProduction, ModeDev)
	}
	if t.Handler == nil && t.BaseURL == "" {
		return t, fmt.Errorf("conformance: %s is required", names("BaseURL"))
	}
	if t.Mode == ModeProduction && (t.AdminEmail == "" || t.AdminPassword == "") {
		return t, fmt.Errorf("conformance: production mode needs the default admin: %s and %s", names("AdminEmail"), names("AdminPassword"))
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

// goName is the default naming of Target fields in messages.
func goName(field string) string { return "Target." + field }
