package core_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
	"github.com/zincware/zndraw-auth-go/internal/logtest"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// t0 is the start of every manual clock: a whole second, so that floored
// token times equal the clock.
var t0 = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

// manualClock is a core.Clock that moves only when told to.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *manualClock { return &manualClock{now: t0} }

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// syncBuffer captures the Service's JSON log lines.
type syncBuffer = logtest.Buffer

// quiet discards log output.
var quiet = slog.New(slog.DiscardHandler)

// testSecret is a production-grade secret (≥ 32 bytes).
const (
	testSecret       = "test-secret-key-0123456789abcdefghijklmnop"
	testResetSecret  = "test-reset-secret-0123456789abcdefghijklm"
	testVerifySecret = "test-verify-secret-0123456789abcdefghijkl"
	testPassword     = "correct horse battery"
)

// testSettings are production-mode settings with strong secrets and the
// rate limits off (tests that need them turn them on).
func testSettings() core.Settings {
	s := core.DefaultSettings()
	s.SecretKey = testSecret
	s.ResetPasswordTokenSecret = testResetSecret
	s.VerificationTokenSecret = testVerifySecret
	s.DefaultAdminEmail = "admin@example.com"
	s.RateLimit.Enabled = false
	return s
}

// env is one Service under test with everything it was built from.
type env struct {
	t      *testing.T
	svc    *core.Service
	store  core.Store
	mem    *memstore.Store
	clock  *manualClock
	hooks  *recorder
	hasher *countingHasher
	logs   *syncBuffer
	ctx    context.Context
}

type envOpt func(*core.Settings, *envParts)

type envParts struct {
	store   core.Store // overrides the memstore when set
	noHooks bool       // the Service gets no hooks at all
	noFeed  bool       // hide the store's change feed
}

func withSettings(f func(*core.Settings)) envOpt {
	return func(s *core.Settings, _ *envParts) { f(s) }
}

func devMode() envOpt { return withSettings(func(s *core.Settings) { s.DefaultAdminEmail = "" }) }

// withStore runs the Service on st instead of a fresh memstore.
func withStore(st core.Store) envOpt {
	return func(_ *core.Settings, p *envParts) { p.store = st }
}

// withoutHooks builds the Service without WithHooks (every hook nil).
func withoutHooks() envOpt {
	return func(_ *core.Settings, p *envParts) { p.noHooks = true }
}

// withoutFeed hides the store's change feed from the Service, which then
// runs as on a store without one (UserCacheTTL bounds the staleness).
func withoutFeed() envOpt {
	return func(_ *core.Settings, p *envParts) { p.noFeed = true }
}

// feedless is a Store whose change feed, if any, is hidden: only the
// methods of core.Store are promoted.
type feedless struct{ core.Store }

// newEnv builds a Service on a fresh memstore with a manual clock, the
// cheap hasher wrapped in a call counter, recording hooks and a captured
// JSON log. When the store offers a change feed, newEnv waits until the
// Service's subscription is live, so that every test starts from a known
// cache policy, and closes the Service when t ends.
func newEnv(t *testing.T, opts ...envOpt) *env {
	t.Helper()
	settings := testSettings()
	var parts envParts
	for _, o := range opts {
		o(&settings, &parts)
	}
	mem := memstore.New()
	var store core.Store = mem
	if parts.store != nil {
		store = parts.store
		switch st := store.(type) {
		case *faultyStore:
			mem = st.Store
		case *barrierStore:
			mem = st.Store
		case ctxBlindStore:
			mem = st.Store
		}
	}
	e := &env{
		t:      t,
		store:  store,
		mem:    mem,
		clock:  newClock(),
		hooks:  &recorder{},
		hasher: &countingHasher{inner: password.New(password.TestParams)},
		logs:   &syncBuffer{},
		ctx:    context.Background(),
	}
	if parts.noFeed {
		e.store = feedless{store}
	}
	logger := slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	hooks := e.hooks.set()
	if parts.noHooks {
		hooks = core.Hooks{}
	}
	svc, err := core.New(e.store, settings,
		core.WithClock(e.clock), core.WithHooks(hooks), core.WithHasher(e.hasher), core.WithLogger(logger))
	require.NoError(t, err)
	t.Cleanup(func() { _ = svc.Close() })
	waitFeedLive(t, svc)
	e.svc = svc
	return e
}

// waitFeedLive waits until svc's change-feed subscription is live, if the
// Service has one (it subscribes in the background).
func waitFeedLive(t *testing.T, svc *core.Service) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		st := svc.ChangeFeedStatus()
		if st.State != core.ChangeFeedDown {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the change feed did not go live within 10 s: %+v", st)
		}
		time.Sleep(time.Millisecond)
	}
}

// createUser stores a user through CreateUser with the given flags.
func (e *env) createUser(email string, active, superuser, verified bool) core.User {
	e.t.Helper()
	u, err := e.svc.CreateUser(e.ctx, core.UserCreate{
		Email: email, Password: testPassword, IsActive: &active, IsSuperuser: &superuser, IsVerified: &verified,
	}, core.RequestMeta{})
	require.NoError(e.t, err)
	e.hooks.reset()
	return u
}

// user creates an active, unverified regular user.
func (e *env) user(email string) core.User { return e.createUser(email, true, false, false) }

// login logs in with testPassword and returns the token.
func (e *env) login(email string) string {
	e.t.Helper()
	sess, err := e.svc.Login(e.ctx, email, testPassword, core.RequestMeta{})
	require.NoError(e.t, err)
	return sess.AccessToken
}

// principal resolves token with AccessActive and requires success.
func (e *env) principal(token string) *core.Principal {
	e.t.Helper()
	p, err := e.svc.CurrentUser(e.ctx, token, core.AccessActive)
	require.NoError(e.t, err)
	require.NotNil(e.t, p)
	return p
}

// get reads a user straight from the store.
func (e *env) get(id uuid.UUID) core.User {
	e.t.Helper()
	u, err := e.mem.GetUser(e.ctx, id)
	require.NoError(e.t, err)
	return u
}

func ptr[T any](v T) *T { return &v }

// --- recording hooks ---------------------------------------------------------

// hookCall is one recorded hook invocation.
type hookCall struct {
	Name   string
	User   core.User
	Other  core.User // admin/target second user, where there is one
	Token  string
	Update core.UserUpdate
	// Challenge is what a CLI-login hook was given.
	Challenge core.Challenge
}

// recorder records every hook call (its set method gives the hooks). errs
// makes a hook return an error; validate overrides ValidatePassword.
type recorder struct {
	mu       sync.Mutex
	calls    []hookCall
	errs     map[string]error
	validate func(password, email string) error
}

// set returns every hook of core.Hooks, recording into r.
func (r *recorder) set() core.Hooks {
	return core.Hooks{
		ValidatePassword:           r.ValidatePassword,
		OnAfterRegister:            r.OnAfterRegister,
		OnAfterUpdate:              r.OnAfterUpdate,
		OnAfterLogin:               r.OnAfterLogin,
		OnAfterLogout:              r.OnAfterLogout,
		OnAfterRequestVerify:       r.OnAfterRequestVerify,
		OnAfterVerify:              r.OnAfterVerify,
		OnAfterForgotPassword:      r.OnAfterForgotPassword,
		OnAfterResetPassword:       r.OnAfterResetPassword,
		OnBeforeDelete:             r.OnBeforeDelete,
		OnAfterDelete:              r.OnAfterDelete,
		OnCLILoginApproved:         r.OnCLILoginApproved,
		OnCLILoginRedeemed:         r.OnCLILoginRedeemed,
		OnCLILoginRejected:         r.OnCLILoginRejected,
		OnImpersonationTokenMinted: r.OnImpersonationTokenMinted,
	}
}

func (r *recorder) rec(c hookCall) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, c)
	return r.errs[c.Name]
}

func (r *recorder) failWith(name string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.errs == nil {
		r.errs = map[string]error{}
	}
	r.errs[name] = err
}

func (r *recorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = nil
}

// named returns the recorded calls of hook name.
func (r *recorder) named(name string) []hookCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []hookCall
	for _, c := range r.calls {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

// names returns the names of every recorded call, in order, without
// ValidatePassword.
func (r *recorder) names() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, c := range r.calls {
		if c.Name != "ValidatePassword" {
			out = append(out, c.Name)
		}
	}
	return out
}

func (r *recorder) ValidatePassword(_ context.Context, pw, email string) error {
	err := r.rec(hookCall{Name: "ValidatePassword", Token: pw, User: core.User{Email: email}})
	r.mu.Lock()
	v := r.validate
	r.mu.Unlock()
	if v != nil {
		return v(pw, email)
	}
	return err
}

func (r *recorder) OnAfterRegister(_ context.Context, u core.User, _ core.RequestMeta) error {
	return r.rec(hookCall{Name: "OnAfterRegister", User: u})
}

func (r *recorder) OnAfterUpdate(_ context.Context, u core.User, upd core.UserUpdate, _ core.RequestMeta) error {
	return r.rec(hookCall{Name: "OnAfterUpdate", User: u, Update: upd})
}

func (r *recorder) OnAfterLogin(_ context.Context, u core.User, _ core.RequestMeta) error {
	return r.rec(hookCall{Name: "OnAfterLogin", User: u})
}

func (r *recorder) OnAfterLogout(_ context.Context, u core.User, _ core.RequestMeta) error {
	return r.rec(hookCall{Name: "OnAfterLogout", User: u})
}

func (r *recorder) OnAfterRequestVerify(_ context.Context, u core.User, tok string, _ core.RequestMeta) error {
	return r.rec(hookCall{Name: "OnAfterRequestVerify", User: u, Token: tok})
}

func (r *recorder) OnAfterVerify(_ context.Context, u core.User, _ core.RequestMeta) error {
	return r.rec(hookCall{Name: "OnAfterVerify", User: u})
}

func (r *recorder) OnAfterForgotPassword(_ context.Context, u core.User, tok string, _ core.RequestMeta) error {
	return r.rec(hookCall{Name: "OnAfterForgotPassword", User: u, Token: tok})
}

func (r *recorder) OnAfterResetPassword(_ context.Context, u core.User, _ core.RequestMeta) error {
	return r.rec(hookCall{Name: "OnAfterResetPassword", User: u})
}

func (r *recorder) OnBeforeDelete(_ context.Context, u core.User, _ core.RequestMeta) error {
	return r.rec(hookCall{Name: "OnBeforeDelete", User: u})
}

func (r *recorder) OnAfterDelete(_ context.Context, u core.User, _ core.RequestMeta) error {
	return r.rec(hookCall{Name: "OnAfterDelete", User: u})
}

func (r *recorder) OnCLILoginApproved(_ context.Context, c core.Challenge, u core.User, _ core.RequestMeta) error {
	return r.rec(hookCall{Name: "OnCLILoginApproved", User: u, Challenge: c})
}

func (r *recorder) OnCLILoginRedeemed(_ context.Context, c core.Challenge, u core.User, _ core.RequestMeta) error {
	return r.rec(hookCall{Name: "OnCLILoginRedeemed", User: u, Challenge: c})
}

func (r *recorder) OnCLILoginRejected(_ context.Context, c core.Challenge, u core.User, _ core.RequestMeta) error {
	return r.rec(hookCall{Name: "OnCLILoginRejected", User: u, Challenge: c})
}

func (r *recorder) OnImpersonationTokenMinted(_ context.Context, admin, target core.User, _ core.RequestMeta) error {
	return r.rec(hookCall{Name: "OnImpersonationTokenMinted", User: admin, Other: target})
}

// --- counting hasher ---------------------------------------------------------

// countingHasher wraps a PasswordHasher and counts its calls.
type countingHasher struct {
	inner          core.PasswordHasher
	hashes, verifs atomic.Int64
}

func (h *countingHasher) Hash(ctx context.Context, pw string) (string, error) {
	h.hashes.Add(1)
	return h.inner.Hash(ctx, pw)
}

func (h *countingHasher) Verify(ctx context.Context, pw, hash string) (bool, string, error) {
	h.verifs.Add(1)
	return h.inner.Verify(ctx, pw, hash)
}

func (h *countingHasher) calls() int64 { return h.hashes.Load() + h.verifs.Load() }

// --- faulty store ------------------------------------------------------------

// errDown is what a store reports during an outage.
var errDown = fmt.Errorf("%w: down", core.ErrUnavailable)

// faultyStore is a memstore whose methods fail with errDown while down is
// set, for every method or only those named in only.
type faultyStore struct {
	*memstore.Store
	down atomic.Bool
	mu   sync.Mutex
	only map[string]bool
}

func newFaultyStore() *faultyStore { return &faultyStore{Store: memstore.New()} }

// fail turns the outage on for the named methods (all when none).
func (f *faultyStore) fail(methods ...string) {
	f.mu.Lock()
	f.only = nil
	if len(methods) > 0 {
		f.only = map[string]bool{}
		for _, m := range methods {
			f.only[m] = true
		}
	}
	f.mu.Unlock()
	f.down.Store(true)
}

func (f *faultyStore) recover() { f.down.Store(false) }

func (f *faultyStore) broken(method string) bool {
	if !f.down.Load() {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.only == nil || f.only[method]
}

func (f *faultyStore) GetUser(ctx context.Context, id uuid.UUID) (core.User, error) {
	if f.broken("GetUser") {
		return core.User{}, errDown
	}
	return f.Store.GetUser(ctx, id)
}

func (f *faultyStore) GetUserByEmail(ctx context.Context, email string) (core.User, error) {
	if f.broken("GetUserByEmail") {
		return core.User{}, errDown
	}
	return f.Store.GetUserByEmail(ctx, email)
}

func (f *faultyStore) CreateUser(ctx context.Context, u core.User) (core.User, error) {
	if f.broken("CreateUser") {
		return core.User{}, errDown
	}
	return f.Store.CreateUser(ctx, u)
}

func (f *faultyStore) UpdateUser(ctx context.Context, id uuid.UUID, p core.UserPatch) (core.User, error) {
	if f.broken("UpdateUser") {
		return core.User{}, errDown
	}
	return f.Store.UpdateUser(ctx, id, p)
}

func (f *faultyStore) DeleteUser(ctx context.Context, id uuid.UUID) error {
	if f.broken("DeleteUser") {
		return errDown
	}
	return f.Store.DeleteUser(ctx, id)
}

func (f *faultyStore) GetChallenge(ctx context.Context, code string) (core.Challenge, error) {
	if f.broken("GetChallenge") {
		return core.Challenge{}, errDown
	}
	return f.Store.GetChallenge(ctx, code)
}

func (f *faultyStore) RedeemChallenge(ctx context.Context, code, h string, now time.Time) (core.Challenge, error) {
	if f.broken("RedeemChallenge") {
		return core.Challenge{}, errDown
	}
	return f.Store.RedeemChallenge(ctx, code, h, now)
}

func (f *faultyStore) IsTokenRevoked(ctx context.Context, jti string) (bool, error) {
	if f.broken("IsTokenRevoked") {
		return false, errDown
	}
	return f.Store.IsTokenRevoked(ctx, jti)
}

func (f *faultyStore) RevokeToken(ctx context.Context, jti string, exp time.Time) error {
	if f.broken("RevokeToken") {
		return errDown
	}
	return f.Store.RevokeToken(ctx, jti, exp)
}

func (f *faultyStore) IncrementCounter(ctx context.Context, key string, w time.Duration, now time.Time) (int64, time.Time, error) {
	if f.broken("IncrementCounter") {
		return 0, time.Time{}, errDown
	}
	return f.Store.IncrementCounter(ctx, key, w, now)
}

func (f *faultyStore) CounterValue(ctx context.Context, key string, w time.Duration, now time.Time) (int64, error) {
	if f.broken("CounterValue") {
		return 0, errDown
	}
	return f.Store.CounterValue(ctx, key, w, now)
}

// SubscribeChanges fails while SubscribeChanges is broken; the
// subscription's Next fails while Next is broken (both are, in an outage
// of every method, as a database outage takes the feed down with it).
func (f *faultyStore) SubscribeChanges(ctx context.Context, heartbeat time.Duration) (core.ChangeSubscription, error) {
	if f.broken("SubscribeChanges") {
		return nil, errDown
	}
	sub, err := f.Store.SubscribeChanges(ctx, heartbeat)
	if err != nil {
		return nil, err
	}
	return faultySubscription{sub, f}, nil
}

type faultySubscription struct {
	core.ChangeSubscription
	f *faultyStore
}

func (s faultySubscription) Next(ctx context.Context) (core.Change, error) {
	ch, err := s.ChangeSubscription.Next(ctx)
	if s.f.broken("Next") {
		return core.Change{}, errDown
	}
	return ch, err
}

// --- JWT helpers -------------------------------------------------------------

// jwtParts decodes a compact JWT's header and payload without verifying it.
func jwtParts(t *testing.T, token string) (header, payload map[string]any, rawHeader, rawPayload string) {
	t.Helper()
	segs := strings.Split(token, ".")
	require.Len(t, segs, 3, "a JWT has three segments")
	h, err := base64.RawURLEncoding.DecodeString(segs[0])
	require.NoError(t, err)
	p, err := base64.RawURLEncoding.DecodeString(segs[1])
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(p))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&payload))
	require.NoError(t, json.Unmarshal(h, &header))
	return header, payload, string(h), string(p)
}

// claimInt reads an integer claim.
func claimInt(t *testing.T, claims map[string]any, name string) int64 {
	t.Helper()
	n, ok := claims[name].(json.Number)
	require.True(t, ok, "claim %s is a number: %v", name, claims[name])
	v, err := n.Int64()
	require.NoError(t, err, "claim %s is an integer", name)
	return v
}

// sign makes a token with the given claims, method and key, plus extra
// header fields.
func sign(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims, headers map[string]any) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	for k, v := range headers {
		tok.Header[k] = v
	}
	s, err := tok.SignedString(key)
	require.NoError(t, err)
	return s
}

// hs256 signs claims with HS256 and testSecret.
func hs256(t *testing.T, claims jwt.MapClaims) string {
	t.Helper()
	return sign(t, jwt.SigningMethodHS256, []byte(testSecret), claims, nil)
}

// rawToken assembles a token from literal header and payload JSON, signed
// with HS256 under key (the signature is valid for that header even if it
// names another algorithm).
func rawToken(header, payload string, key []byte) string {
	h := base64.RawURLEncoding.EncodeToString([]byte(header))
	p := base64.RawURLEncoding.EncodeToString([]byte(payload))
	sig, _ := jwt.SigningMethodHS256.Sign(h+"."+p, key)
	return h + "." + p + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// isCoreError reports whether err is (or wraps) a *core.Error.
func isCoreError(err error) bool {
	var ce *core.Error
	return errors.As(err, &ce)
}

// forgotToken runs ForgotPassword for email and returns the token the hook
// received.
func (e *env) forgotToken(email string) string {
	e.t.Helper()
	e.hooks.reset()
	require.NoError(e.t, e.svc.ForgotPassword(e.ctx, email, core.RequestMeta{}))
	require.NoError(e.t, e.svc.Drain(e.ctx))
	calls := e.hooks.named("OnAfterForgotPassword")
	require.Len(e.t, calls, 1)
	e.hooks.reset()
	return calls[0].Token
}

// verifyToken runs RequestVerify for email and returns the token the hook
// received.
func (e *env) verifyToken(email string) string {
	e.t.Helper()
	e.hooks.reset()
	require.NoError(e.t, e.svc.RequestVerify(e.ctx, email, core.RequestMeta{}))
	require.NoError(e.t, e.svc.Drain(e.ctx))
	calls := e.hooks.named("OnAfterRequestVerify")
	require.Len(e.t, calls, 1)
	e.hooks.reset()
	return calls[0].Token
}

// barrierStore, once armed, holds the next n calls of one read method, after
// they have read, until all n have read, so that n concurrent operations all read the same
// state before any of them writes: the interleaving that a missing
// compare-and-set would get wrong.
type barrierStore struct {
	*memstore.Store
	method string
	mu     sync.Mutex
	left   int
	open   chan struct{}
}

func newBarrierStore(method string) *barrierStore {
	return &barrierStore{Store: memstore.New(), method: method}
}

// arm makes the next n calls of the method wait for each other.
func (b *barrierStore) arm(n int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.left = n
	b.open = make(chan struct{})
}

func (b *barrierStore) wait(method string) {
	if method != b.method {
		return
	}
	b.mu.Lock()
	if b.left == 0 {
		b.mu.Unlock()
		return
	}
	b.left--
	open := b.open
	if b.left == 0 {
		close(open)
	}
	b.mu.Unlock()
	<-open
}

func (b *barrierStore) GetUser(ctx context.Context, id uuid.UUID) (core.User, error) {
	v, err := b.Store.GetUser(ctx, id)
	b.wait("GetUser")
	return v, err
}

func (b *barrierStore) GetUserByEmail(ctx context.Context, email string) (core.User, error) {
	v, err := b.Store.GetUserByEmail(ctx, email)
	b.wait("GetUserByEmail")
	return v, err
}

func (b *barrierStore) GetChallenge(ctx context.Context, code string) (core.Challenge, error) {
	v, err := b.Store.GetChallenge(ctx, code)
	b.wait("GetChallenge")
	return v, err
}
