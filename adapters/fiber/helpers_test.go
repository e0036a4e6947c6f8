package fiberauth_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// result is an answer, read in full.
type result struct {
	status int
	header http.Header
	body   string
	close  bool // the server closes the connection after this answer
}

// do sends one request to base+target.
func do(t *testing.T, base, method, target, token, ctype, body string, edit ...func(*http.Request)) result {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, base+target, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for _, e := range edit {
		e(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return result{resp.StatusCode, resp.Header, string(b), resp.Close}
}
