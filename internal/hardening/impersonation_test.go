package hardening_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/zincware/zndraw-auth-go/core"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// mint calls POST /admin/users/{id}/token and returns the token.
func (s *server) mint(adminTok string, target core.User) string {
	s.t.Helper()
	r := s.do(request{method: "POST", path: "/admin/users/" + target.ID.String() + "/token", token: adminTok})
	if r.status != http.StatusOK || r.field("token_type") != "bearer" || r.field("access_token") == "" {
		s.t.Fatalf("mint a token for %s: %s", target.Email, r)
	}
	return r.field("access_token")
}

// TestImpersonationFence: a token minted by an admin for a user works as
// that user on /users/me and the user routes, but gets 403 on every admin
// and superuser route, also when the target is a superuser; it cannot
// approve CLI logins; its logout revokes only itself (IMP-2, IMP-3, IMP-4,
// CONTRACT rule 4).
func TestImpersonationFence(t *testing.T) {
	s := newServer(t, memstore.New())
	admin := s.user("admin@example.com", true)
	target := s.user("target@example.com", false)
	superTarget := s.user("super-target@example.com", true)
	adminTok := s.token(admin.Email, userPassword)
	imp := s.mint(adminTok, target)
	impSuper := s.mint(adminTok, superTarget)

	for _, tc := range []struct {
		tok  string
		user core.User
	}{{imp, target}, {impSuper, superTarget}} {
		r := s.me(tc.tok)
		if r.status != http.StatusOK || r.field("email") != tc.user.Email {
			t.Fatalf("impersonation token for %s on /users/me: %s", tc.user.Email, r)
		}
	}

	var forbidden int
	for _, tok := range []struct {
		name, tok string
	}{{"impersonating a user", imp}, {"impersonating a superuser", impSuper}} {
		for _, rq := range []request{
			{method: "POST", path: "/admin/users/" + target.ID.String() + "/token"},
			{method: "POST", path: "/admin/users/" + admin.ID.String() + "/token"},
			{method: "POST", path: "/admin/users/" + superTarget.ID.String() + "/token"},
			{method: "GET", path: "/users/" + target.ID.String()},
			{method: "GET", path: "/users/" + admin.ID.String()},
			{method: "PATCH", path: "/users/" + target.ID.String(), json: map[string]bool{"is_superuser": true}},
			{method: "PATCH", path: "/users/" + admin.ID.String(), json: map[string]bool{"is_active": false}},
			{method: "DELETE", path: "/users/" + target.ID.String()},
			{method: "DELETE", path: "/users/" + admin.ID.String()},
			{method: "GET", path: "/protected/superuser"},
		} {
			rq.token = tok.tok
			r := s.do(rq)
			if r.status != http.StatusForbidden || string(r.body) != `{"detail":"Forbidden"}` {
				t.Errorf("%s: %s %s → %s, want 403 Forbidden", tok.name, rq.method, rq.path, r)
			}
			forbidden++
		}
	}
	// Nothing the fence refused happened.
	requireStatus(t, s.do(request{method: "GET", path: "/users/" + target.ID.String(), token: adminTok}), http.StatusOK, "")
	if r := s.do(request{method: "GET", path: "/users/" + target.ID.String(), token: adminTok}); strings.Contains(string(r.body), `"is_superuser":true`) {
		t.Fatalf("the impersonation token promoted its target: %s", r)
	}

	code, _ := s.challenge()
	requireStatus(t, s.do(request{method: "PATCH", path: "/auth/cli-login/" + code, token: imp}), http.StatusForbidden, "Forbidden")

	second := s.mint(adminTok, target)
	requireStatus(t, s.do(request{method: "POST", path: "/auth/jwt/logout", token: imp}), http.StatusNoContent, "")
	requireStatus(t, s.me(imp), http.StatusUnauthorized, "Unauthorized")
	requireStatus(t, s.me(second), http.StatusOK, "")
	requireStatus(t, s.me(adminTok), http.StatusOK, "")
	requireStatus(t, s.me(s.token(target.Email, userPassword)), http.StatusOK, "")
	t.Logf("impersonation tokens: /users/me 200 as the target; %d admin/superuser requests → 403; CLI approve → 403; logout revoked only its own jti", forbidden)
}

// TestImpersonationDiesWithAdminPowers: an impersonation token stops
// working (401) as soon as the admin who minted it is demoted, deactivated
// or deleted (IMP-4, CONTRACT rule 4).
func TestImpersonationDiesWithAdminPowers(t *testing.T) {
	s := newServer(t, memstore.New())
	boss := s.user("boss@example.com", true)
	bossTok := s.token(boss.Email, userPassword)
	target := s.user("target@example.com", false)
	for i, tc := range []struct {
		name string
		req  func(id string) request
		want int
	}{
		{"demoted", func(id string) request {
			return request{method: "PATCH", path: "/users/" + id, json: map[string]bool{"is_superuser": false}}
		}, http.StatusOK},
		{"deactivated", func(id string) request {
			return request{method: "PATCH", path: "/users/" + id, json: map[string]bool{"is_active": false}}
		}, http.StatusOK},
		{"deleted", func(id string) request { return request{method: "DELETE", path: "/users/" + id} }, http.StatusNoContent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			admin := s.user(fmt.Sprintf("admin%d@example.com", i), true)
			adminTok := s.token(admin.Email, userPassword)
			imp := s.mint(adminTok, target)
			requireStatus(t, s.me(imp), http.StatusOK, "")
			rq := tc.req(admin.ID.String())
			rq.token = bossTok
			requireStatus(t, s.do(rq), tc.want, "")
			requireStatus(t, s.me(imp), http.StatusUnauthorized, "Unauthorized")
			requireStatus(t, s.do(request{method: "GET", path: "/protected", token: imp}), http.StatusUnauthorized, "Unauthorized")
			t.Logf("admin %s → the impersonation token gets 401 at once", tc.name)
		})
	}
	requireStatus(t, s.me(s.token(target.Email, userPassword)), http.StatusOK, "")
}

// TestImpersonationAudit: every minting is one audit log line with the
// admin's and the target's ids, and no log line contains a token or a
// password (IMP-5, OPS-2, ASVS 16.2.5).
func TestImpersonationAudit(t *testing.T) {
	s := newServer(t, memstore.New())
	admin := s.user("admin@example.com", true)
	adminTok := s.token(admin.Email, userPassword)
	targets := []core.User{s.user("t1@example.com", false), s.user("t2@example.com", false), s.user("t3@example.com", true)}
	var tokens []string
	for _, tg := range targets {
		tokens = append(tokens, s.mint(adminTok, tg))
	}
	tokens = append(tokens, adminTok)

	var minted []map[string]any
	for _, rec := range s.logs.records(t) {
		if rec["event"] == "impersonate" || strings.Contains(fmt.Sprint(rec["msg"]), "minted token") {
			minted = append(minted, rec)
		}
	}
	if len(minted) != len(targets) {
		t.Fatalf("%d minting audit lines, want %d:\n%s", len(minted), len(targets), s.logs.String())
	}
	for i, rec := range minted {
		if rec["admin_id"] != admin.ID.String() || rec["user_id"] != targets[i].ID.String() {
			t.Errorf("audit line %d: admin_id=%v user_id=%v, want %s and %s", i, rec["admin_id"], rec["user_id"], admin.ID, targets[i].ID)
		}
	}
	logs := s.logs.String()
	for _, tok := range tokens {
		if strings.Contains(logs, tok) || strings.Contains(logs, strings.Split(tok, ".")[2]) {
			t.Fatal("a token (or its signature) appears in the logs")
		}
	}
	if strings.Contains(logs, userPassword) {
		t.Fatal("a password appears in the logs")
	}
	t.Logf("%d mintings → %d audit lines with admin_id and user_id; %d tokens and the password absent from %d bytes of logs", len(targets), len(minted), len(tokens), len(logs))
}
