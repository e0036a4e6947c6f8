package hardening_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/zincware/zndraw-auth-go/core"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// unavailableBody is the exact body of a request that failed closed.
const unavailableBody = `{"detail":"SERVICE_UNAVAILABLE"}`

// require503 asserts the fail-closed answer: never a 200 on a protected
// route, never 400 LOGIN_BAD_CREDENTIALS, never a 401 that would make a
// client drop a valid token.
func require503(t *testing.T, what string, r reply) {
	t.Helper()
	if r.status != http.StatusServiceUnavailable || string(r.body) != unavailableBody {
		t.Errorf("%s during the outage: got %s, want 503 %s", what, r, unavailableBody)
	}
}

// outageFixture is the state every fail-closed case starts from: an admin,
// a user, their tokens, a reset and a verification token, an approved and a
// pending CLI challenge.
type outageFixture struct {
	admin, user             core.User
	adminTok, userTok       string
	resetTok, verifyTok     string
	approvedCode, approvedS string
	pendingCode             string
}

func newOutageFixture(t *testing.T, s *server) outageFixture {
	t.Helper()
	var fx outageFixture
	fx.admin = s.user("admin@example.com", true)
	fx.user = s.user("user@example.com", false)
	fx.adminTok = s.token(fx.admin.Email, userPassword)
	fx.userTok = s.token(fx.user.Email, userPassword)
	fx.resetTok = s.resetToken(fx.user.Email)
	fx.verifyTok = s.verifyToken(fx.user.Email)
	fx.approvedCode, fx.approvedS = s.challenge()
	requireStatus(t, s.do(request{method: "PATCH", path: "/auth/cli-login/" + fx.approvedCode, token: fx.userTok}), http.StatusOK, "")
	fx.pendingCode, _ = s.challenge()
	return fx
}

// everyRoute is one request per method and path of the route table, plus
// the demo routes behind the adapter's middleware, each with valid
// credentials and a valid body.
func everyRoute(fx outageFixture) []struct {
	name string
	req  request
} {
	uid, login := fx.user.ID.String(), map[string][]string{"username": {fx.user.Email}, "password": {userPassword}}
	return []struct {
		name string
		req  request
	}{
		{"POST /auth/jwt/login", request{method: "POST", path: "/auth/jwt/login", form: login}},
		{"POST /auth/jwt/logout", request{method: "POST", path: "/auth/jwt/logout", token: fx.userTok}},
		{"POST /auth/register", request{method: "POST", path: "/auth/register", json: map[string]string{"email": "new@example.com", "password": userPassword}}},
		{"POST /auth/forgot-password", request{method: "POST", path: "/auth/forgot-password", json: map[string]string{"email": fx.user.Email}}},
		{"POST /auth/reset-password", request{method: "POST", path: "/auth/reset-password", json: map[string]string{"token": fx.resetTok, "password": "a brand new password"}}},
		{"POST /auth/request-verify-token", request{method: "POST", path: "/auth/request-verify-token", json: map[string]string{"email": fx.user.Email}}},
		{"POST /auth/verify", request{method: "POST", path: "/auth/verify", json: map[string]string{"token": fx.verifyTok}}},
		{"GET /users/me", request{method: "GET", path: "/users/me", token: fx.userTok}},
		{"PATCH /users/me", request{method: "PATCH", path: "/users/me", token: fx.userTok, json: map[string]string{"password": "another new password"}}},
		{"GET /users/{id}", request{method: "GET", path: "/users/" + uid, token: fx.adminTok}},
		{"PATCH /users/{id}", request{method: "PATCH", path: "/users/" + uid, token: fx.adminTok, json: map[string]bool{"is_verified": true}}},
		{"DELETE /users/{id}", request{method: "DELETE", path: "/users/" + uid, token: fx.adminTok}},
		{"POST /auth/cli-login", request{method: "POST", path: "/auth/cli-login"}},
		{"GET /auth/cli-login/{code}", request{method: "GET", path: "/auth/cli-login/" + fx.approvedCode + "?secret=" + fx.approvedS}},
		{"PATCH /auth/cli-login/{code}", request{method: "PATCH", path: "/auth/cli-login/" + fx.pendingCode, token: fx.userTok}},
		{"DELETE /auth/cli-login/{code}", request{method: "DELETE", path: "/auth/cli-login/" + fx.pendingCode, token: fx.userTok}},
		{"POST /admin/users/{id}/token", request{method: "POST", path: "/admin/users/" + uid + "/token", token: fx.adminTok}},
		{"GET /protected (RequireUser)", request{method: "GET", path: "/protected", token: fx.userTok}},
		{"GET /protected/superuser (RequireSuperuser)", request{method: "GET", path: "/protected/superuser", token: fx.adminTok}},
		{"GET /protected/optional (OptionalUser, with token)", request{method: "GET", path: "/protected/optional", token: fx.userTok}},
	}
}

// outageLimits are small rate limits for the outage tests (the per-account
// cap of 2 would show any failed login counted during an outage).
func outageLimits(r *core.RateLimitSettings) {
	*r = core.RateLimitSettings{Enabled: true, LoginFailuresPerAccountPerHour: 2, LoginPerIPPerMinute: 1000,
		RegisterPerIPPerHour: 1000, ForgotPasswordPerIPPerHour: 1000, CLILoginCreatePerIPPerHour: 1000}
}

// cacheTTLs are the two cache modes the outage tests run in: no cache, and
// the default UserCacheTTL (whose staleness bound the test lets pass after
// the store goes down: within it a token check may answer from what it read
// before the outage, which is the documented staleness of Settings.UserCacheTTL).
var cacheTTLs = []time.Duration{0, core.DefaultSettings().UserCacheTTL}

// TestFailClosedEveryRoute: with every store call failing with
// core.ErrUnavailable (and the cache's staleness bound passed), every route
// answers 503 SERVICE_UNAVAILABLE; when the store comes back the service
// works again without a restart, and nothing the outage interrupted was
// consumed.
func TestFailClosedEveryRoute(t *testing.T) {
	for _, limited := range []bool{false, true} {
		for _, ttl := range cacheTTLs {
			name := fmt.Sprintf("rate limits %v, UserCacheTTL %v", map[bool]string{false: "off", true: "on"}[limited], ttl)
			opts := []option{withCacheTTL(ttl)}
			if limited {
				opts = append(opts, withLimits(outageLimits))
			}
			t.Run(name, func(t *testing.T) { failClosedEveryRoute(t, name, opts) })
		}
	}
}

func failClosedEveryRoute(t *testing.T, name string, opts []option) {
	f := newFlaky(memstore.New())
	s := newServer(t, f, opts...)
	fx := newOutageFixture(t, s)

	f.setAll(true)
	s.outlastCache()
	routes := everyRoute(fx)
	for _, rt := range routes {
		require503(t, rt.name, s.do(rt.req))
	}
	// A burst of wrong passwords during the outage must not lock
	// the account (nothing can be counted while the store is down).
	for range 5 {
		require503(t, "wrong-password login", s.login(fx.user.Email, "wrong password", nil))
	}
	refused := f.refused()
	f.setAll(false)
	if t.Failed() {
		t.FailNow()
	}

	// Recovery, without a restart; nothing was consumed or written.
	requireStatus(t, s.me(fx.userTok), http.StatusOK, "")
	requireStatus(t, s.do(request{method: "GET", path: "/protected", token: fx.userTok}), http.StatusOK, "")
	requireStatus(t, s.do(request{method: "GET", path: "/users/" + fx.user.ID.String(), token: fx.adminTok}), http.StatusOK, "")
	requireStatus(t, s.login(fx.user.Email, userPassword, nil), http.StatusOK, "")
	requireStatus(t, s.login("new@example.com", userPassword, nil), http.StatusBadRequest, core.CodeLoginBadCredentials)
	poll := s.poll(fx.approvedCode, fx.approvedS)
	if poll.status != http.StatusOK || poll.field("token") == "" {
		t.Fatalf("poll of the approved challenge after recovery: %s (the outage must not consume it)", poll)
	}
	requireStatus(t, s.do(request{method: "PATCH", path: "/auth/cli-login/" + fx.pendingCode, token: fx.userTok}), http.StatusOK, "")
	requireStatus(t, s.do(request{method: "POST", path: "/auth/verify", json: map[string]string{"token": fx.verifyTok}}), http.StatusOK, "")
	requireStatus(t, s.do(request{method: "POST", path: "/auth/reset-password", json: map[string]string{"token": fx.resetTok, "password": "a brand new password"}}), http.StatusOK, "")
	requireStatus(t, s.login(fx.user.Email, "a brand new password", nil), http.StatusOK, "")
	t.Logf("%s: %d requests (%d routes + 5 wrong-password logins) → all 503 SERVICE_UNAVAILABLE, %d store calls refused; after recovery: token, login, approved challenge, verify and reset tokens all work",
		name, len(routes)+5, len(routes), refused)
}

// accountCounterKey is the counter key core uses for failed logins of an
// account (core/lockout.go: "fail:login:" + the first 16 bytes of the
// SHA-256 of the lower-cased address, hex). The partial-outage test pairs
// every read of it with a positive control, so a change of the derivation
// fails the test instead of making it pass vacuously.
func accountCounterKey(email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(email)))
	return "fail:login:" + hex.EncodeToString(sum[:16])
}

// TestFailClosedPartialOutages: one failing store method at a time. Each
// case asserts the fail-closed answer and what must (not) have happened
// underneath, then the recovery.
func TestFailClosedPartialOutages(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name string
		run  func(t *testing.T, s *server, f *flakyStore, inner core.Store, fx outageFixture) string
	}{
		{"user lookup down: logins fail closed and are not counted", func(t *testing.T, s *server, f *flakyStore, inner core.Store, fx outageFixture) string {
			f.setDown("GetUserByEmail")
			for range 5 {
				require503(t, "wrong-password login", s.login(fx.user.Email, "wrong password", nil))
			}
			f.setAll(false)
			n, err := inner.CounterValue(ctx, accountCounterKey(fx.user.Email), time.Hour, s.clock.Now())
			if err != nil || n != 0 {
				t.Fatalf("failed-login counter after 5 logins during the outage = %d, %v; want 0", n, err)
			}
			requireStatus(t, s.login(fx.user.Email, userPassword, nil), http.StatusOK, "")
			requireStatus(t, s.login(fx.user.Email, "wrong password", nil), http.StatusBadRequest, core.CodeLoginBadCredentials)
			if n, _ := inner.CounterValue(ctx, accountCounterKey(fx.user.Email), time.Hour, s.clock.Now()); n != 1 {
				t.Fatalf("positive control: counter after one real failure = %d, want 1 (has the key derivation changed?)", n)
			}
			return "5× 503; counter 0 after recovery (1 after one real failure); right password 200"
		}},
		{"revocation list down: protected routes fail closed", func(t *testing.T, s *server, f *flakyStore, _ core.Store, fx outageFixture) string {
			f.setDown("IsTokenRevoked")
			require503(t, "GET /users/me", s.me(fx.userTok))
			require503(t, "GET /protected", s.do(request{method: "GET", path: "/protected", token: fx.userTok}))
			require503(t, "GET /protected/optional", s.do(request{method: "GET", path: "/protected/optional", token: fx.userTok}))
			require503(t, "POST /auth/jwt/logout", s.do(request{method: "POST", path: "/auth/jwt/logout", token: fx.userTok}))
			f.setAll(false)
			requireStatus(t, s.me(fx.userTok), http.StatusOK, "")
			return "/users/me, /protected, /protected/optional, logout → 503; then 200"
		}},
		{"user row down: protected routes fail closed", func(t *testing.T, s *server, f *flakyStore, _ core.Store, fx outageFixture) string {
			f.setDown("GetUser")
			require503(t, "GET /users/me", s.me(fx.userTok))
			require503(t, "GET /protected/superuser", s.do(request{method: "GET", path: "/protected/superuser", token: fx.adminTok}))
			f.setAll(false)
			requireStatus(t, s.me(fx.userTok), http.StatusOK, "")
			return "/users/me, /protected/superuser → 503; then 200"
		}},
		{"user write down: reset token is not consumed", func(t *testing.T, s *server, f *flakyStore, _ core.Store, fx outageFixture) string {
			f.setDown("UpdateUser")
			body := map[string]string{"token": fx.resetTok, "password": "a brand new password"}
			require503(t, "POST /auth/reset-password", s.do(request{method: "POST", path: "/auth/reset-password", json: body}))
			require503(t, "POST /auth/verify", s.do(request{method: "POST", path: "/auth/verify", json: map[string]string{"token": fx.verifyTok}}))
			f.setAll(false)
			requireStatus(t, s.login(fx.user.Email, userPassword, nil), http.StatusOK, "")
			requireStatus(t, s.do(request{method: "POST", path: "/auth/verify", json: map[string]string{"token": fx.verifyTok}}), http.StatusOK, "")
			requireStatus(t, s.do(request{method: "POST", path: "/auth/reset-password", json: body}), http.StatusOK, "")
			requireStatus(t, s.login(fx.user.Email, "a brand new password", nil), http.StatusOK, "")
			return "reset and verify → 503, old password still valid; after recovery the same tokens work"
		}},
		{"user insert down: registration leaves no row", func(t *testing.T, s *server, f *flakyStore, inner core.Store, _ outageFixture) string {
			f.setDown("CreateUser")
			body := map[string]string{"email": "late@example.com", "password": userPassword}
			require503(t, "POST /auth/register", s.do(request{method: "POST", path: "/auth/register", json: body}))
			f.setAll(false)
			if _, err := inner.GetUserByEmail(ctx, "late@example.com"); !errors.Is(err, core.ErrNotFound) {
				t.Fatalf("user row after a failed registration: %v, want ErrNotFound", err)
			}
			requireStatus(t, s.do(request{method: "POST", path: "/auth/register", json: body}), http.StatusCreated, "")
			return "register → 503, no row; retry → 201"
		}},
		{"challenge redeem down: approved challenge survives", func(t *testing.T, s *server, f *flakyStore, _ core.Store, fx outageFixture) string {
			f.setDown("RedeemChallenge")
			require503(t, "poll", s.poll(fx.approvedCode, fx.approvedS))
			f.setAll(false)
			s.clock.Advance(time.Second) // the failed poll counted for the 1 s poll interval
			if r := s.poll(fx.approvedCode, fx.approvedS); r.status != http.StatusOK || r.field("token") == "" {
				t.Fatalf("poll after recovery: %s", r)
			}
			return "poll → 503 (not 404/410); after recovery the token is handed out"
		}},
		{"challenge approve down", func(t *testing.T, s *server, f *flakyStore, _ core.Store, fx outageFixture) string {
			f.setDown("ApproveChallenge")
			require503(t, "PATCH /auth/cli-login/{code}", s.do(request{method: "PATCH", path: "/auth/cli-login/" + fx.pendingCode, token: fx.userTok}))
			f.setAll(false)
			requireStatus(t, s.do(request{method: "PATCH", path: "/auth/cli-login/" + fx.pendingCode, token: fx.userTok}), http.StatusOK, "")
			return "approve → 503; then 200"
		}},
		{"revocation write down: logout reports failure, retry works", func(t *testing.T, s *server, f *flakyStore, _ core.Store, fx outageFixture) string {
			f.setDown("RevokeToken")
			require503(t, "POST /auth/jwt/logout", s.do(request{method: "POST", path: "/auth/jwt/logout", token: fx.userTok}))
			f.setAll(false)
			requireStatus(t, s.do(request{method: "POST", path: "/auth/jwt/logout", token: fx.userTok}), http.StatusNoContent, "")
			requireStatus(t, s.me(fx.userTok), http.StatusUnauthorized, "Unauthorized")
			return "logout → 503; retry → 204 and the token is dead"
		}},
		{"user delete down", func(t *testing.T, s *server, f *flakyStore, _ core.Store, fx outageFixture) string {
			f.setDown("DeleteUser")
			require503(t, "DELETE /users/{id}", s.do(request{method: "DELETE", path: "/users/" + fx.user.ID.String(), token: fx.adminTok}))
			f.setAll(false)
			requireStatus(t, s.me(fx.userTok), http.StatusOK, "")
			return "delete → 503, user intact"
		}},
		{"rate-limit counters down: limited routes fail closed", func(t *testing.T, s *server, f *flakyStore, _ core.Store, fx outageFixture) string {
			f.setDown("IncrementCounter")
			require503(t, "login (right password)", s.login(fx.user.Email, userPassword, nil))
			require503(t, "POST /auth/cli-login", s.do(request{method: "POST", path: "/auth/cli-login"}))
			require503(t, "POST /auth/register", s.do(request{method: "POST", path: "/auth/register", json: map[string]string{"email": "x@example.com", "password": userPassword}}))
			f.setAll(false)
			f.setDown("CounterValue")
			require503(t, "login (right password)", s.login(fx.user.Email, userPassword, nil))
			f.setAll(false)
			requireStatus(t, s.login(fx.user.Email, userPassword, nil), http.StatusOK, "")
			return "login, CLI create, register → 503 when counters cannot be read or written (no unlimited fallback)"
		}},
	}
	for _, ttl := range cacheTTLs {
		for _, tc := range cases {
			t.Run(fmt.Sprintf("UserCacheTTL %v/%s", ttl, tc.name), func(t *testing.T) {
				inner := memstore.New()
				f := newFlaky(inner)
				s := newServer(t, f, withCacheTTL(ttl), withLimits(outageLimits))
				fx := newOutageFixture(t, s)
				f.onDown = s.outlastCache
				t.Logf("UserCacheTTL %v, %s: %s", ttl, tc.name, tc.run(t, s, f, inner, fx))
			})
		}
	}
}
