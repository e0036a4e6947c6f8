// Package httpsend sends one HTTP request with a JSON or form body and a
// bearer token, and reads the whole answer: what the example servers'
// tests and the load harness's propagation measurement both do.
package httpsend

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Do sends method url with body and returns the status and the raw body.
// A url.Values body is sent as a form, any other non-nil body as JSON;
// token, when not "", as a bearer token.
func Do(ctx context.Context, c *http.Client, method, url, token string, body any) (int, []byte, error) {
	rd, ctype, err := encode(body)
	if err != nil {
		return 0, nil, err
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0, nil, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, raw, err
}

// encode returns body's reader and content type.
func encode(body any) (io.Reader, string, error) {
	switch b := body.(type) {
	case nil:
		return nil, "", nil
	case url.Values:
		return strings.NewReader(b.Encode()), "application/x-www-form-urlencoded", nil
	}
	j, err := json.Marshal(body)
	if err != nil {
		return nil, "", err
	}
	return bytes.NewReader(j), "application/json", nil
}
