package httpapi_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
	"github.com/zincware/zndraw-auth-go/httpapi"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// register posts body as JSON to the register endpoint of a fresh API.
func register(t *testing.T, body string) *httpapi.Response {
	t.Helper()
	settings := core.DefaultSettings()
	settings.RateLimit.Enabled = false
	svc, err := core.New(memstore.New(), settings, core.WithHasher(password.New(password.TestParams)), core.WithLogger(slog.New(slog.DiscardHandler)))
	require.NoError(t, err)
	t.Cleanup(func() { _ = svc.Close() })
	api, err := httpapi.New(httpapi.Config{Service: svc, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	for _, ep := range api.Endpoints() {
		if ep.Path == "/auth/register" {
			return ep.Handle(&httpapi.Request{
				Context: context.Background(), Method: "POST", Body: []byte(body), RemoteAddr: "192.0.2.1:1",
				Headers: http.Header{"Content-Type": {"application/json"}},
			})
		}
	}
	t.Fatal("no register endpoint")
	return nil
}

// items decodes a 422 body.
func items(t *testing.T, r *httpapi.Response) []httpapi.ValidationError {
	t.Helper()
	require.Equal(t, 422, r.Status, string(r.Body))
	var out struct{ Detail []httpapi.ValidationError }
	require.NoError(t, json.Unmarshal(r.Body, &out))
	return out.Detail
}

// TestDeepJSONIsRefused: a body nested deeper than MaxJSONDepth is a small
// 400 "There was an error parsing the body" (FastAPI's answer when
// Python's parser gives up), wherever the nesting is; up to the bound the
// body is validated as usual, and brackets inside strings do not count.
func TestDeepJSONIsRefused(t *testing.T) {
	nest := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	for _, body := range []string{
		`{"email":` + nest(10000) + `,"password":"long-enough"}`,
		nest(10000),
		`{"a":` + nest(httpapi.MaxJSONDepth) + `}`,
		strings.Repeat(`{"a":`, 5000), // unterminated as well
	} {
		r := register(t, body)
		t.Logf("%d-byte body nested too deep: %d %s", len(body), r.Status, r.Body)
		assert.Equal(t, 400, r.Status)
		assert.JSONEq(t, `{"detail":"There was an error parsing the body"}`, string(r.Body))
	}
	r := register(t, `{"email":`+nest(httpapi.MaxJSONDepth-1)+`,"password":"long-enough"}`)
	it := items(t, r)
	require.Len(t, it, 1)
	assert.Equal(t, "string_type", it[0].Type)
	assert.Equal(t, nest(httpapi.MaxJSONDepth-1), string(it[0].Input))
	r = register(t, `{"email":"`+strings.Repeat("[", 10000)+`@example.com","password":"long-enough"}`)
	assert.Equal(t, 422, r.Status, "brackets in a string are not nesting")
}

// TestEchoedInputIsBounded: an invalid input longer than
// MaxEchoedInputBytes is echoed as a string of its first
// MaxEchoedInputChars characters and "…", so a 1 MiB body never comes back
// whole (once per field); shorter inputs are echoed as they are.
func TestEchoedInputIsBounded(t *testing.T) {
	bigArray := "[" + strings.Repeat("1,", 200_000) + "1]"
	bigString := strings.Repeat("é", 100_000)
	body := `{"email":` + bigArray + `,"password":"` + bigString + `"}`
	r := register(t, body)
	assert.Less(t, len(r.Body), 4096, "the answer stays small")
	t.Logf("%d-byte body with an invalid 400 KB value: %d-byte 422", len(body), len(r.Body))
	it := items(t, r)
	require.Len(t, it, 1)
	assert.Equal(t, "string_type", it[0].Type)
	var echoed string
	require.NoError(t, json.Unmarshal(it[0].Input, &echoed))
	assert.Equal(t, bigArray[:httpapi.MaxEchoedInputChars]+"…", echoed)

	r = register(t, `{"email":"`+bigString+`@example.com","password":"long-enough"}`)
	it = items(t, r)
	require.Len(t, it, 1)
	require.NoError(t, json.Unmarshal(it[0].Input, &echoed))
	assert.Equal(t, strings.Repeat("é", httpapi.MaxEchoedInputChars)+"…", echoed)

	// A model's missing field echoes the whole object: bounded as well.
	r = register(t, `{"junk":"`+strings.Repeat("x", 500_000)+`"}`)
	assert.Less(t, len(r.Body), 4096)
	for _, item := range items(t, r) {
		assert.LessOrEqual(t, len(item.Input), httpapi.MaxEchoedInputChars*6+8)
	}

	// Below the bound nothing changes.
	r = register(t, `{"email":[1,2,3],"password":"long-enough"}`)
	assert.Equal(t, `[1,2,3]`, string(items(t, r)[0].Input))
}
