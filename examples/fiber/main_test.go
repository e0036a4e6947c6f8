package main

import (
	"io"
	"net/http"
	"testing"

	fiberauth "github.com/zincware/zndraw-auth-go/adapters/fiber"
	"github.com/zincware/zndraw-auth-go/conformance"
	"github.com/zincware/zndraw-auth-go/httpapi"
	"github.com/zincware/zndraw-auth-go/internal/fibertest"
	"github.com/zincware/zndraw-auth-go/serve"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// TestExampleServer runs the conformance suite, demo routes included,
// against the example's app served natively on a loopback listener, and
// checks the host's own routes.
func TestExampleServer(t *testing.T) {
	svc, _, _, target := conformance.NewTestService(t, conformance.ModeProduction, memstore.New())
	kit, err := fiberauth.New(httpapi.Config{Service: svc})
	if err != nil {
		t.Fatal(err)
	}
	app := newApp(kit, serve.DefaultTimeouts())
	base := fibertest.Serve(t, app)
	for _, tc := range []struct {
		path, ctype, body string
		status            int
	}{
		{"/healthz", "application/json", `{"status":"ok"}`, http.StatusOK},
		{"/nope", "application/json", `{"detail":"Not Found"}`, http.StatusNotFound},
		{"/healthz/", "application/json", `{"detail":"Not Found"}`, http.StatusNotFound},
		{"/protected", "application/json", `{"detail":"Unauthorized"}`, http.StatusUnauthorized},
		{"/protected/optional", "application/json", `{"user":null}`, http.StatusOK},
	} {
		resp, err := http.Get(base + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != tc.status || resp.Header.Get("Content-Type") != tc.ctype || string(b) != tc.body {
			t.Errorf("GET %s: %d %q %s, want %d %q %s", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), b,
				tc.status, tc.ctype, tc.body)
		}
	}
	// The suite's 100 KB Authorization header exceeds the example's 64 KiB
	// header limit; that case accepts any 4xx.
	target.BaseURL = base
	conformance.Run(t, target)
}
