package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/conformance"
	"github.com/zincware/zndraw-auth-go/httpapi"
	"github.com/zincware/zndraw-auth-go/internal/kittest"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// TestTheReadmeServer: the server of the README's first command, started
// as main starts it on a fresh machine (dev mode, a SQLite file, no
// ZNDRAW_AUTH_* set), serves the whole product, says what it did at
// startup, and shuts down cleanly.
func TestTheReadmeServer(t *testing.T) {
	t.Setenv("ZNDRAW_AUTH_DEFAULT_ADMIN_EMAIL", "")
	base, logs := kittest.StartExample(t, run, "-database-url", "sqlite:///"+filepath.Join(t.TempDir(), "zndraw-auth.db"))
	kittest.CheckProduct(t, base)
	for _, want := range []string{"DEV MODE", "public default", "database schema migrated", "listening on " + base} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("the startup log lacks %q:\n%s", want, logs.String())
		}
	}
	resp, err := http.Get(base + "/nope")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || string(body) != `{"detail":"Not Found"}` {
		t.Errorf("GET /nope: %d %s", resp.StatusCode, body)
	}
}

// TestTheReadmeServerFlags: each part can be turned off.
func TestTheReadmeServerFlags(t *testing.T) {
	t.Setenv("ZNDRAW_AUTH_DEFAULT_ADMIN_EMAIL", "")
	base, _ := kittest.StartExample(t, run, "-database-url", "memory://", "-approval-page=false", "-openapi=false", "-register=false")
	resp, err := http.Get(base + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /openapi.json: %d, want 404", resp.StatusCode)
	}
	// Without the page, the path is the poll route's, code "approve".
	resp, err = http.Get(base + "/auth/cli-login/approve")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusUnprocessableEntity || ct != "application/json" {
		t.Errorf("GET /auth/cli-login/approve: %d %s, want the poll route's 422", resp.StatusCode, ct)
	}
	resp, err = http.Post(base+"/auth/register", "application/json", strings.NewReader(`{"email":"a@example.com","password":"correct horse"}`))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("POST /auth/register with -register=false: %d, want 404", resp.StatusCode)
	}
}

// TestStartupErrors: a database that cannot be opened stops the server
// with a one-line error naming it.
func TestStartupErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing", "auth.db")
	fs := newFlags(t, "-addr", "127.0.0.1:0", "-database-url", "sqlite:///"+missing)
	err := run(t.Context(), fs, quietLogger())
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), filepath.Dir(missing)) {
		t.Errorf("run = %v", err)
	}
}

// TestExampleServer runs the conformance suite, demo routes included,
// against the example's handler.
func TestExampleServer(t *testing.T) {
	svc, _, _, target := conformance.NewTestService(t, conformance.ModeProduction, memstore.New())
	kit, err := nethttpauth.New(httpapi.Config{Service: svc})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(newMux(kit))
	t.Cleanup(srv.Close)
	target.BaseURL = srv.URL
	conformance.Run(t, target)
}
