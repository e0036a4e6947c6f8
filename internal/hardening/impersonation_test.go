package hardening_test

import (
	"context"
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
// approve CLI logins; its logout revokes only itself.
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
// or deleted.
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
// password (ASVS 16.2.5).
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
	for _, rec := range s.logs.Records(t) {
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

// TestImpersonationCannotTakeOverTheAccount: an impersonation token, even
// of a superuser, cannot change the password or the email of the account
// it stands for (403 Forbidden, nothing written), so it never turns into
// an ordinary session; /users/me {} and a flag-only body still answer 200.
func TestImpersonationCannotTakeOverTheAccount(t *testing.T) {
	s := newServer(t, memstore.New())
	admin := s.user("admin@example.com", true)
	target := s.user("super-target@example.com", true)
	imp := s.mint(s.token(admin.Email, userPassword), target)

	for _, body := range []map[string]any{
		{"password": "taken-over-password"},
		{"email": "attacker@example.com"},
		{"password": "taken-over-password", "email": "attacker@example.com"},
		{"email": target.Email, "is_superuser": true},
	} {
		r := s.do(request{method: "PATCH", path: "/users/me", token: imp, json: body})
		if r.status != http.StatusForbidden || string(r.body) != `{"detail":"Forbidden"}` {
			t.Errorf("PATCH /users/me %v with an impersonation token: %s, want 403 {\"detail\":\"Forbidden\"}", body, r)
		}
	}
	requireStatus(t, s.login(target.Email, "taken-over-password", nil), http.StatusBadRequest, core.CodeLoginBadCredentials)
	requireStatus(t, s.login("attacker@example.com", "taken-over-password", nil), http.StatusBadRequest, core.CodeLoginBadCredentials)
	requireStatus(t, s.me(s.token(target.Email, userPassword)), http.StatusOK, "")
	// What changes no credential still works.
	requireStatus(t, s.do(request{method: "PATCH", path: "/users/me", token: imp, json: map[string]any{}}), http.StatusOK, "")
	requireStatus(t, s.do(request{method: "PATCH", path: "/users/me", token: imp, json: map[string]any{"is_active": false}}), http.StatusOK, "")
	requireStatus(t, s.me(imp), http.StatusOK, "")
	// An impersonation token of a superuser deletes nobody, itself included.
	for _, id := range []string{target.ID.String(), admin.ID.String(), "me"} {
		requireStatus(t, s.do(request{method: "DELETE", path: "/users/" + id, token: imp}), http.StatusForbidden, "Forbidden")
	}
	if _, err := s.svc.GetUser(context.Background(), target.ID); err != nil {
		t.Fatalf("the target is gone: %v", err)
	}
	t.Log("impersonation token of a superuser: PATCH /users/me password/email → 403, nothing written; {} → 200; DELETE → 403")
}

// TestImpersonationWritesNameTheAdmin: the security event of every write
// made with an impersonation token names the admin behind it
// (impersonated_by), and the event of an admin's write on /users/{id}
// names the admin as the actor (actor_id).
func TestImpersonationWritesNameTheAdmin(t *testing.T) {
	s := newServer(t, memstore.New())
	logs := s.logs
	admin := s.user("admin@example.com", true)
	target := s.user("target@example.com", false)
	adminTok := s.token(admin.Email, userPassword)
	imp := s.mint(adminTok, target)

	requireStatus(t, s.do(request{method: "PATCH", path: "/users/me", token: imp, json: map[string]any{}}), http.StatusOK, "")
	requireStatus(t, s.do(request{method: "POST", path: "/auth/jwt/logout", token: imp}), http.StatusNoContent, "")
	requireStatus(t, s.do(request{method: "PATCH", path: "/users/" + target.ID.String(), token: adminTok, json: map[string]any{"is_verified": true}}), http.StatusOK, "")
	victim := s.user("victim@example.com", false)
	requireStatus(t, s.do(request{method: "DELETE", path: "/users/" + victim.ID.String(), token: adminTok}), http.StatusNoContent, "")

	want := []struct {
		event, user, actor, impersonatedBy string
	}{
		{"update", target.ID.String(), target.ID.String(), admin.ID.String()},
		{"logout", target.ID.String(), target.ID.String(), admin.ID.String()},
		{"update", target.ID.String(), admin.ID.String(), ""},
		{"delete", victim.ID.String(), admin.ID.String(), ""},
	}
	var got []map[string]any
	for _, rec := range logs.Records(t) {
		if ev := rec["event"]; rec["msg"] == core.SecurityEventMessage && (ev == "update" || ev == "logout" || ev == "delete") {
			got = append(got, rec)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%d audit lines, want %d:\n%s", len(got), len(want), logs.String())
	}
	for i, w := range want {
		rec := got[i]
		imp, _ := rec["impersonated_by"].(string)
		if rec["event"] != w.event || rec["user_id"] != w.user || rec["actor_id"] != w.actor || imp != w.impersonatedBy {
			t.Errorf("audit line %d: event=%v user_id=%v actor_id=%v impersonated_by=%v, want %s %s %s %q",
				i, rec["event"], rec["user_id"], rec["actor_id"], rec["impersonated_by"], w.event, w.user, w.actor, w.impersonatedBy)
		}
	}
	if strings.Contains(logs.String(), imp) || strings.Contains(logs.String(), adminTok) {
		t.Fatal("a token appears in the audit log")
	}
	t.Logf("%d audit lines, each naming its actor; the impersonated ones name the admin", len(got))
}

// TestImpersonationDiesWithAdminVersion: an impersonation token dies for
// good when its admin changes password, logs out everywhere, is
// deactivated or demoted, also after the admin is reactivated or promoted
// again; on every store.
func TestImpersonationDiesWithAdminVersion(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			store, _ := be.open(t)
			s := newServer(t, store)
			boss := s.user("boss@example.com", true)
			bossTok := s.token(boss.Email, userPassword)
			target := s.user("target@example.com", false)
			patch := func(id string, body map[string]any) {
				requireStatus(t, s.do(request{method: "PATCH", path: "/users/" + id, token: bossTok, json: body}), http.StatusOK, "")
			}
			for i, tc := range []struct {
				name string
				kill func(admin core.User, adminTok string)
			}{
				{"password change", func(_ core.User, adminTok string) {
					requireStatus(t, s.do(request{method: "PATCH", path: "/users/me", token: adminTok, json: map[string]any{"password": userPassword + "!"}}), http.StatusOK, "")
				}},
				{"logout everywhere", func(admin core.User, _ string) {
					if err := s.svc.LogoutEverywhere(context.Background(), admin, core.RequestMeta{}); err != nil {
						t.Fatal(err)
					}
				}},
				{"deactivated, then reactivated", func(admin core.User, _ string) {
					patch(admin.ID.String(), map[string]any{"is_active": false})
					patch(admin.ID.String(), map[string]any{"is_active": true})
				}},
				{"demoted, then promoted again", func(admin core.User, _ string) {
					patch(admin.ID.String(), map[string]any{"is_superuser": false})
					patch(admin.ID.String(), map[string]any{"is_superuser": true})
				}},
			} {
				admin := s.user(fmt.Sprintf("admin%d@example.com", i), true)
				adminTok := s.token(admin.Email, userPassword)
				imp := s.mint(adminTok, target)
				requireStatus(t, s.me(imp), http.StatusOK, "")
				tc.kill(admin, adminTok)
				requireStatus(t, s.me(imp), http.StatusUnauthorized, "Unauthorized")
				requireStatus(t, s.do(request{method: "GET", path: "/protected", token: imp}), http.StatusUnauthorized, "Unauthorized")
				t.Logf("admin %s → the impersonation token gets 401, and stays dead", tc.name)
			}
			requireStatus(t, s.me(s.token(target.Email, userPassword)), http.StatusOK, "")
		})
	}
}
