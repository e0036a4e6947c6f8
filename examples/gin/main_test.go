package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	ginauth "github.com/zincware/zndraw-auth-go/adapters/gin"
	"github.com/zincware/zndraw-auth-go/conformance"
	"github.com/zincware/zndraw-auth-go/httpapi"
	"github.com/zincware/zndraw-auth-go/internal/kittest"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// TestExampleServer runs the conformance suite, demo routes included,
// against the example's router, and checks the host's own routes.
func TestExampleServer(t *testing.T) {
	gin.SetMode(gin.TestMode)
	svc, _, _, target := conformance.NewTestService(t, conformance.ModeProduction, memstore.New())
	kit, err := ginauth.New(httpapi.Config{Service: svc})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(newRouter(kit))
	t.Cleanup(srv.Close)
	for _, tc := range []struct {
		path, ctype, body string
		status            int
	}{
		{"/healthz", "application/json; charset=utf-8", `{"status":"ok"}`, http.StatusOK},
		{"/nope", "application/json", `{"detail":"Not Found"}`, http.StatusNotFound},
		{"/healthz/", "application/json", `{"detail":"Not Found"}`, http.StatusNotFound},
		{"/protected", "application/json", `{"detail":"Unauthorized"}`, http.StatusUnauthorized},
		{"/protected/optional", "application/json", `{"user":null}`, http.StatusOK},
	} {
		resp, err := http.Get(srv.URL + tc.path)
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
	target.BaseURL = srv.URL
	conformance.Run(t, target)
}

// TestTheServer: the example started as main starts it serves the whole
// product (the README's promise, on gin).
func TestTheServer(t *testing.T) {
	gin.SetMode(gin.TestMode)
	t.Setenv("ZNDRAW_AUTH_DEFAULT_ADMIN_EMAIL", "")
	base, _ := kittest.StartExample(t, run, "-database-url", "memory://")
	kittest.CheckProduct(t, base)
}
