package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/netip"
	"slices"
	"strings"

	"github.com/zincware/zndraw-auth-go/core"
)

// DefaultMaxBodyBytes is the default request body limit (1 MiB).
const DefaultMaxBodyBytes = 1 << 20

// Prefixes are the mount points of the route groups (the reference's
// include_router prefixes).
type Prefixes struct {
	JWT      string // login, logout: default /auth/jwt
	Register string // register: default /auth
	Users    string // users router: default /users
	CLILogin string // CLI login: default /auth/cli-login
	Admin    string // admin token minting: default /admin
	Reset    string // forgot/reset password: default /auth
	Verify   string // request-verify-token/verify: default /auth
}

// DefaultPrefixes returns zndraw-auth's mount points.
func DefaultPrefixes() Prefixes {
	return Prefixes{JWT: "/auth/jwt", Register: "/auth", Users: "/users", CLILogin: "/auth/cli-login", Admin: "/admin", Reset: "/auth", Verify: "/auth"}
}

// Groups selects which routers are mounted. The zero value mounts none; use
// AllGroups or ZndrawGroups.
type Groups struct {
	JWT, Register, Users, CLILogin, Admin, Reset, Verify bool
}

// AllGroups mounts every router, reset and verify included.
func AllGroups() Groups {
	return Groups{JWT: true, Register: true, Users: true, CLILogin: true, Admin: true, Reset: true, Verify: true}
}

// ZndrawGroups mounts what zndraw-auth mounts (no reset, no verify).
func ZndrawGroups() Groups {
	g := AllGroups()
	g.Reset, g.Verify = false, false
	return g
}

// Config configures an API.
type Config struct {
	// Service is the core service. Required.
	Service *core.Service
	// Prefixes of the route groups; zero fields take DefaultPrefixes.
	Prefixes Prefixes
	// Groups to mount; the zero value means AllGroups.
	Groups *Groups
	// MaxBodyBytes limits request bodies (413 beyond); default 1 MiB.
	MaxBodyBytes int64
	// ApproveURL builds the approve_url of a new CLI challenge. Default: the
	// reference's "/auth/cli-login/" + code (the API route, whatever the
	// mount prefix).
	ApproveURL func(code string) string
	// TrustedProxies are the peers whose X-Forwarded-For is believed. The
	// client IP is the right-most address in X-Forwarded-For that is not a
	// trusted proxy; from any other peer the header is ignored.
	TrustedProxies []netip.Prefix
	// Logger receives internal errors and panics (default slog.Default()).
	Logger *slog.Logger
	// ApprovalPage mounts the browser page where a signed-in user approves
	// or denies a CLI login (see docs/cli-login.md). Without ApproveURL, the
	// approve_url of a new challenge then points to it, code prefilled.
	ApprovalPage bool
	// ApprovalPagePath is the page's path; default CLILogin prefix +
	// "/approve" (/auth/cli-login/approve).
	ApprovalPagePath string
	// ServiceName is what the approval page calls this service ("You are
	// signing in a command-line tool to <ServiceName>"), so the person
	// approving knows what the tool gets access to. Default: the host the
	// browser asked for (the request's Host, e.g. zndraw.example.com).
	ServiceName string
	// Cookie turns on the cookie transport (see CookieConfig); nil: bearer
	// only.
	Cookie *CookieConfig
	// OpenAPI serves the OpenAPI 3.1 document of the mounted routes at
	// OpenAPIPath.
	OpenAPI bool
}

// API is the route table bound to a Service. It is safe for concurrent use.
type API struct {
	svc        *core.Service
	prefixes   Prefixes
	groups     Groups
	maxBody    int64
	approveURL func(string) string
	proxies    []netip.Prefix
	log        *slog.Logger
	endpoints  []Endpoint
	// The optional parts (extras.go).
	cookie  *cookieTransport
	page    *approvalPage
	csrfKey []byte
	openAPI []byte
}

// New builds the API.
func New(cfg Config) (*API, error) {
	if cfg.Service == nil {
		return nil, errors.New("httpapi: Config.Service is required")
	}
	a := &API{svc: cfg.Service, prefixes: cfg.Prefixes, maxBody: cfg.MaxBodyBytes, approveURL: cfg.ApproveURL, proxies: cfg.TrustedProxies, log: cfg.Logger}
	def := DefaultPrefixes()
	fill := func(p *string, d string) {
		if *p == "" {
			*p = d
		}
		*p = strings.TrimSuffix(*p, "/")
	}
	fill(&a.prefixes.JWT, def.JWT)
	fill(&a.prefixes.Register, def.Register)
	fill(&a.prefixes.Users, def.Users)
	fill(&a.prefixes.CLILogin, def.CLILogin)
	fill(&a.prefixes.Admin, def.Admin)
	fill(&a.prefixes.Reset, def.Reset)
	fill(&a.prefixes.Verify, def.Verify)
	if cfg.Groups != nil {
		a.groups = *cfg.Groups
	} else {
		a.groups = AllGroups()
	}
	if a.maxBody <= 0 {
		a.maxBody = DefaultMaxBodyBytes
	}
	if a.approveURL == nil {
		a.approveURL = func(code string) string { return "/auth/cli-login/" + code }
	}
	if a.log == nil {
		a.log = slog.Default()
	}
	if err := a.configureExtras(cfg); err != nil {
		return nil, err
	}
	a.endpoints = a.buildEndpoints()
	return a, nil
}

// Service returns the core service.
func (a *API) Service() *core.Service { return a.svc }

// MaxBodyBytes is the body limit adapters enforce while reading.
func (a *API) MaxBodyBytes() int64 { return a.maxBody }

// Request is one HTTP request, as an adapter presents it.
type Request struct {
	// Context is the request's context (cancellation, deadlines, values).
	Context context.Context
	// Method is the HTTP method, upper case.
	Method string
	// PathValue returns a path parameter of the endpoint's pattern.
	PathValue func(name string) string
	// Query returns the first value of a query parameter and whether it is
	// present.
	Query func(name string) (string, bool)
	// Headers are the request's header fields (net/http's http.Header
	// satisfies it).
	Headers Headers
	// Host is the host the request was sent to (the Host header, or the
	// authority of an HTTP/2 request).
	Host string
	// Body is the request body, at most MaxBodyBytes long.
	Body []byte
	// BodyTooLarge is set when the body exceeded MaxBodyBytes; the endpoint
	// then answers 413 without looking at it.
	BodyTooLarge bool
	// RemoteAddr is the peer address ("ip:port" or "ip").
	RemoteAddr string
}

// Headers reads a request's header fields, names case-insensitive.
type Headers interface {
	// Get returns the first value of a header ("" if absent).
	Get(name string) string
	// Values returns every value of a header, one per field line, in the
	// order received (nil if absent): a header that a proxy appends as a
	// line of its own (X-Forwarded-For behind HAProxy's option
	// forwardfor) is read whole this way.
	Values(name string) []string
}

// Header is one response header.
type Header struct{ Name, Value string }

// Response is what an endpoint answers. Adapters write Headers (with
// WriteHeaders), then Status, then Body (nil: no body).
type Response struct {
	Status  int
	Headers []Header
	Body    []byte
}

// WriteHeaders applies the response's headers through a framework's set
// and add, with the one semantics every adapter shares: the first
// occurrence of a name replaces any value the host set before the kit
// wrote (a host's Content-Type: text/plain never rides along with the
// kit's application/json), a name repeated in the response is added as
// often as it appears, and Set-Cookie is always added, so the host's own
// cookies survive next to the kit's.
func (r *Response) WriteHeaders(set, add func(name, value string)) {
	for i, h := range r.Headers {
		if strings.EqualFold(h.Name, "Set-Cookie") ||
			slices.ContainsFunc(r.Headers[:i], func(prev Header) bool { return strings.EqualFold(prev.Name, h.Name) }) {
			add(h.Name, h.Value)
		} else {
			set(h.Name, h.Value)
		}
	}
}

// Endpoint is one path of the route table with every method it accepts; the
// handler dispatches on the method itself and answers 405 for the others,
// so adapters send it every request for the path, whatever the method.
type Endpoint struct {
	// Path is the full pattern with {name} parameters, e.g. "/users/{id}".
	Path string
	// Methods lists the methods the path serves (for documentation and
	// routers that need them); others get 405.
	Methods []string
	// Handle serves a request for this path. It never panics.
	Handle func(*Request) *Response
}

// Endpoints returns the mounted route table. Static paths come before
// parameterised ones with the same prefix (/users/me before /users/{id}).
func (a *API) Endpoints() []Endpoint { return a.endpoints }
