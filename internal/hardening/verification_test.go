package hardening_test

import (
	"net/http"
	"testing"

	"github.com/zincware/zndraw-auth-go/core"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// TestRequireVerificationHasNoBypass: with ZNDRAW_AUTH_REQUIRE_VERIFICATION,
// a user who lost their verification (an email change) gets 403 on the
// users router, on routes behind RequireUser and on CLI approval, and a
// challenge they approved before hands out no token: the CLI flow is no way
// around the rule.
func TestRequireVerificationHasNoBypass(t *testing.T) {
	s := newServer(t, memstore.New(), withSettings(func(st *core.Settings) { st.RequireVerification = true }))
	verified := true
	u, err := s.svc.CreateUser(t.Context(), core.UserCreate{Email: "v@example.com", Password: userPassword, IsVerified: &verified}, core.RequestMeta{})
	if err != nil {
		t.Fatal(err)
	}
	tok := s.token(u.Email, userPassword)
	early, earlySecret := s.challenge()
	requireStatus(t, s.do(request{method: "PATCH", path: "/auth/cli-login/" + early, token: tok}), http.StatusOK, "")
	requireStatus(t, s.do(request{method: "GET", path: "/protected", token: tok}), http.StatusOK, "")

	requireStatus(t, s.do(request{method: "PATCH", path: "/users/me", token: tok, json: map[string]any{"email": "changed@example.com"}}), http.StatusOK, "")
	requireStatus(t, s.me(tok), http.StatusForbidden, "Forbidden")
	requireStatus(t, s.do(request{method: "GET", path: "/protected", token: tok}), http.StatusForbidden, "Forbidden")
	if r := s.do(request{method: "GET", path: "/protected/optional", token: tok}); r.status != http.StatusOK || string(r.body) != `{"user":null}` {
		t.Fatalf("optional route: %s, want the anonymous answer", r)
	}
	code, secret := s.challenge()
	requireStatus(t, s.do(request{method: "PATCH", path: "/auth/cli-login/" + code, token: tok}), http.StatusForbidden, "Forbidden")
	requireStatus(t, s.poll(code, secret), http.StatusOK, "")
	if r := s.poll(code, secret); r.field("status") != "pending" {
		t.Fatalf("the refused approval approved: %s", r)
	}
	if r := s.poll(early, earlySecret); r.status != http.StatusNotFound {
		t.Fatalf("poll of a challenge approved before the email change: %s, want 404 and no token", r)
	}
	t.Log("unverified after an email change: /users/me, /protected and CLI approve → 403; an earlier approval yields no token")
}
