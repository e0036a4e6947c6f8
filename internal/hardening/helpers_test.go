package hardening_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/conformance"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
	"github.com/zincware/zndraw-auth-go/hooks"
	"github.com/zincware/zndraw-auth-go/httpapi"
	"github.com/zincware/zndraw-auth-go/internal/logtest"
	"github.com/zincware/zndraw-auth-go/internal/pgtest"
	bunstore "github.com/zincware/zndraw-auth-go/storage/bun"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// t0 is the start of every test clock: a whole hour, so the fixed rate-limit
// windows (a minute, an hour) start exactly there.
var t0 = time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)

// newClock returns a clock the test moves by hand, reading t0.
func newClock() *conformance.ManualClock { return conformance.NewManualClock(t0) }

// Secrets and the password every test user gets.
const (
	accessSecret = "hardening-access-secret-0123456789abcdef"
	resetSecret  = "hardening-reset-secret-0123456789abcdefg"
	verifySecret = "hardening-verify-secret-0123456789abcdef"
	userPassword = "correct horse battery staple"
)

// baseSettings are production-mode settings (registered users are not
// superusers) with strong secrets and every rate limit off.
func baseSettings() core.Settings {
	s := core.DefaultSettings()
	s.SecretKey = accessSecret
	s.ResetPasswordTokenSecret = resetSecret
	s.VerificationTokenSecret = verifySecret
	s.DefaultAdminEmail = "root@example.com"
	s.RateLimit = core.RateLimitSettings{Enabled: false}
	return s
}

// ---- stores ----

// backend is one store the tests run against.
type backend struct {
	name string
	// open returns a fresh store, and its database (nil for memory).
	open func(t *testing.T) (core.Store, *bun.DB)
}

// backends are the memory store, a SQLite file and (with pgtest.Env) PostgreSQL.
func backends() []backend {
	return []backend{
		{"memory", func(*testing.T) (core.Store, *bun.DB) { return memstore.New(), nil }},
		{"sqlite-file", func(t *testing.T) (core.Store, *bun.DB) {
			db, st := openBun(t, sqliteFileURL(t))
			return st, db
		}},
		{"postgres", func(t *testing.T) (core.Store, *bun.DB) {
			db, st := openBun(t, pgSchemaURL(t))
			return st, db
		}},
	}
}

// countUsers counts the rows of the user table whose email equals email
// case-insensitively.
func countUsers(t *testing.T, db *bun.DB, email string) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), `SELECT count(*) FROM "user" WHERE lower(email) = lower(?)`, email).Scan(&n); err != nil {
		t.Fatalf("count users: %v", err)
	}
	return n
}

// sqliteFileURL names a new SQLite file in t's temporary directory.
func sqliteFileURL(t *testing.T) string {
	t.Helper()
	return "sqlite:///" + filepath.Join(t.TempDir(), "auth.db")
}

// openBun opens and migrates rawURL, closes it when t ends, and returns the
// database and a store on it.
func openBun(t *testing.T, rawURL string, opts ...bunstore.Option) (*bun.DB, *bunstore.Store) {
	t.Helper()
	db, err := bunstore.Open(context.Background(), rawURL)
	if err != nil {
		t.Fatalf("bunstore.Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := bunstore.Migrate(context.Background(), db); err != nil {
		t.Fatalf("bunstore.Migrate: %v", err)
	}
	return db, bunstore.New(db, opts...)
}

// pgSchemaURL returns the URL of a fresh PostgreSQL schema for t (see
// pgtest.DSN), or skips t without pgtest.Env.
func pgSchemaURL(t *testing.T) string { return pgtest.DSN(t) }

// sharedStores returns two stores on one database, as two instances would
// open it: PostgreSQL with pgtest.Env (two pools), else one SQLite file opened
// twice.
func sharedStores(t *testing.T) (a, b core.Store, kind string) {
	t.Helper()
	rawURL, kind := sqliteFileURL(t), "sqlite-file (two pools on one file)"
	if pgtest.Enabled() {
		rawURL, kind = pgSchemaURL(t), "postgres (two pools on one schema)"
	}
	_, sa := openBun(t, rawURL)
	_, sb := openBun(t, rawURL)
	return sa, sb, kind
}

// ---- servers ----

// serverConfig is what newServer builds.
type serverConfig struct {
	settings   core.Settings
	proxies    []netip.Prefix
	hasher     core.PasswordHasher
	clock      *conformance.ManualClock
	maxHeader  int
	extraHooks []core.Hooks
	realClock  bool
}

// option changes a serverConfig.
type option func(*serverConfig)

// withSettings edits the settings.
func withSettings(f func(*core.Settings)) option {
	return func(c *serverConfig) { f(&c.settings) }
}

// withLimits turns rate limiting on with every limit off except those f
// sets (a limit of 0 is off).
func withLimits(f func(*core.RateLimitSettings)) option {
	return func(c *serverConfig) {
		c.settings.RateLimit = core.RateLimitSettings{Enabled: true}
		f(&c.settings.RateLimit)
	}
}

// withProxies trusts X-Forwarded-For from the given prefixes.
func withProxies(list string) option {
	return func(c *serverConfig) {
		p, err := httpapi.ParseTrustedProxies(list)
		if err != nil {
			panic(err)
		}
		c.proxies = p
	}
}

// withClock shares a clock between instances.
func withClock(clk *conformance.ManualClock) option { return func(c *serverConfig) { c.clock = clk } }

// withHasher replaces the cheap test hasher.
func withHasher(h core.PasswordHasher) option { return func(c *serverConfig) { c.hasher = h } }

// withSystemClock runs the service on the wall clock (for tests that run
// in real time, such as an outage under load); server.clock is then unused.
func withSystemClock() option { return func(c *serverConfig) { c.realClock = true } }

// withCacheTTL sets Settings.UserCacheTTL, the staleness bound of the
// service's user and revocation cache.
func withCacheTTL(d time.Duration) option {
	return func(c *serverConfig) { c.settings.UserCacheTTL = d }
}

// withMaxHeaderBytes sets the HTTP server's header limit.
func withMaxHeaderBytes(n int) option { return func(c *serverConfig) { c.maxHeader = n } }

// server is one running instance: service, adapter and httptest server.
type server struct {
	t      *testing.T
	svc    *core.Service
	store  core.Store
	clock  *conformance.ManualClock
	url    string
	client *http.Client
	logs   *logBuffer
	mail   *mailbox
	// redeemed and resets count the OnCLILoginRedeemed and
	// OnAfterResetPassword hooks.
	redeemed atomic.Int64
	resets   atomic.Int64
	verifies atomic.Int64
}

// newServer starts an instance on store. It mounts every route of the kit,
// the demo routes of examples/nethttp (/protected, /protected/superuser,
// /protected/optional) and the kit's 404.
func newServer(t *testing.T, store core.Store, opts ...option) *server {
	t.Helper()
	cfg := serverConfig{settings: baseSettings(), hasher: password.New(password.TestParams), clock: newClock()}
	for _, o := range opts {
		o(&cfg)
	}
	s := &server{t: t, store: store, clock: cfg.clock, logs: &logBuffer{}, mail: newMailbox()}
	logger := slog.New(slog.NewJSONHandler(s.logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	hs := append([]core.Hooks{{
		OnAfterForgotPassword: func(_ context.Context, u core.User, token string, _ core.RequestMeta) error {
			s.mail.put("reset", u.Email, token)
			return nil
		},
		OnAfterRequestVerify: func(_ context.Context, u core.User, token string, _ core.RequestMeta) error {
			s.mail.put("verify", u.Email, token)
			return nil
		},
		OnCLILoginRedeemed: func(context.Context, core.Challenge, core.User, core.RequestMeta) error {
			s.redeemed.Add(1)
			return nil
		},
		OnAfterResetPassword: func(context.Context, core.User, core.RequestMeta) error {
			s.resets.Add(1)
			return nil
		},
		OnAfterVerify: func(context.Context, core.User, core.RequestMeta) error {
			s.verifies.Add(1)
			return nil
		},
	}}, cfg.extraHooks...)
	var clk core.Clock = cfg.clock
	if cfg.realClock {
		clk = core.SystemClock
	}
	svc, err := core.New(store, cfg.settings,
		core.WithHasher(cfg.hasher), core.WithClock(clk), core.WithLogger(logger), core.WithHooks(hooks.Compose(hs...)))
	if err != nil {
		t.Fatalf("core.New: %v", err)
	}
	t.Cleanup(func() { _ = svc.Close() })
	s.svc = svc
	kit, err := nethttpauth.New(httpapi.Config{Service: svc, TrustedProxies: cfg.proxies, Logger: logger})
	if err != nil {
		t.Fatalf("nethttpauth.New: %v", err)
	}
	mux := http.NewServeMux()
	kit.Mount(mux)
	mountDemo(mux, kit)
	mux.Handle("/", nethttpauth.NotFoundHandler())
	hsrv := httptest.NewUnstartedServer(mux)
	if cfg.maxHeader > 0 {
		hsrv.Config.MaxHeaderBytes = cfg.maxHeader
	}
	hsrv.Start()
	tr := &http.Transport{MaxIdleConns: 128, MaxIdleConnsPerHost: 128, IdleConnTimeout: 30 * time.Second}
	s.client = &http.Client{Transport: tr, Timeout: 20 * time.Second}
	s.url = hsrv.URL
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		hsrv.Close()
	})
	return s
}

// mountDemo adds the demo routes of examples/nethttp.
func mountDemo(mux *http.ServeMux, kit *nethttpauth.Kit) {
	hello := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, _ := core.UserFromContext(r.Context())
		nethttpauth.Write(w, httpapi.JSON(http.StatusOK, map[string]string{"message": fmt.Sprintf("Hello %s!", user.Email)}))
	})
	mux.Handle("GET /protected", kit.RequireUser(hello))
	mux.Handle("GET /protected/superuser", kit.RequireSuperuser(hello))
	mux.Handle("GET /protected/optional", kit.OptionalUser(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var user *httpapi.UserRead
		if u, ok := core.UserFromContext(r.Context()); ok {
			ur := httpapi.NewUserRead(*u)
			user = &ur
		}
		nethttpauth.Write(w, httpapi.JSON(http.StatusOK, map[string]*httpapi.UserRead{"user": user}))
	})))
}

// outlastCache advances the clock past the staleness bound of the
// service's cache (Settings.UserCacheTTL), so that every token check reads
// the store again.
func (s *server) outlastCache() {
	s.clock.Advance(s.svc.Settings().UserCacheTTL)
}

// reply is an HTTP answer, read completely.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// detail returns the body's "detail" when it is a string.
func (r reply) detail() string {
	var d struct {
		Detail any `json:"detail"`
	}
	if json.Unmarshal(r.body, &d) != nil {
		return ""
	}
	s, _ := d.Detail.(string)
	return s
}

// field decodes the JSON body and returns one top-level string field.
func (r reply) field(name string) string {
	var m map[string]any
	if json.Unmarshal(r.body, &m) != nil {
		return ""
	}
	s, _ := m[name].(string)
	return s
}

func (r reply) String() string {
	return fmt.Sprintf("%d %s", r.status, truncateForLog(string(r.body)))
}

func truncateForLog(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// request is one request to send.
type request struct {
	method, path string
	token        string            // Authorization: Bearer token, when set
	header       map[string]string // extra headers
	json         any               // JSON body (marshalled), when set
	form         url.Values        // form body, when set
	raw          string            // raw Authorization header, when set
}

// do sends rq and reads the answer; a transport error fails t.
func (s *server) do(rq request) reply {
	s.t.Helper()
	r, err := s.try(context.Background(), rq)
	if err != nil {
		s.t.Fatalf("%s %s: %v", rq.method, rq.path, err)
	}
	return r
}

// try sends rq and reads the answer.
func (s *server) try(ctx context.Context, rq request) (reply, error) {
	var body io.Reader
	ctype := ""
	switch {
	case rq.json != nil:
		b, err := json.Marshal(rq.json)
		if err != nil {
			return reply{}, err
		}
		body, ctype = bytes.NewReader(b), "application/json"
	case rq.form != nil:
		body, ctype = strings.NewReader(rq.form.Encode()), "application/x-www-form-urlencoded"
	}
	req, err := http.NewRequestWithContext(ctx, rq.method, s.url+rq.path, body)
	if err != nil {
		return reply{}, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if rq.token != "" {
		req.Header.Set("Authorization", "Bearer "+rq.token)
	}
	if rq.raw != "" {
		req.Header.Set("Authorization", rq.raw)
	}
	for k, v := range rq.header {
		req.Header.Set(k, v)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, err
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// login posts the login form.
func (s *server) login(email, pw string, header map[string]string) reply {
	s.t.Helper()
	return s.do(request{method: "POST", path: "/auth/jwt/login", form: url.Values{"username": {email}, "password": {pw}}, header: header})
}

// token logs in and returns the access token (the login must succeed).
func (s *server) token(email, pw string) string {
	s.t.Helper()
	r := s.login(email, pw, nil)
	if r.status != http.StatusOK {
		s.t.Fatalf("login %s: %s", email, r)
	}
	return r.field("access_token")
}

// me calls GET /users/me with token.
func (s *server) me(token string) reply {
	s.t.Helper()
	return s.do(request{method: "GET", path: "/users/me", token: token})
}

// user creates an active user with userPassword through the service.
func (s *server) user(email string, superuser bool) core.User {
	s.t.Helper()
	u, err := s.svc.CreateUser(context.Background(), core.UserCreate{Email: email, Password: userPassword, IsSuperuser: &superuser}, core.RequestMeta{})
	if err != nil {
		s.t.Fatalf("create %s: %v", email, err)
	}
	return u
}

// challenge creates a CLI challenge over HTTP and returns code and secret.
func (s *server) challenge() (code, secret string) {
	s.t.Helper()
	r := s.do(request{method: "POST", path: "/auth/cli-login"})
	if r.status != http.StatusOK {
		s.t.Fatalf("create challenge: %s", r)
	}
	return r.field("code"), r.field("secret")
}

// poll polls a challenge.
func (s *server) poll(code, secret string) reply {
	s.t.Helper()
	return s.do(request{method: "GET", path: "/auth/cli-login/" + code + "?secret=" + url.QueryEscape(secret)})
}

// drain waits until the delivery hooks queued so far have run.
func (s *server) drain() {
	s.t.Helper()
	if err := s.svc.Drain(s.t.Context()); err != nil {
		s.t.Fatalf("drain deliveries: %v", err)
	}
}

// ---- captured tokens and logs ----

// mailbox keeps the reset and verification tokens the hooks delivered.
type mailbox struct {
	mu   sync.Mutex
	sent map[string][]string // kind + " " + email → tokens
}

func newMailbox() *mailbox { return &mailbox{sent: map[string][]string{}} }

func (m *mailbox) put(kind, email, token string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent[kind+" "+email] = append(m.sent[kind+" "+email], token)
}

// last returns the latest token of kind ("reset", "verify") sent to email.
func (m *mailbox) last(kind, email string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	l := m.sent[kind+" "+email]
	if len(l) == 0 {
		return ""
	}
	return l[len(l)-1]
}

// first returns the earliest token of kind sent to email.
func (m *mailbox) first(kind, email string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if l := m.sent[kind+" "+email]; len(l) > 0 {
		return l[0]
	}
	return ""
}

// count returns how many tokens of kind were sent to email.
func (m *mailbox) count(kind, email string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.sent[kind+" "+email])
}

// resetToken asks for a reset over HTTP and returns the delivered token.
func (s *server) resetToken(email string) string {
	s.t.Helper()
	if r := s.do(request{method: "POST", path: "/auth/forgot-password", json: map[string]string{"email": email}}); r.status != http.StatusAccepted {
		s.t.Fatalf("forgot-password: %s", r)
	}
	s.drain()
	tok := s.mail.last("reset", email)
	if tok == "" {
		s.t.Fatalf("no reset token delivered for %s", email)
	}
	return tok
}

// verifyToken asks for a verification token over HTTP and returns it.
func (s *server) verifyToken(email string) string {
	s.t.Helper()
	if r := s.do(request{method: "POST", path: "/auth/request-verify-token", json: map[string]string{"email": email}}); r.status != http.StatusAccepted {
		s.t.Fatalf("request-verify-token: %s", r)
	}
	s.drain()
	tok := s.mail.last("verify", email)
	if tok == "" {
		s.t.Fatalf("no verification token delivered for %s", email)
	}
	return tok
}

// logBuffer collects the server's JSON log lines.
type logBuffer = logtest.Buffer

// ---- concurrency ----

// tally counts statuses (and details) of concurrent replies.
type tally struct {
	mu sync.Mutex
	m  map[string]int
}

func (c *tally) add(r reply) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]int{}
	}
	key := fmt.Sprint(r.status)
	if d := r.detail(); d != "" {
		key += " " + d
	}
	c.m[key]++
}

// count returns how many replies had status (any detail).
func (c *tally) count(status int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for k, v := range c.m {
		if strings.HasPrefix(k, fmt.Sprint(status)) {
			n += v
		}
	}
	return n
}

// fivexx returns how many replies had a 5xx status.
func (c *tally) fivexx() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for k, v := range c.m {
		if strings.HasPrefix(k, "5") {
			n += v
		}
	}
	return n
}

func (c *tally) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	keys := make([]string, 0, len(c.m))
	for k := range c.m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d× %s", c.m[k], k)
	}
	return strings.Join(parts, ", ")
}
