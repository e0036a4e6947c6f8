package conformance_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
	"time"

	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/conformance"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/httpapi"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// server builds an in-process target on store (without the demo routes).
func server(t *testing.T, mode conformance.Mode, store core.Store, opts ...conformance.TestOption) conformance.Target {
	t.Helper()
	svc, _, _, target := conformance.NewTestService(t, mode, store, opts...)
	kit, err := nethttpauth.New(httpapi.Config{Service: svc})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	kit.Mount(mux)
	mux.Handle("/", nethttpauth.NotFoundHandler())
	target.Handler = mux
	target.DemoRoutes = false
	return target
}

// results runs the cases matching filter and returns their results by id.
func results(t *testing.T, target conformance.Target, filter string) map[string]conformance.Result {
	t.Helper()
	out := map[string]conformance.Result{}
	conformance.RunAll(t.Context(), target, regexp.MustCompile(filter), func(r conformance.Result) { out[r.ID] = r })
	return out
}

// rewrite wraps a handler so that f may change each answer before it is
// sent.
func rewrite(f func(r *http.Request, status *int, h http.Header, body *[]byte)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			status, body := rec.Code, rec.Body.Bytes()
			h := rec.Header().Clone()
			f(r, &status, h, &body)
			for k, v := range h {
				w.Header()[k] = v
			}
			w.WriteHeader(status)
			_, _ = w.Write(body)
		})
	}
}

// TestCasesDetectBrokenServers runs cases against a server broken in one
// way: they pass against the kit and fail against the broken server.
func TestCasesDetectBrokenServers(t *testing.T) {
	tests := []struct {
		name     string
		mutate   func(http.Handler) http.Handler
		filter   string
		wantFail []string
	}{
		{
			name: "logout does not revoke",
			mutate: func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Method == "POST" && r.URL.Path == "/auth/jwt/logout" && r.Header.Get("Authorization") != "" {
						w.WriteHeader(http.StatusNoContent)
						return
					}
					next.ServeHTTP(w, r)
				})
			},
			filter:   `^(FIX1|A10)_`,
			wantFail: []string{"FIX1_logout_revokes"},
		},
		{
			name: "no Content-Type",
			mutate: rewrite(func(r *http.Request, status *int, h http.Header, _ *[]byte) {
				if r.URL.Path == "/auth/jwt/login" && *status == 400 {
					h.Del("Content-Type")
				}
			}),
			filter:   `^A4_`,
			wantFail: []string{"A4_login_unknown_user"},
		},
		{
			name: "another 401 body",
			mutate: rewrite(func(_ *http.Request, status *int, _ http.Header, body *[]byte) {
				if *status == 401 {
					*body = []byte(`{"detail":"Not authenticated"}`)
				}
			}),
			filter:   `^(U1|Z12)_`,
			wantFail: []string{"U1_get_me_no_token", "Z12_get_me_no_token"},
		},
		{
			name: "token_type Bearer",
			mutate: func(next http.Handler) http.Handler {
				// Only for the case's user "u", not the logins of the suite's
				// setup and fixtures, which check the same.
				inner := rewrite(func(_ *http.Request, _ *int, _ http.Header, body *[]byte) {
					*body = bytes.Replace(*body, []byte(`"token_type":"bearer"`), []byte(`"token_type":"Bearer"`), 1)
				})(next)
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					b, _ := io.ReadAll(r.Body)
					r.Body = io.NopCloser(bytes.NewReader(b))
					if !bytes.Contains(b, []byte("-u%40example.com")) {
						next.ServeHTTP(w, r)
						return
					}
					inner.ServeHTTP(w, r)
				})
			},
			filter:   `^T1_`,
			wantFail: []string{"T1_bearer_wire_format"},
		},
		{
			name: "duplicate registration is a 500",
			mutate: rewrite(func(_ *http.Request, status *int, _ http.Header, body *[]byte) {
				if bytes.Contains(*body, []byte("REGISTER_USER_ALREADY_EXISTS")) {
					*status, *body = 500, []byte(`{"detail":"Internal Server Error"}`)
				}
			}),
			filter:   `^(R6|FIX6)_`,
			wantFail: []string{"R6_register_existing_email", "FIX6_register_race"},
		},
		{
			name: "UserRead keys sorted",
			mutate: rewrite(func(r *http.Request, _ *int, _ http.Header, body *[]byte) {
				if r.URL.Path == "/users/me" {
					*body = bytes.Replace(*body, []byte(`"is_superuser":false,"is_verified":false`), []byte(`"is_verified":false,"is_superuser":false`), 1)
				}
			}),
			filter:   `^U3_`,
			wantFail: []string{"U3_get_me_user"},
		},
		{
			name: "403 becomes 200",
			mutate: rewrite(func(_ *http.Request, status *int, _ http.Header, _ *[]byte) {
				if *status == 403 {
					*status = 200
				}
			}),
			filter:   `^(U23|FIX4)_`,
			wantFail: []string{"U23_get_user_as_user", "FIX4_impersonation_fence"},
		},
		{
			name: "pending poll without token",
			mutate: rewrite(func(_ *http.Request, _ *int, _ http.Header, body *[]byte) {
				*body = bytes.Replace(*body, []byte(`,"token":null`), nil, 1)
			}),
			filter:   `^Z27_`,
			wantFail: []string{"Z27_cli_poll_pending"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			target := server(t, conformance.ModeProduction, memstore.New())
			for id, r := range results(t, target, tc.filter) {
				if r.Status != conformance.StatusPassed {
					t.Errorf("unbroken server: %s %s: %s", id, r.Status, r.Message)
				}
			}
			target.Handler = tc.mutate(target.Handler)
			got := results(t, target, tc.filter)
			for _, id := range tc.wantFail {
				if r, ok := got[id]; !ok || r.Status != conformance.StatusFailed {
					t.Errorf("broken server: %s = %+v, want failed", id, r)
				}
			}
		})
	}
}

// TestRunAll runs every case in production mode and a few in dev mode
// (where setup registers a root user and teardown deletes it); the full dev
// run is the adapters' own test. NewTestService fails the test if a user is
// left behind.
func TestRunAll(t *testing.T) {
	tests := []struct {
		mode      conformance.Mode
		filter    *regexp.Regexp
		minPassed int
		wantIDs   int // 0: every case
	}{
		{conformance.ModeProduction, nil, 170, 0},
		{conformance.ModeDev, regexp.MustCompile(`^(A6|R8|Z10|Z13|FIX4)_`), 4, 5},
	}
	for _, tc := range tests {
		t.Run(string(tc.mode), func(t *testing.T) {
			var ids []string
			passed, failed, skipped := conformance.RunAll(t.Context(), server(t, tc.mode, memstore.New()), tc.filter, func(r conformance.Result) {
				ids = append(ids, r.ID)
				if r.Status == conformance.StatusFailed {
					t.Errorf("%s: %s", r.ID, r.Message)
				}
			})
			if passed < tc.minPassed || passed+failed+skipped != len(ids) || (tc.wantIDs > 0 && len(ids) != tc.wantIDs) {
				t.Fatalf("%d passed, %d failed, %d skipped: %v", passed, failed, skipped, ids)
			}
		})
	}
}

// TestRunAllSetupFailure reports a target that is not what it claims to be.
func TestRunAllSetupFailure(t *testing.T) {
	tests := []struct {
		name   string
		target func(t *testing.T) conformance.Target
	}{
		{"incomplete target", func(*testing.T) conformance.Target { return conformance.Target{} }},
		{"wrong admin password", func(t *testing.T) conformance.Target {
			target := server(t, conformance.ModeProduction, memstore.New())
			target.AdminPassword = "not-the-password"
			return target
		}},
		{"dev server run as production", func(t *testing.T) conformance.Target {
			target := server(t, conformance.ModeDev, memstore.New())
			target.Mode = conformance.ModeProduction
			target.AdminEmail, target.AdminPassword = conformance.TestAdminEmail, conformance.TestAdminPassword
			return target
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []conformance.Result
			passed, failed, skipped := conformance.RunAll(t.Context(), tc.target(t), nil, func(r conformance.Result) { got = append(got, r) })
			if passed != 0 || failed != 1 || skipped != 0 || len(got) != 1 || got[0].ID != "setup" || got[0].Message == "" {
				t.Errorf("got %d/%d/%d %+v, want one failed setup", passed, failed, skipped, got)
			}
		})
	}
}

// TestDeclaredCosts runs every case in both modes and compares what each
// took from the per-address budgets with what it declares (users, uses):
// the suite plans with the declarations, so they must be exact.
func TestDeclaredCosts(t *testing.T) {
	t.Parallel()
	declared := conformance.DeclaredCosts()
	most := map[string]conformance.Cost{}
	for _, mode := range []conformance.Mode{conformance.ModeProduction, conformance.ModeDev} {
		conformance.Check(t.Context(), server(t, mode, memstore.New()), conformance.Options{Report: func(r conformance.Result) {
			d, ok := declared[r.ID]
			if !ok || r.Status != conformance.StatusPassed {
				return
			}
			took := conformance.TakenBy(r)
			m := most[r.ID]
			m.Users = max(m.Users, took.Users)
			for b := range took.Uses {
				if took.Uses[b] > d.Uses[b] {
					t.Errorf("%s (%s mode) took %v, more than it declares (%v)", r.ID, mode, took, d)
				}
				m.Uses[b] = max(m.Uses[b], took.Uses[b])
			}
			if took.Users > d.Users {
				t.Errorf("%s (%s mode) made %d users, more than the %d it declares", r.ID, mode, took.Users, d.Users)
			}
			most[r.ID] = m
		}})
	}
	for id, m := range most {
		if m != declared[id] {
			t.Errorf("%s declares %+v but takes at most %+v", id, declared[id], m)
		}
	}
}

// TestTestServiceForwardsTheFeed: the test service checks tokens as a
// deployment on the same store does, with the store's change feed live;
// its simulated outage breaks the feed at once (token checks then read the
// store and fail closed) and Up brings it back.
func TestTestServiceForwardsTheFeed(t *testing.T) {
	svc, _, _, target := conformance.NewTestService(t, conformance.ModeProduction, memstore.New())
	waitFeed := func(want core.ChangeFeedState) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for svc.ChangeFeedStatus().State != want {
			if time.Now().After(deadline) {
				t.Fatalf("feed %v, want %v", svc.ChangeFeedStatus().State, want)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitFeed(core.ChangeFeedLive)
	losses := svc.ChangeFeedStatus().Losses
	if err := target.Outage.Down(t.Context()); err != nil {
		t.Fatal(err)
	}
	waitFeed(core.ChangeFeedDown)
	if got := svc.ChangeFeedStatus().Losses; got <= losses {
		t.Errorf("losses %d after the outage, want more than %d", got, losses)
	}
	if err := target.Outage.Up(t.Context()); err != nil {
		t.Fatal(err)
	}
	waitFeed(core.ChangeFeedLive)
}

// TestRunAllFindsDevMode runs the cases whose expectation depends on the
// mode against a dev-mode server without telling the suite its mode (as the
// CLI runs without -mode): the mode the suite finds out decides.
func TestRunAllFindsDevMode(t *testing.T) {
	target := server(t, conformance.ModeDev, memstore.New())
	target.Mode = ""
	var ids []string
	passed, failed, skipped := conformance.RunAll(t.Context(), target, regexp.MustCompile(`^(R8|Z1|Z10)_`), func(r conformance.Result) {
		ids = append(ids, r.ID)
		if r.Status != conformance.StatusPassed {
			t.Errorf("%s: %s %s", r.ID, r.Status, r.Message)
		}
	})
	if passed != 3 || failed != 0 || skipped != 0 {
		t.Fatalf("%d passed, %d failed, %d skipped: %v", passed, failed, skipped, ids)
	}
}

// slowRecovery is an Outage whose store answers 503 for a while after Up
// returned, as a real database does while the server reconnects.
type slowRecovery struct {
	conformance.Outage
	after time.Duration
}

func (s slowRecovery) Up(ctx context.Context) error {
	time.AfterFunc(s.after, func() { _ = s.Outage.Up(context.Background()) })
	return nil
}

// TestOutageCaseWaitsOutTheRecovery: after the restore command, the
// deployment may answer 503 for a moment longer; the outage case waits for
// the recovery instead of failing on those 503s as server errors.
func TestOutageCaseWaitsOutTheRecovery(t *testing.T) {
	target := server(t, conformance.ModeProduction, memstore.New())
	target.Outage = slowRecovery{Outage: target.Outage, after: 600 * time.Millisecond}
	res := results(t, target, `^OPS3_`)
	if r := res["OPS3_store_outage"]; r.Status != conformance.StatusPassed {
		t.Fatalf("OPS3: %s %s", r.Status, r.Message)
	}
}
