package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"

	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/conformance"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/httpapi"
	"github.com/zincware/zndraw-auth-go/internal/kittest"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// liveServer serves the kit in mode on a real listener (limits off unless
// opts say otherwise), its answers going through wrap when not nil.
func liveServer(t *testing.T, mode conformance.Mode, wrap func(http.Handler) http.Handler, opts ...conformance.TestOption) (*httptest.Server, *core.Service) {
	t.Helper()
	svc, _, _, _ := conformance.NewTestService(t, mode, memstore.New(), opts...)
	kit, err := nethttpauth.New(httpapi.Config{Service: svc})
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler = kittest.DemoMux(kit)
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, svc
}

var defaultLimits = conformance.WithSettings(func(s *core.Settings) { s.RateLimit = core.DefaultSettings().RateLimit })

// runCLI runs the command and returns its exit code and output lines.
func runCLI(t *testing.T, args ...string) (int, []string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), args, &stdout, &stderr)
	return code, strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n"), stderr.String()
}

// matchLines checks lines against regular expressions, one per line.
func matchLines(t *testing.T, lines []string, want []string) {
	t.Helper()
	if len(lines) != len(want) {
		t.Fatalf("stdout:\n%s\nwant %d lines", strings.Join(lines, "\n"), len(want))
	}
	for i, re := range want {
		if !regexp.MustCompile(re).MatchString(lines[i]) {
			t.Errorf("line %d = %q, want %s", i, lines[i], re)
		}
	}
}

const dur = `\([0-9.]+[µm]?s\)`

func TestRun(t *testing.T) {
	srv, _ := liveServer(t, conformance.ModeProduction, nil)
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	}))
	t.Cleanup(broken.Close)
	admin := []string{"-admin-email", conformance.TestAdminEmail, "-admin-password", conformance.TestAdminPassword}
	header := []string{
		`^zndraw-auth-conformance against http://127\.0\.0\.1:\d+$`,
		`^mode:   production \(the admin logged in and a newly registered user is a regular user\)$`,
		`^limits: off: a second poll within the interval was answered`,
	}
	tests := []struct {
		name      string
		args      []string
		wantCode  int
		wantLines []string // regular expressions, one per line of stdout
	}{
		{
			name:     "passing cases",
			args:     append([]string{"-base-url", srv.URL, "-run", `^(A1|Z26|Z27)_`}, admin...),
			wantCode: 0,
			wantLines: append(header,
				`^\[1/3\] PASS A1_login_empty_form `+dur+`$`,
				`^\[2/3\] PASS Z26_cli_create `+dur+`$`,
				`^\[3/3\] PASS Z27_cli_poll_pending `+dur+`$`,
				`^3 passed, 0 failed, 0 skipped in [0-9.]+[µm]?s$`,
				`^taken from this address's limits: login \d+, register \d+, forgot-password 0, request-verify-token 0, cli-login \d+, reset-password 0, email-change 0, cli-code 0$`,
			),
		},
		{
			name:     "skips name the flags",
			args:     append([]string{"-base-url", srv.URL, "-run", `^(Z10|P9|FIX19|OPS3|LIM7|LIM9)_`}, admin...),
			wantCode: 0,
			wantLines: append(header,
				`^\[1/6\] SKIP P9_reset_inactive: needs the reset-password and verify routers: pass -reset-verify if the server mounts them$`,
				`^\[2/6\] SKIP Z10_dev_mode_register: dev mode only$`,
				`^\[3/6\] SKIP FIX19_forged_tokens: forges tokens with the server's signing secret: pass -secret-key \(its ZNDRAW_AUTH_SECRET_KEY\)$`,
				`^\[4/6\] SKIP LIM7_cli_poll_interval: checks the rate limits, which are off on this server \(ZNDRAW_AUTH_RATE_LIMIT_ENABLED=false\)$`,
				`^\[5/6\] SKIP LIM9_register_per_address: checks the rate limits`,
				`^\[6/6\] SKIP OPS3_store_outage: takes the server's store down: pass -outage-cmd and -restore-cmd$`,
				`^0 passed, 0 failed, 6 skipped in `,
				`^taken from this address's limits: `,
			),
		},
		{
			name:     "failing server",
			args:     append([]string{"-base-url", broken.URL}, admin...),
			wantCode: 1,
			wantLines: []string{
				`^ +FAIL setup ` + dur + `$`,
				`^ +POST /auth/jwt/login password=…&username=admin%40example\.com → 500 boom: server error$`,
				`^ +the admin cannot log in: POST /auth/jwt/login password=…&username=admin%40example\.com → 500 boom: check -admin-email and -admin-password; if the server has no default admin \(dev mode\), pass -mode dev$`,
				`^0 passed, 1 failed, 0 skipped in `,
				`^taken from this address's limits: login 1 \(at most 1 in a min, allowed 30 of the limit 60/min\), register 0 of 50`,
			},
		},
		{
			name:     "wrong admin password",
			args:     []string{"-base-url", srv.URL, "-admin-email", conformance.TestAdminEmail, "-admin-password", "wrong"},
			wantCode: 1,
			wantLines: []string{
				`^ +FAIL setup `,
				`^ +the admin cannot log in: .* 400 \{"detail":"LOGIN_BAD_CREDENTIALS"\}: check -admin-email and -admin-password; if the server has no default admin \(dev mode\), pass -mode dev$`,
				`^0 passed, 1 failed`,
				`^taken from`,
			},
		},
		{
			name:      "production mode without the admin",
			args:      []string{"-base-url", srv.URL, "-mode", "production"},
			wantCode:  1,
			wantLines: []string{`^ +FAIL setup \(0s\)$`, `^ +conformance: production mode needs the default admin: -admin-email and -admin-password$`, `^0 passed, 1 failed`},
		},
		{name: "no base url", args: admin, wantCode: 2},
		{name: "bad regexp", args: []string{"-base-url", srv.URL, "-run", "("}, wantCode: 2},
		{name: "unknown flag", args: []string{"-base-url", srv.URL, "-nope"}, wantCode: 2},
		{name: "stray argument", args: []string{"-base-url", srv.URL, "extra"}, wantCode: 2},
		{name: "unknown mode", args: []string{"-base-url", srv.URL, "-mode", "staging"}, wantCode: 2},
		{name: "bad limits", args: []string{"-base-url", srv.URL, "-limits", "register=lots"}, wantCode: 2},
		{name: "outage without restore", args: []string{"-base-url", srv.URL, "-outage-cmd", "true"}, wantCode: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, lines, stderr := runCLI(t, tc.args...)
			if code != tc.wantCode {
				t.Errorf("exit code %d, want %d; stderr: %s", code, tc.wantCode, stderr)
			}
			if tc.wantLines == nil {
				if len(lines) != 1 || lines[0] != "" || stderr == "" {
					t.Errorf("a usage error should print to stderr only; stdout %q", lines)
				}
				return
			}
			matchLines(t, lines, tc.wantLines)
		})
	}
}

// TestRunFindsTheMode runs without -mode and without the admin: a dev
// server is found out, a production server asks for the admin flags.
func TestRunFindsTheMode(t *testing.T) {
	dev, _ := liveServer(t, conformance.ModeDev, nil)
	code, lines, stderr := runCLI(t, "-base-url", dev.URL, "-run", `^A9_`)
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, lines, stderr)
	}
	matchLines(t, lines[:5], []string{`^zndraw-auth-conformance`, `^mode:   dev \(no admin was given and a newly registered user is a superuser\)$`, `^limits: off`,
		`^\[1/1\] PASS A9_logout_no_token`, `^1 passed, 0 failed, 0 skipped`})

	prod, svc := liveServer(t, conformance.ModeProduction, nil)
	code, lines, _ = runCLI(t, "-base-url", prod.URL)
	if code != 1 || len(lines) < 2 {
		t.Fatalf("exit %d: %s", code, lines)
	}
	m := regexp.MustCompile(`the server is in production mode: a newly registered user is not a superuser\. Pass -admin-email and -admin-password .*\(id ([0-9a-f-]{36})\), cannot delete itself`).FindStringSubmatch(lines[1])
	if m == nil {
		t.Fatalf("setup message %q", lines[1])
	}
	// Delete the user the run registered to find out, as the message asks.
	u, err := svc.GetUser(t.Context(), uuid.MustParse(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.DeleteUser(t.Context(), u, core.RequestMeta{}); err != nil {
		t.Fatal(err)
	}
}

// TestRunWithLimits runs against the kit's default limits: the CLI finds
// them, shows the budget it allows itself and reports what it took.
func TestRunWithLimits(t *testing.T) {
	srv, _ := liveServer(t, conformance.ModeProduction, nil, defaultLimits)
	path := filepath.Join(t.TempDir(), "report.json")
	code, lines, stderr := runCLI(t, "-base-url", srv.URL, "-admin-email", conformance.TestAdminEmail, "-admin-password", conformance.TestAdminPassword,
		"-run", `^(R7|LIM9|OPS2)_`, "-json", path)
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, lines, stderr)
	}
	matchLines(t, lines, []string{
		`^zndraw-auth-conformance against`,
		`^mode:   production`,
		`^limits: on: a second poll within the 1 s interval answered 429; the values are assumed to be the kit's defaults \(pass -limits if the server's differ\)$`,
		`^budget: at most half of each per-address limit: login 30/min of 60, register 50/h of 100, forgot-password 15/h of 30, request-verify-token 15/h of 30, cli-login 60/h of 120, reset-password 15/h of 30, email-change 10/h of 20, cli-code 15/h of 30$`,
		`^\[1/3\] PASS R7_register_new `,
		`^\[2/3\] SKIP LIM9_register_per_address: must exceed a per-address limit to see its 429, which would lock out real users behind the suite's address: let the server trust the suite as a proxy \(ZNDRAW_AUTH_TRUSTED_PROXIES\) and pass -forwarded-for`,
		`^\[3/3\] PASS OPS2_error_shapes `,
		`^2 passed, 0 failed, 1 skipped in `,
		`^taken from this address's limits: login 3 \(at most 3 in a min, allowed 30 of the limit 60/min\), register 4 of 50 \(limit 100/h\), forgot-password 0 of 15 \(limit 30/h\), request-verify-token 0 of 15 \(limit 30/h\), cli-login 1 of 60 \(limit 120/h\), reset-password 0 of 15 \(limit 30/h\), email-change 0 of 10 \(limit 20/h\), cli-code 0 of 15 \(limit 30/h\)$`,
	})
	rep := readReport(t, path)
	if rep.Passed != 2 || rep.Skipped != 1 || len(rep.Results) != 3 || rep.Mode != "production" || len(rep.Budget) != 8 || rep.DurationMS <= 0 {
		t.Fatalf("report %+v", rep)
	}
	if reg := rep.Budget[1]; reg.Name != "register" || reg.Used != 4 || reg.Allowed != 50 || reg.Limit != 100 || reg.Setting != "ZNDRAW_AUTH_RATE_LIMIT_REGISTER_PER_IP_PER_HOUR" {
		t.Errorf("register budget %+v", reg)
	}
}

func TestRunJSONReport(t *testing.T) {
	srv, _ := liveServer(t, conformance.ModeProduction, nil)
	path := filepath.Join(t.TempDir(), "report.json")
	code, lines, stderr := runCLI(t, "-base-url", srv.URL, "-admin-email", conformance.TestAdminEmail,
		"-admin-password", conformance.TestAdminPassword, "-run", `^(A9|Z10)_`, "-json", path)
	if code != 0 {
		t.Fatalf("exit code %d: %s%s", code, lines, stderr)
	}
	rep := readReport(t, path)
	if rep.Passed != 1 || rep.Failed != 0 || rep.Skipped != 1 || len(rep.Results) != 2 || rep.Limits != "off" {
		t.Fatalf("report %+v", rep)
	}
	first, second := rep.Results[0], rep.Results[1]
	if first.ID != "A9_logout_no_token" || first.Status != conformance.StatusPassed || first.Name == "" || first.DurationMS <= 0 {
		t.Errorf("first result %+v", first)
	}
	if second.ID != "Z10_dev_mode_register" || second.Status != conformance.StatusSkipped || second.Message != "dev mode only" {
		t.Errorf("second result %+v", second)
	}
}

// TestFailureShowsRequestAndAnswer breaks one answer of the server: the
// failure names the request (password masked) and the answer.
func TestFailureShowsRequestAndAnswer(t *testing.T) {
	srv, _ := liveServer(t, conformance.ModeProduction, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			if r.URL.Path == "/auth/register" && bytes.Contains(b, []byte(`"king.arthur"`)) {
				nethttpauth.Write(w, httpapi.JSON(400, map[string]string{"detail": "REGISTER_INVALID_EMAIL"}))
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(b))
			next.ServeHTTP(w, r)
		})
	})
	code, lines, _ := runCLI(t, "-base-url", srv.URL, "-admin-email", conformance.TestAdminEmail, "-admin-password", conformance.TestAdminPassword, "-run", `^R4_`)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, lines)
	}
	matchLines(t, lines[3:6], []string{
		`^\[1/1\] FAIL R4_register_invalid_email ` + dur + `$`,
		`^ {11}POST /auth/register \{"email":"king\.arthur","password":"…"\} → 400 \{"detail":"REGISTER_INVALID_EMAIL"\}: want status 422$`,
		`^0 passed, 1 failed, 0 skipped`,
	})
}

// readReport reads a -json report.
func readReport(t *testing.T, path string) report {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	return rep
}
