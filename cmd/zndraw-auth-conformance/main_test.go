package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/conformance"
	"github.com/zincware/zndraw-auth-go/httpapi"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// liveServer serves the kit in production mode on a real listener.
func liveServer(t *testing.T) *httptest.Server {
	t.Helper()
	svc, _, _, _ := conformance.NewTestService(t, conformance.ModeProduction, memstore.New())
	kit, err := nethttpauth.New(httpapi.Config{Service: svc})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	kit.Mount(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestRun(t *testing.T) {
	srv := liveServer(t)
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	}))
	t.Cleanup(broken.Close)
	admin := []string{"-admin-email", conformance.TestAdminEmail, "-admin-password", conformance.TestAdminPassword}
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
			wantLines: []string{
				`^PASS A1_login_empty_form \([0-9.]+[µm]?s\)$`,
				`^PASS Z26_cli_create \([0-9.]+[µm]?s\)$`,
				`^PASS Z27_cli_poll_pending \([0-9.]+[µm]?s\)$`,
				`^3 passed, 0 failed, 0 skipped$`,
			},
		},
		{
			name:      "skipped case",
			args:      append([]string{"-base-url", srv.URL, "-run", `^Z10_`}, admin...),
			wantCode:  0,
			wantLines: []string{`^SKIP Z10_dev_mode_register: dev mode only$`, `^0 passed, 0 failed, 1 skipped$`},
		},
		{
			name:      "failing server",
			args:      append([]string{"-base-url", broken.URL}, admin...),
			wantCode:  1,
			wantLines: []string{`^FAIL setup \([0-9.]+[µm]?s\): POST /auth/jwt/login → 500 `, `^0 passed, 1 failed, 0 skipped$`},
		},
		{name: "no base url", args: admin, wantCode: 2},
		{name: "bad regexp", args: []string{"-base-url", srv.URL, "-run", "("}, wantCode: 2},
		{name: "unknown flag", args: []string{"-base-url", srv.URL, "-nope"}, wantCode: 2},
		{name: "stray argument", args: []string{"-base-url", srv.URL, "extra"}, wantCode: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), tc.args, &stdout, &stderr)
			if code != tc.wantCode {
				t.Errorf("exit code %d, want %d; stderr: %s", code, tc.wantCode, stderr.String())
			}
			if tc.wantLines == nil {
				if stdout.Len() != 0 || stderr.Len() == 0 {
					t.Errorf("a usage error should print to stderr only; stdout %q", stdout.String())
				}
				return
			}
			lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
			if len(lines) != len(tc.wantLines) {
				t.Fatalf("stdout:\n%s\nwant %d lines", stdout.String(), len(tc.wantLines))
			}
			for i, re := range tc.wantLines {
				if !regexp.MustCompile(re).MatchString(lines[i]) {
					t.Errorf("line %d = %q, want %s", i, lines[i], re)
				}
			}
		})
	}
}

func TestRunJSONReport(t *testing.T) {
	srv := liveServer(t)
	path := filepath.Join(t.TempDir(), "report.json")
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), []string{"-base-url", srv.URL, "-admin-email", conformance.TestAdminEmail,
		"-admin-password", conformance.TestAdminPassword, "-run", `^(A9|Z10)_`, "-json", path}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit code %d: %s%s", code, stdout.String(), stderr.String())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Passed != 1 || rep.Failed != 0 || rep.Skipped != 1 || len(rep.Results) != 2 {
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
