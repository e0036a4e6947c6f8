package serve

import (
	"flag"
	"fmt"
	"os"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/httpapi"
)

// DefaultAddr and DefaultDatabaseURL are the defaults of -addr and
// -database-url.
const (
	DefaultAddr        = "127.0.0.1:8000"
	DefaultDatabaseURL = "sqlite:///zndraw-auth.db"
)

// Flags are the example servers' command-line flags. Their names and
// meanings are stable: scripts and CI start the examples with them.
type Flags struct {
	// Addr is -addr, the listen address (default DefaultAddr).
	Addr string
	// DatabaseURL is -database-url (default DefaultDatabaseURL, a file in
	// the working directory); see OpenStore.
	DatabaseURL string
	// Outbox is -outbox FILE: a development aid that appends every reset
	// and verification token to FILE (see Outbox). Never in production.
	Outbox string
	// ApprovalPage is -approval-page (default true): the CLI login's
	// approval page (httpapi.Config.ApprovalPage).
	ApprovalPage bool
	// OpenAPI is -openapi (default true): GET /openapi.json
	// (httpapi.Config.OpenAPI).
	OpenAPI bool
	// Register is -register (default true): POST /auth/register
	// (httpapi.Config.Groups.Register); with -register=false only the
	// default admin and superusers create accounts.
	Register bool
	// Version is -version: print the version and exit.
	Version bool
}

// NewFlags defines the flags on fs and returns where their values go after
// fs.Parse.
func NewFlags(fs *flag.FlagSet) *Flags {
	f := &Flags{}
	fs.StringVar(&f.Addr, "addr", DefaultAddr, "listen address")
	fs.StringVar(&f.DatabaseURL, "database-url", DefaultDatabaseURL,
		"sqlite:///relative/file.db, sqlite:////absolute/file.db, sqlite://:memory:, postgres://... or "+MemoryURL)
	fs.StringVar(&f.Outbox, "outbox", "", "development aid: append reset/verify tokens as JSON lines to this file (never in production)")
	fs.BoolVar(&f.ApprovalPage, "approval-page", true, "serve the CLI login's approval page (/auth/cli-login/approve)")
	fs.BoolVar(&f.OpenAPI, "openapi", true, "serve the OpenAPI document at /openapi.json")
	fs.BoolVar(&f.Register, "register", true, "serve POST /auth/register (self-registration)")
	fs.BoolVar(&f.Version, "version", false, "print the version and exit")
	return f
}

// ParseFlags defines the flags on the program's command line and parses it.
// With -version it prints program's version line and exits, as flag.Parse
// exits after -h.
func ParseFlags(program string) *Flags {
	f := NewFlags(flag.CommandLine)
	flag.Parse()
	if f.Version {
		fmt.Println(VersionLine(program))
		os.Exit(0)
	}
	return f
}

// Apply sets the parts of cfg the flags choose: the approval page, the
// OpenAPI document and the register router.
func (f *Flags) Apply(cfg *httpapi.Config) {
	cfg.ApprovalPage = f.ApprovalPage
	cfg.OpenAPI = f.OpenAPI
	groups := httpapi.AllGroups()
	if cfg.Groups != nil {
		groups = *cfg.Groups
	}
	groups.Register = groups.Register && f.Register
	cfg.Groups = &groups
}

// Hooks returns the hooks the flags ask for: Outbox with -outbox, else
// none. Compose them with the host's (hooks.Compose).
func (f *Flags) Hooks() core.Hooks {
	if f.Outbox == "" {
		return core.Hooks{}
	}
	return Outbox(f.Outbox)
}
