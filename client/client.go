package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Prefixes are the server's mount points of the route groups. Zero fields
// take the reference's defaults (DefaultPrefixes).
type Prefixes struct {
	JWT      string // login, logout: default /auth/jwt
	Register string // register: default /auth
	Users    string // users router: default /users
	CLILogin string // CLI login: default /auth/cli-login
}

// DefaultPrefixes returns zndraw-auth's mount points.
func DefaultPrefixes() Prefixes {
	return Prefixes{JWT: "/auth/jwt", Register: "/auth", Users: "/users", CLILogin: "/auth/cli-login"}
}

// Client talks to one zndraw-auth server. It is safe for concurrent use.
type Client struct {
	base      *url.URL
	root      string // base URL without a trailing slash
	hc        *http.Client
	prefixes  Prefixes
	userAgent string
	sleep     func(context.Context, time.Duration) error
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sends requests with hc instead of http.DefaultClient.
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.hc = hc } }

// WithPrefixes sets the server's mount points; zero fields keep the
// defaults.
func WithPrefixes(p Prefixes) Option { return func(c *Client) { c.prefixes = p } }

// WithUserAgent sets the User-Agent header of every request. The server
// shows it on the CLI login approval page, so name your tool.
func WithUserAgent(ua string) Option { return func(c *Client) { c.userAgent = ua } }

// WithSleep replaces the wait between two polls of WaitCLILogin (default: a
// timer that ends early when ctx is done). Tests use it to poll without
// sleeping; sleep must return ctx.Err() when ctx is done.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(c *Client) { c.sleep = sleep }
}

// DefaultUserAgent is the User-Agent sent without WithUserAgent.
const DefaultUserAgent = "zndraw-auth-go-client"

// New returns a client for the server at baseURL (e.g.
// "https://zndraw.example.com" or "http://127.0.0.1:8000/api"); route paths
// are appended to it. An unparsable baseURL makes every call fail.
func New(baseURL string, opts ...Option) *Client {
	c := &Client{hc: http.DefaultClient, prefixes: DefaultPrefixes(), userAgent: DefaultUserAgent, sleep: sleepCtx}
	c.root = strings.TrimSuffix(baseURL, "/")
	if u, err := url.Parse(c.root + "/"); err == nil && u.Scheme != "" && u.Host != "" {
		c.base = u
	}
	for _, o := range opts {
		o(c)
	}
	def := DefaultPrefixes()
	fill := func(p *string, d string) {
		if *p == "" {
			*p = d
		}
		*p = "/" + strings.Trim(*p, "/")
	}
	fill(&c.prefixes.JWT, def.JWT)
	fill(&c.prefixes.Register, def.Register)
	fill(&c.prefixes.Users, def.Users)
	fill(&c.prefixes.CLILogin, def.CLILogin)
	if c.hc == nil {
		c.hc = http.DefaultClient
	}
	return c
}

// BaseURL returns the server's base URL as given to New, without a trailing
// slash.
func (c *Client) BaseURL() string { return c.root }

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// User is a user as the server shows it (UserRead).
type User struct {
	ID          string `json:"id"`
	Email       string `json:"email"`
	IsActive    bool   `json:"is_active"`
	IsSuperuser bool   `json:"is_superuser"`
	IsVerified  bool   `json:"is_verified"`
}

// request describes one call.
type request struct {
	method, path string
	query        url.Values
	token        string
	contentType  string
	body         []byte
}

// do sends r and decodes a 2xx JSON answer into out (when out is not nil).
// Other answers become an *Error.
func (c *Client) do(ctx context.Context, r request, out any) error {
	if c.base == nil {
		return fmt.Errorf("zndraw-auth: invalid base URL %q", c.root)
	}
	u := c.root + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, body)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) && len(r.query) > 0 {
			// The poll's query holds the secret: keep it out of messages.
			ue.URL = c.root + r.path + "?…"
		}
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return parseError(resp, data)
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("zndraw-auth: %s %s: decoding the answer: %w", r.method, r.path, err)
	}
	return nil
}

// parseError reads an error answer.
func parseError(resp *http.Response, data []byte) *Error {
	e := &Error{Status: resp.StatusCode, RetryAfter: retryAfter(resp.Header.Get("Retry-After"))}
	var env struct {
		Detail json.RawMessage `json:"detail"`
	}
	if json.Unmarshal(data, &env) != nil || len(env.Detail) == 0 {
		e.Body = string(data[:min(len(data), 512)])
		return e
	}
	var s string
	var obj struct {
		Code   string `json:"code"`
		Reason string `json:"reason"`
	}
	switch {
	case json.Unmarshal(env.Detail, &s) == nil:
		e.Code = s
	case json.Unmarshal(env.Detail, &e.Validation) == nil:
	case json.Unmarshal(env.Detail, &obj) == nil && obj.Code != "":
		e.Code, e.Reason = obj.Code, obj.Reason
	default:
		e.Body = string(data[:min(len(data), 512)])
	}
	return e
}

// retryAfter parses a Retry-After header given in seconds (the server's
// form); a date or garbage is 0.
func retryAfter(v string) time.Duration {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 {
		return 0
	}
	return time.Duration(n) * time.Second
}

// Register creates an account (POST {Register}/register) and returns it.
// Errors: ErrUserAlreadyExists, ErrInvalidPassword, ErrValidation.
func (c *Client) Register(ctx context.Context, email, password string) (*User, error) {
	b, err := json.Marshal(map[string]string{"email": email, "password": password})
	if err != nil {
		return nil, err
	}
	var u User
	err = c.do(ctx, request{method: http.MethodPost, path: c.prefixes.Register + "/register", contentType: "application/json", body: b}, &u)
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// Login exchanges an email and password for an access token (POST
// {JWT}/login, form-encoded as the server requires). Errors:
// ErrBadCredentials, ErrUserNotVerified, ErrTooManyRequests.
func (c *Client) Login(ctx context.Context, email, password string) (string, error) {
	form := url.Values{"username": {email}, "password": {password}}
	var out struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
	}
	err := c.do(ctx, request{method: http.MethodPost, path: c.prefixes.JWT + "/login",
		contentType: "application/x-www-form-urlencoded", body: []byte(form.Encode())}, &out)
	if err != nil {
		return "", err
	}
	if out.AccessToken == "" {
		return "", errors.New("zndraw-auth: login answer has no access_token")
	}
	return out.AccessToken, nil
}

// Me returns the user the token belongs to (GET {Users}/me). Errors:
// ErrUnauthorized.
func (c *Client) Me(ctx context.Context, token string) (*User, error) {
	var u User
	if err := c.do(ctx, request{method: http.MethodGet, path: c.prefixes.Users + "/me", token: token}, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// Logout revokes the token (POST {JWT}/logout). Errors: ErrUnauthorized.
func (c *Client) Logout(ctx context.Context, token string) error {
	return c.do(ctx, request{method: http.MethodPost, path: c.prefixes.JWT + "/logout", token: token}, nil)
}
