package main

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
	"github.com/zincware/zndraw-auth-go/examples/internal/exampletest"
	"github.com/zincware/zndraw-auth-go/httpapi"
	"github.com/zincware/zndraw-auth-go/internal/pgtest"
	bunstore "github.com/zincware/zndraw-auth-go/storage/bun"
)

const (
	adminEmail    = "admin@example.com"
	adminPassword = "admin-password-for-tests"
	userPassword  = "password-for-tests"
)

// backends are the databases the example runs on.
var backends = []struct {
	name string
	url  func(t *testing.T) string
}{
	{"SQLiteMemory", func(*testing.T) string { return "sqlite://:memory:" }},
	{"PostgreSQL", pgSchemaURL},
}

// pgSchemaURL returns the URL of a fresh PostgreSQL schema for t (see
// pgtest.DSN), or skips t.
func pgSchemaURL(t *testing.T) string { return pgtest.DSN(t) }

// env is the example server on one database.
type env struct {
	t   *testing.T
	srv *httptest.Server
	db  *bun.DB
}

// newEnv opens rawURL, migrates the kit's schema, creates the job table and
// serves the example in production mode with adminEmail as the admin.
func newEnv(t *testing.T, rawURL string) *env {
	t.Helper()
	ctx := t.Context()
	db, err := bunstore.Open(ctx, rawURL)
	if err != nil {
		t.Fatal(err)
	}
	// Registered after the schema cleanup, so it runs before it.
	t.Cleanup(func() { _ = db.Close() })
	if err := bunstore.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	if err := createJobTable(ctx, db); err != nil {
		t.Fatal(err)
	}
	settings := core.DefaultSettings()
	settings.SecretKey = strings.Repeat("k", 32)
	settings.ResetPasswordTokenSecret = strings.Repeat("r", 32)
	settings.VerificationTokenSecret = strings.Repeat("v", 32)
	settings.DefaultAdminEmail, settings.DefaultAdminPassword = adminEmail, adminPassword
	logger := slog.New(slog.DiscardHandler)
	svc, err := core.New(bunstore.New(db), settings, core.WithHasher(password.New(password.TestParams)), core.WithLogger(logger))
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
	srv := httptest.NewServer(newMux(kit, db, logger))
	t.Cleanup(srv.Close)
	return &env{t: t, srv: srv, db: db}
}

// do sends a request (url.Values as a form, any other non-nil body as JSON)
// and returns the status and the raw body.
func (e *env) do(method, path, token string, body any) (int, string) {
	e.t.Helper()
	return exampletest.Do(e.t, e.srv, method, path, token, body)
}

// decode unmarshals body into v or fails the test.
func (e *env) decode(body string, v any) {
	e.t.Helper()
	if err := json.Unmarshal([]byte(body), v); err != nil {
		e.t.Fatalf("decode %q: %v", body, err)
	}
}

// user registers email (when it is not the admin), logs in, and returns
// the id and an access token.
func (e *env) user(email, pw string) (uuid.UUID, string) {
	e.t.Helper()
	if email != adminEmail {
		if status, body := e.do("POST", "/auth/register", "", map[string]string{"email": email, "password": pw}); status != http.StatusCreated {
			e.t.Fatalf("register %s: %d %s", email, status, body)
		}
	}
	status, body := e.do("POST", "/auth/jwt/login", "", url.Values{"username": {email}, "password": {pw}})
	if status != http.StatusOK {
		e.t.Fatalf("login %s: %d %s", email, status, body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	e.decode(body, &tok)
	status, body = e.do("GET", "/users/me", tok.AccessToken, nil)
	if status != http.StatusOK {
		e.t.Fatalf("GET /users/me as %s: %d %s", email, status, body)
	}
	var me httpapi.UserRead
	e.decode(body, &me)
	return uuid.MustParse(me.ID), tok.AccessToken
}

// createJob creates a job named name as token's user and checks the 201
// answer.
func (e *env) createJob(token, name string) jobOut {
	e.t.Helper()
	status, body := e.do("POST", "/jobs", token, map[string]string{"name": name})
	if status != http.StatusCreated {
		e.t.Fatalf("POST /jobs %q: %d %s, want 201", name, status, body)
	}
	var j jobOut
	e.decode(body, &j)
	if _, err := uuid.Parse(j.ID); err != nil || j.Name != name || j.Status != StatusPending {
		e.t.Errorf("POST /jobs %q answered %s", name, body)
	}
	return j
}

// listJobs returns the names of token's user's jobs from GET /jobs.
func (e *env) listJobs(token string) []string {
	e.t.Helper()
	status, body := e.do("GET", "/jobs", token, nil)
	if status != http.StatusOK {
		e.t.Fatalf("GET /jobs: %d %s", status, body)
	}
	var jobs []jobOut
	e.decode(body, &jobs)
	names := []string{}
	for _, j := range jobs {
		names = append(names, j.Name)
	}
	return names
}

// jobRows counts the job rows of user id in the database.
func (e *env) jobRows(id uuid.UUID) int64 {
	e.t.Helper()
	n, err := e.db.NewSelect().Model((*Job)(nil)).Where("user_id = ?", id).Count(e.t.Context())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// TestJobs runs the joblib story on every backend: each user sees only
// their own jobs, and deleting a user deletes their jobs through the
// foreign key.
func TestJobs(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, b.url(t))
			aliceID, alice := e.user("alice@example.com", userPassword)
			bobID, bob := e.user("bob@example.com", userPassword)
			_, admin := e.user(adminEmail, adminPassword)

			relax := e.createJob(alice, "relax water box")
			e.createJob(alice, "md run")
			bobs := e.createJob(bob, "bob's analysis")

			if got, want := e.listJobs(alice), []string{"md run", "relax water box"}; !slices.Equal(got, want) {
				t.Errorf("alice's GET /jobs = %q, want %q", got, want)
			}
			if got, want := e.listJobs(bob), []string{"bob's analysis"}; !slices.Equal(got, want) {
				t.Errorf("bob's GET /jobs = %q, want %q", got, want)
			}
			if got := e.listJobs(admin); len(got) != 0 {
				t.Errorf("admin's GET /jobs = %q, want [] (superusers see only their own jobs too)", got)
			}

			const notFound = `{"detail":"Job not found"}`
			const unauthorized = `{"detail":"Unauthorized"}`
			ownJSON := func(j jobOut) string { b, _ := json.Marshal(j); return string(b) }
			gets := []struct {
				name, token, path string
				status            int
				body              string
			}{
				{"OwnJob", alice, "/jobs/" + relax.ID, http.StatusOK, ownJSON(relax)},
				{"OwnJobOfOtherUser", bob, "/jobs/" + bobs.ID, http.StatusOK, ownJSON(bobs)},
				{"SomeoneElsesJob", alice, "/jobs/" + bobs.ID, http.StatusNotFound, notFound},
				{"SomeoneElsesJobAsAdmin", admin, "/jobs/" + relax.ID, http.StatusNotFound, notFound},
				{"UnknownID", alice, "/jobs/" + uuid.NewString(), http.StatusNotFound, notFound},
				{"MalformedID", alice, "/jobs/not-a-uuid", http.StatusNotFound, notFound},
				{"NoToken", "", "/jobs/" + relax.ID, http.StatusUnauthorized, unauthorized},
				{"BadToken", "not-a-token", "/jobs", http.StatusUnauthorized, unauthorized},
			}
			for _, g := range gets {
				t.Run("GET/"+g.name, func(t *testing.T) {
					if status, body := e.do("GET", g.path, g.token, nil); status != g.status || body != g.body {
						t.Errorf("GET %s: %d %s, want %d %s", g.path, status, body, g.status, g.body)
					}
				})
			}

			posts := []struct {
				name, token, path string
				body              any
				status            int
				want              string // a substring of the answer
			}{
				{"NoToken", "", "/jobs", map[string]string{"name": "x"}, http.StatusUnauthorized, unauthorized},
				{"MissingName", alice, "/jobs", map[string]string{}, http.StatusUnprocessableEntity, `"type":"missing","loc":["body","name"]`},
				{"NameTooLong", alice, "/jobs", map[string]string{"name": strings.Repeat("n", 256)}, http.StatusUnprocessableEntity, `"type":"string_too_long"`},
				{"NameAsQueryLikeReference", alice, "/jobs/?name=from+query", nil, http.StatusCreated, `"name":"from query","status":"pending"`},
			}
			for _, p := range posts {
				t.Run("POST/"+p.name, func(t *testing.T) {
					if status, body := e.do("POST", p.path, p.token, p.body); status != p.status || !strings.Contains(body, p.want) {
						t.Errorf("POST %s: %d %s, want %d with %s", p.path, status, body, p.status, p.want)
					}
				})
			}

			t.Run("ForeignKeyEnforced", func(t *testing.T) {
				orphan := &Job{ID: uuid.New(), Name: "orphan", Status: StatusPending, UserID: uuid.New()}
				if _, err := e.db.NewInsert().Model(orphan).Exec(t.Context()); err == nil {
					t.Error("inserted a job of a user that does not exist")
				}
			})

			t.Run("DeleteUserDeletesJobs", func(t *testing.T) {
				if n := e.jobRows(aliceID); n != 3 {
					t.Fatalf("alice has %d job rows before the delete, want 3", n)
				}
				if status, body := e.do("DELETE", "/users/"+aliceID.String(), admin, nil); status != http.StatusNoContent {
					t.Fatalf("DELETE /users/{alice}: %d %s", status, body)
				}
				if n := e.jobRows(aliceID); n != 0 {
					t.Errorf("alice has %d job rows after her account was deleted, want 0", n)
				}
				if n := e.jobRows(bobID); n != 1 {
					t.Errorf("bob has %d job rows after alice was deleted, want 1", n)
				}
				if status, _ := e.do("GET", "/jobs", alice, nil); status != http.StatusUnauthorized {
					t.Errorf("GET /jobs with the deleted user's token: %d, want 401", status)
				}
			})
		})
	}
}
