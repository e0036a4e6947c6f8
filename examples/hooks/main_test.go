package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
	"github.com/zincware/zndraw-auth-go/examples/internal/exampletest"
	"github.com/zincware/zndraw-auth-go/hooks"
	"github.com/zincware/zndraw-auth-go/httpapi"
	bunstore "github.com/zincware/zndraw-auth-go/storage/bun"
)

const (
	adminEmail    = "admin@example.com"
	adminPassword = "admin-password-for-tests"
	// keeperEmail is listed in -protect.
	keeperEmail = "keeper@example.com"
	// busyEmail is vetoed by a test-only hook that returns a plain error.
	busyEmail = "busy@example.com"
	goodPass  = "a long enough passphrase"
)

// message is one message a recordingSender was asked to send.
type message struct{ to, subject, body string }

// recordingSender records messages, or fails with err when it is set.
type recordingSender struct {
	mu   sync.Mutex
	sent []message
	err  error
}

func (s *recordingSender) Send(_ context.Context, to, subject, body string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	s.sent = append(s.sent, message{to, subject, body})
	return nil
}

func (s *recordingSender) messages() []message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]message(nil), s.sent...)
}

// syncBuffer is a bytes.Buffer safe for the server's and the test's
// goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// env is a running example server on an in-memory SQLite database.
type env struct {
	t     *testing.T
	srv   *httptest.Server
	db    *bun.DB
	store core.Store
	logs  *syncBuffer
}

// newEnv starts the example's hooks (with sender) plus a test-only hook
// that vetoes deleting busyEmail with a plain error, on an in-memory SQLite
// database with a cheap hasher, in production mode with adminEmail as the
// default admin.
func newEnv(t *testing.T, sender Sender) *env {
	t.Helper()
	ctx := t.Context()
	db, err := bunstore.Open(ctx, "sqlite://:memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := bunstore.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	if err := createWelcomeLog(ctx, db); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, nil))
	busy := core.Hooks{OnBeforeDelete: func(_ context.Context, u core.User, _ core.RequestMeta) error {
		if u.Email == busyEmail {
			return errors.New("user still has running jobs")
		}
		return nil
	}}
	settings := core.DefaultSettings()
	settings.SecretKey = strings.Repeat("k", 32)
	settings.ResetPasswordTokenSecret = strings.Repeat("r", 32)
	settings.VerificationTokenSecret = strings.Repeat("v", 32)
	settings.DefaultAdminEmail, settings.DefaultAdminPassword = adminEmail, adminPassword
	store := bunstore.New(db)
	svc, err := core.New(store, settings,
		core.WithHasher(password.New(password.TestParams)),
		core.WithLogger(logger),
		core.WithHooks(hooks.Compose(appHooks(db, sender, []string{"Keeper@Example.com"}), busy)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = svc.Close() })
	if err := svc.EnsureDefaultAdmin(ctx); err != nil {
		t.Fatal(err)
	}
	kit, err := nethttpauth.New(httpapi.Config{Service: svc, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(newMux(kit))
	t.Cleanup(srv.Close)
	return &env{t: t, srv: srv, db: db, store: store, logs: logs}
}

// do sends a request (url.Values as a form, any other non-nil body as JSON)
// and returns the status and the raw body.
func (e *env) do(method, path, token string, body any) (int, string) {
	e.t.Helper()
	return exampletest.Do(e.t, e.srv, method, path, token, body)
}

// register registers email and returns the new user's id; it fails the
// test unless the answer is 201.
func (e *env) register(email, pw string) uuid.UUID {
	e.t.Helper()
	status, body := e.do("POST", "/auth/register", "", map[string]string{"email": email, "password": pw})
	if status != http.StatusCreated {
		e.t.Fatalf("register %s: %d %s, want 201", email, status, body)
	}
	var u httpapi.UserRead
	if err := json.Unmarshal([]byte(body), &u); err != nil {
		e.t.Fatal(err)
	}
	return uuid.MustParse(u.ID)
}

// login returns an access token for email.
func (e *env) login(email, pw string) string {
	e.t.Helper()
	status, body := e.do("POST", "/auth/jwt/login", "", url.Values{"username": {email}, "password": {pw}})
	if status != http.StatusOK {
		e.t.Fatalf("login %s: %d %s", email, status, body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal([]byte(body), &tok); err != nil {
		e.t.Fatal(err)
	}
	return tok.AccessToken
}

// welcomeRows counts the welcome_log rows of email.
func (e *env) welcomeRows(email string) int64 {
	e.t.Helper()
	n, err := e.db.NewSelect().Model((*WelcomeLog)(nil)).Where("email = ?", email).Count(e.t.Context())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// userExists reports whether the store holds a user with email.
func (e *env) userExists(email string) bool {
	e.t.Helper()
	_, err := e.store.GetUserByEmail(e.t.Context(), email)
	if err != nil && !errors.Is(err, core.ErrNotFound) {
		e.t.Fatal(err)
	}
	return err == nil
}

// TestRegisterRunsAfterHooks: a registration answers 201, the sender got
// the welcome message, the host's welcome_log has the row, and the audit
// hook logged the event.
func TestRegisterRunsAfterHooks(t *testing.T) {
	sender := &recordingSender{}
	e := newEnv(t, sender)
	id := e.register("bob@example.com", goodPass)

	msgs := sender.messages()
	if len(msgs) != 1 || msgs[0].to != "bob@example.com" || msgs[0].subject != welcomeSubject ||
		!strings.Contains(msgs[0].body, "bob@example.com") {
		t.Errorf("sent %+v, want one welcome message to bob@example.com", msgs)
	}
	var row WelcomeLog
	if err := e.db.NewSelect().Model(&row).Where("user_id = ?", id.String()).Scan(t.Context()); err != nil {
		t.Fatalf("welcome_log row of the new user: %v", err)
	}
	if row.Email != "bob@example.com" || row.ClientIP != "127.0.0.1" || row.At.IsZero() {
		t.Errorf("welcome_log row = %+v", row)
	}
	if logs := e.logs.String(); !strings.Contains(logs, "event=register") || !strings.Contains(logs, id.String()) {
		t.Errorf("no audit line for the registration in:\n%s", logs)
	}
}

// TestWeakPasswordVetoes: a password the policy rejects answers 400 with the
// contract's code and the policy's reason, and nothing happens: no user,
// no message, no welcome_log row.
func TestWeakPasswordVetoes(t *testing.T) {
	tests := []struct {
		name, email, password, reason string
	}{
		{"ShorterThanKitMinimum", "carol@example.com", "short", "Password should be at least 8 characters"},
		{"ShorterThanPolicy", "carol@example.com", "elevenchars", "Password should be at least 12 characters"},
		{"ContainsLocalPart", "carol@example.com", "carol-in-wonderland", "Password should not contain e-mail"},
		{"ContainsLocalPartOtherCase", "carol@example.com", "Hello-CAROL-1234", "Password should not contain e-mail"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sender := &recordingSender{}
			e := newEnv(t, sender)
			status, body := e.do("POST", "/auth/register", "", map[string]string{"email": tt.email, "password": tt.password})
			want, _ := json.Marshal(map[string]any{"detail": map[string]string{"code": "REGISTER_INVALID_PASSWORD", "reason": tt.reason}})
			if status != http.StatusBadRequest || body != string(want) {
				t.Errorf("register with %q: %d %s, want 400 %s", tt.password, status, body, want)
			}
			if e.userExists(tt.email) {
				t.Error("the user was created")
			}
			if msgs := sender.messages(); len(msgs) != 0 {
				t.Errorf("messages sent: %+v", msgs)
			}
			if n := e.welcomeRows(tt.email); n != 0 {
				t.Errorf("%d welcome_log rows, want 0", n)
			}
		})
	}
	t.Run("PolicyAlsoGuardsUpdates", func(t *testing.T) {
		e := newEnv(t, &recordingSender{})
		e.register("dave@example.com", goodPass)
		token := e.login("dave@example.com", goodPass)
		status, body := e.do("PATCH", "/users/me", token, map[string]string{"password": "daves-new-password"})
		want := `{"detail":{"code":"UPDATE_USER_INVALID_PASSWORD","reason":"Password should not contain e-mail"}}`
		if status != http.StatusBadRequest || body != want {
			t.Errorf("PATCH /users/me: %d %s, want 400 %s", status, body, want)
		}
		e.login("dave@example.com", goodPass) // the old password still works
	})
}

// TestFailingSenderKeepsUser: after-hooks run after the commit and their
// errors are only logged: the registration answers 201, the user exists,
// and the other after-hooks (the welcome_log row) still ran.
func TestFailingSenderKeepsUser(t *testing.T) {
	e := newEnv(t, &recordingSender{err: errors.New("smtp: connection refused")})
	id := e.register("erin@example.com", goodPass)
	if !e.userExists("erin@example.com") {
		t.Fatal("user missing after a failed after-hook")
	}
	if n := e.welcomeRows("erin@example.com"); n != 1 {
		t.Errorf("%d welcome_log rows, want 1 (composed after-hooks all run)", n)
	}
	logs := e.logs.String()
	if !strings.Contains(logs, "after-hook failed") || !strings.Contains(logs, "smtp: connection refused") ||
		!strings.Contains(logs, id.String()) {
		t.Errorf("the sender's error was not logged:\n%s", logs)
	}
	e.login("erin@example.com", goodPass)
}

// TestDeleteVeto: OnBeforeDelete keeps the user; the answer depends on the
// error the hook returns.
func TestDeleteVeto(t *testing.T) {
	tests := []struct {
		name, email string
		status      int
		body        string
		kept        bool
		logged      string // in the server's log
	}{
		// protectAccounts wraps core.ErrForbidden: answered like it.
		{"ProtectedAccount", keeperEmail, http.StatusForbidden, `{"detail":"Forbidden"}`, true, ""},
		// A plain error is an internal error: a generic 500, and the
		// error only in the log.
		{"PlainError", busyEmail, http.StatusInternalServerError, `{"detail":"Internal Server Error"}`, true,
			"user still has running jobs"},
		{"NoVeto", "frank@example.com", http.StatusNoContent, "", false, "event=delete"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, &recordingSender{})
			id := e.register(tt.email, goodPass)
			admin := e.login(adminEmail, adminPassword)
			status, body := e.do("DELETE", "/users/"+id.String(), admin, nil)
			if status != tt.status || body != tt.body {
				t.Errorf("DELETE /users/{id}: %d %q, want %d %q", status, body, tt.status, tt.body)
			}
			if got := e.userExists(tt.email); got != tt.kept {
				t.Errorf("user exists = %v after DELETE, want %v", got, tt.kept)
			}
			logs := e.logs.String()
			if !strings.Contains(logs, tt.logged) {
				t.Errorf("log lacks %q:\n%s", tt.logged, logs)
			}
			deleted := strings.Contains(logs, "event=delete")
			if deleted == tt.kept {
				t.Errorf("audit delete line logged = %v, want %v (OnAfterDelete runs only after a delete)", deleted, !tt.kept)
			}
		})
	}
}

// TestLogSender: the default sender only logs the recipient and subject.
func TestLogSender(t *testing.T) {
	logs := &syncBuffer{}
	s := LogSender{Logger: slog.New(slog.NewTextHandler(logs, nil))}
	if err := s.Send(t.Context(), "grace@example.com", welcomeSubject, "secret body"); err != nil {
		t.Fatal(err)
	}
	got := logs.String()
	for _, want := range []string{"would send email", "to=grace@example.com", `subject="` + welcomeSubject + `"`} {
		if !strings.Contains(got, want) {
			t.Errorf("log %q lacks %q", got, want)
		}
	}
	if strings.Contains(got, "secret body") {
		t.Errorf("log %q contains the body", got)
	}
}
