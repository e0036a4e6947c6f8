package main

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
	"github.com/zincware/zndraw-auth-go/examples/internal/exampletest"
	"github.com/zincware/zndraw-auth-go/httpapi"
)

// server is the example server on an in-memory SQLite database.
type server struct {
	t   *testing.T
	srv *httptest.Server
	db  *bun.DB
}

// newServer starts the example's mux on the custom store, in dev mode (every
// registered user is a superuser) with a cheap hasher.
func newServer(t *testing.T) *server {
	t.Helper()
	db, store, err := Open(t.Context(), "sqlite://:memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	logger := slog.New(slog.DiscardHandler)
	svc, err := core.New(store, core.DefaultSettings(), core.WithHasher(password.New(password.TestParams)), core.WithLogger(logger))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = svc.Close() })
	kit, err := nethttpauth.New(httpapi.Config{Service: svc, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(newMux(kit))
	t.Cleanup(srv.Close)
	return &server{t: t, srv: srv, db: db}
}

// do sends a request (url.Values as a form, any other non-nil body as JSON)
// and decodes a JSON answer into out when out is not nil.
func (s *server) do(method, path, token string, body, out any) int {
	s.t.Helper()
	status, raw := exampletest.Do(s.t, s.srv, method, path, token, body)
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal([]byte(raw), out); err != nil {
			s.t.Fatalf("%s %s: decode %q: %v", method, path, raw, err)
		}
	}
	return status
}

// count runs a SELECT count(*) query.
func (s *server) count(query string, args ...any) int {
	s.t.Helper()
	var n int
	if err := s.db.QueryRowContext(s.t.Context(), query, args...).Scan(&n); err != nil {
		s.t.Fatalf("%s: %v", query, err)
	}
	return n
}

type tokenOut struct {
	AccessToken string `json:"access_token"`
}

// login returns an access token or fails the test.
func (s *server) login(email, pw string) string {
	s.t.Helper()
	var tok tokenOut
	if status := s.do("POST", "/auth/jwt/login", "", url.Values{"username": {email}, "password": {pw}}, &tok); status != http.StatusOK || tok.AccessToken == "" {
		s.t.Fatalf("login %s: %d", email, status)
	}
	return tok.AccessToken
}

// TestServer: register → login → /users/me on the custom store, with the
// rows where the design puts them: the user in accounts (with its own
// column names), not in the kit's "user" table; the rate counters and
// the revoked token in the kit's tables.
func TestServer(t *testing.T) {
	s := newServer(t)
	const email, pw = "Grace@Example.com", "correct horse battery"

	var created httpapi.UserRead
	if status := s.do("POST", "/auth/register", "", map[string]string{"email": email, "password": pw}, &created); status != http.StatusCreated {
		t.Fatalf("register: %d", status)
	}
	if status := s.do("POST", "/auth/register", "", map[string]string{"email": strings.ToUpper(email), "password": pw}, nil); status != http.StatusBadRequest {
		t.Errorf("register the same email in upper case: %d, want 400 REGISTER_USER_ALREADY_EXISTS", status)
	}
	token := s.login(strings.ToLower(email), pw)
	var me httpapi.UserRead
	if status := s.do("GET", "/users/me", token, nil, &me); status != http.StatusOK || me != created {
		t.Errorf("GET /users/me: %d %+v, want 200 %+v", status, me, created)
	}

	var loginEmail string
	var admin bool
	if err := s.db.QueryRowContext(t.Context(), `SELECT login_email, admin FROM accounts WHERE account_id = ?`, created.ID).
		Scan(&loginEmail, &admin); err != nil {
		t.Fatalf("the user's accounts row: %v", err)
	}
	if loginEmail != created.Email || !admin {
		t.Errorf("accounts row: login_email %q, admin %v; want %q, true (dev mode)", loginEmail, admin, created.Email)
	}
	if got := s.count(`SELECT count(*) FROM "user"`); got != 0 {
		t.Errorf("rows in the kit's user table: %d, want 0", got)
	}
	if got := s.count(`SELECT count(*) FROM zndraw_auth_rate_counter`); got == 0 {
		t.Error("no rate counter rows: the per-IP limits of register and login did not reach the kit's store")
	}

	if status := s.do("POST", "/auth/jwt/logout", token, nil, nil); status != http.StatusNoContent {
		t.Fatalf("logout: %d", status)
	}
	if status := s.do("GET", "/users/me", token, nil, nil); status != http.StatusUnauthorized {
		t.Errorf("GET /users/me after logout: %d, want 401", status)
	}
	if got := s.count(`SELECT count(*) FROM zndraw_auth_revoked_token`); got != 1 {
		t.Errorf("revoked tokens (delegated to the kit's store): %d, want 1", got)
	}
}

// TestCLILoginApprover: a CLI login approved by a user of accounts works
// end to end (the approver's foreign key points at accounts), and deleting
// the approver keeps the challenge with a NULL approver.
func TestCLILoginApprover(t *testing.T) {
	s := newServer(t)
	var admin, approver httpapi.UserRead
	for _, r := range []struct {
		email string
		out   *httpapi.UserRead
	}{{"admin@example.com", &admin}, {"heidi@example.com", &approver}} {
		pw := strings.TrimSuffix(r.email, "@example.com") + " password"
		if status := s.do("POST", "/auth/register", "", map[string]string{"email": r.email, "password": pw}, r.out); status != http.StatusCreated {
			t.Fatalf("register %s: %d", r.email, status)
		}
	}
	adminToken := s.login("admin@example.com", "admin password")
	heidi := s.login("heidi@example.com", "heidi password")

	var ch struct{ Code, Secret string }
	if status := s.do("POST", "/auth/cli-login", "", nil, &ch); status != http.StatusOK || ch.Code == "" {
		t.Fatalf("create challenge: %d", status)
	}
	if status := s.do("PATCH", "/auth/cli-login/"+ch.Code, heidi, nil, nil); status != http.StatusOK {
		t.Fatalf("approve: %d", status)
	}
	var poll struct {
		Status string
		Token  *string
	}
	if status := s.do("GET", "/auth/cli-login/"+ch.Code+"?secret="+url.QueryEscape(ch.Secret), "", nil, &poll); status != http.StatusOK || poll.Token == nil {
		t.Fatalf("poll: %d %+v, want 200 with a token", status, poll)
	}
	var me httpapi.UserRead
	if status := s.do("GET", "/users/me", *poll.Token, nil, &me); status != http.StatusOK || me.ID != approver.ID {
		t.Errorf("GET /users/me with the CLI token: %d %+v, want the approver", status, me)
	}
	approvedBy := `SELECT count(*) FROM account_login_challenge WHERE code = ? AND approver_id = ?`
	if got := s.count(approvedBy, ch.Code, approver.ID); got != 1 {
		t.Fatalf("challenge rows approved by heidi: %d, want 1", got)
	}

	if status := s.do("DELETE", "/users/"+approver.ID, adminToken, nil, nil); status != http.StatusNoContent {
		t.Fatalf("DELETE /users/{approver}: %d", status)
	}
	if got := s.count(`SELECT count(*) FROM account_login_challenge WHERE code = ? AND approver_id IS NULL`, ch.Code); got != 1 {
		t.Errorf("challenge rows kept with a NULL approver after the delete: %d, want 1", got)
	}
	if got := s.count(`SELECT count(*) FROM accounts WHERE account_id = ?`, approver.ID); got != 0 {
		t.Errorf("accounts rows of the deleted user: %d, want 0", got)
	}
}
