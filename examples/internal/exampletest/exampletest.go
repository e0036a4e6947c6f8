// Package exampletest holds what the example servers' tests share.
package exampletest

import (
	"net/http/httptest"
	"testing"

	"github.com/zincware/zndraw-auth-go/internal/httpsend"
)

// Do sends one request to srv and returns the status and the raw body. A
// url.Values body is sent as a form, any other non-nil body as JSON; token,
// when not "", as a bearer token. Any error fails t.
func Do(t testing.TB, srv *httptest.Server, method, path, token string, body any) (int, string) {
	t.Helper()
	status, raw, err := httpsend.Do(t.Context(), srv.Client(), method, srv.URL+path, token, body)
	if err != nil {
		t.Fatal(err)
	}
	return status, string(raw)
}
