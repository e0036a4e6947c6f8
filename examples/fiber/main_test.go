package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	fiberauth "github.com/zincware/zndraw-auth-go/adapters/fiber"
	"github.com/zincware/zndraw-auth-go/conformance"
	"github.com/zincware/zndraw-auth-go/httpapi"
	"github.com/zincware/zndraw-auth-go/internal/conntest"
	"github.com/zincware/zndraw-auth-go/internal/fibertest"
	"github.com/zincware/zndraw-auth-go/internal/kittest"
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

// TestTheServer: the example started as main starts it serves the whole
// product (the README's promise, on fiber).
func TestTheServer(t *testing.T) {
	t.Setenv("ZNDRAW_AUTH_DEFAULT_ADMIN_EMAIL", "")
	base, _ := kittest.StartExample(t, run, "-database-url", "memory://")
	kittest.CheckProduct(t, base)
}

// TestSlowClientsAreCut: with the limits newApp takes (the defaults in
// main, scaled down here), fasthttp closes a connection that trickles its
// headers or its body within Read, and an idle keep-alive one within Idle.
func TestSlowClientsAreCut(t *testing.T) {
	svc, _, _, _ := conformance.NewTestService(t, conformance.ModeProduction, memstore.New())
	kit, err := fiberauth.New(httpapi.Config{Service: svc})
	if err != nil {
		t.Fatal(err)
	}
	limits := serve.Timeouts{Read: 500 * time.Millisecond, Write: 2 * time.Second, Idle: 400 * time.Millisecond}
	addr := strings.TrimPrefix(fibertest.Serve(t, newApp(kit, limits)), "http://")
	const slack = 2 * time.Second
	for _, tc := range []struct {
		name  string
		limit time.Duration
		run   func() time.Duration
	}{
		{"slow header", limits.Read, func() time.Duration { return conntest.SlowHeader(t, addr, limits.Read+slack) }},
		{"slow body", limits.Read, func() time.Duration { return conntest.SlowBody(t, addr, "/auth/register", limits.Read+slack) }},
		{"idle keep-alive", limits.Idle, func() time.Duration { return conntest.Idle(t, addr, "/healthz", limits.Idle+slack) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.run(); got < tc.limit/2 {
				t.Errorf("closed after %s, long before the limit %s", got, tc.limit)
			}
		})
	}
}
