package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"
)

// CLIChallenge is a started CLI login. Show Code and ApproveURL to the user;
// keep Secret to yourself (String leaves it out).
type CLIChallenge struct {
	// Code is the 8-character code the user checks on the approval page.
	Code string
	// Secret is the poll secret; only this client knows it.
	Secret string
	// ApproveURL is the server's approve_url made absolute against the base
	// URL: the approval page with the code prefilled when the server has
	// one, else (on the reference) the API route that approves.
	ApproveURL string
	// ExpiresIn is the challenge's lifetime (0 if the server does not say).
	ExpiresIn time.Duration
	// Interval is the server's minimum time between two polls (0 if the
	// server does not say; WaitCLILogin then waits 5 s as RFC 8628 says).
	Interval time.Duration
}

// String shows the code and URL, never the secret, so a challenge printed
// by mistake leaks nothing.
func (ch CLIChallenge) String() string {
	return fmt.Sprintf("CLI login %s at %s", ch.Code, ch.ApproveURL)
}

// StartCLILogin creates a CLI login challenge (POST {CLILogin}).
func (c *Client) StartCLILogin(ctx context.Context) (*CLIChallenge, error) {
	var out struct {
		Code       string `json:"code"`
		Secret     string `json:"secret"`
		ApproveURL string `json:"approve_url"`
		ExpiresIn  *int64 `json:"expires_in"`
		Interval   *int64 `json:"interval"`
	}
	if err := c.do(ctx, request{method: http.MethodPost, path: c.prefixes.CLILogin}, &out); err != nil {
		return nil, err
	}
	if out.Code == "" || out.Secret == "" {
		return nil, errors.New("zndraw-auth: CLI login answer lacks code or secret")
	}
	ch := &CLIChallenge{Code: out.Code, Secret: out.Secret, ApproveURL: out.ApproveURL}
	if ref, err := url.Parse(out.ApproveURL); err == nil {
		ch.ApproveURL = c.base.ResolveReference(ref).String()
	}
	if out.ExpiresIn != nil && *out.ExpiresIn > 0 {
		ch.ExpiresIn = time.Duration(*out.ExpiresIn) * time.Second
	}
	if out.Interval != nil && *out.Interval > 0 {
		ch.Interval = time.Duration(*out.Interval) * time.Second
	}
	return ch, nil
}

// CLIStatus is the answer to one poll.
type CLIStatus struct {
	// Status is "pending" or "approved".
	Status string `json:"status"`
	// Token is the access token, set once when the login is approved.
	Token string `json:"token"`
}

// PollCLILogin asks once whether the login was approved (GET
// {CLILogin}/{code}?secret=...). Most callers use WaitCLILogin.
func (c *Client) PollCLILogin(ctx context.Context, ch *CLIChallenge) (*CLIStatus, error) {
	var st struct {
		Status string  `json:"status"`
		Token  *string `json:"token"`
	}
	err := c.do(ctx, request{method: http.MethodGet, path: c.prefixes.CLILogin + "/" + url.PathEscape(ch.Code),
		query: url.Values{"secret": {ch.Secret}}}, &st)
	if err != nil {
		return nil, err
	}
	out := &CLIStatus{Status: st.Status}
	if st.Token != nil {
		out.Token = *st.Token
	}
	return out, nil
}

// Polling constants of WaitCLILogin (RFC 8628 §3.5).
const (
	// DefaultPollInterval is the wait when the server announces none.
	DefaultPollInterval = 5 * time.Second
	// MinPollInterval is the shortest wait, whatever the server says.
	MinPollInterval = time.Second
	// SlowDownStep is added to the interval after every 429 (slow_down).
	SlowDownStep = 5 * time.Second
	// maxTransient is how many failed polls in a row (network errors, 502,
	// 503, 504) WaitCLILogin tolerates before it gives up.
	maxTransient = 5
)

// WaitCLILogin polls until the login is approved and returns the access
// token. It waits the challenge's Interval between polls (5 s when the
// server gives none, at least 1 s); a 429 adds 5 s to the interval for this
// and every later poll (RFC 8628's slow_down) and its Retry-After is
// honoured. onTick (may be nil) is called about once a second with the time
// waited so far, for a progress display. It stops with:
//   - an error matching ErrChallengeNotFound when the login was denied in the
//     browser or its token was already collected;
//   - an error matching ErrChallengeExpired when nobody approved in time;
//   - ctx.Err() when ctx is done;
//   - the last error after a few network failures or 502/503/504 in a row.
func (c *Client) WaitCLILogin(ctx context.Context, ch *CLIChallenge, onTick func(elapsed time.Duration)) (string, error) {
	interval := ch.Interval
	switch {
	case interval <= 0:
		interval = DefaultPollInterval
	case interval < MinPollInterval:
		interval = MinPollInterval
	}
	var elapsed time.Duration
	wait, transient := interval, 0
	for {
		for left := wait; left > 0; {
			step := min(left, time.Second)
			if err := c.sleep(ctx, step); err != nil {
				return "", err
			}
			if err := ctx.Err(); err != nil {
				return "", err
			}
			left -= step
			elapsed += step
			if onTick != nil {
				onTick(elapsed)
			}
		}
		wait = interval
		st, err := c.PollCLILogin(ctx, ch)
		if err == nil {
			transient = 0
			if st.Token != "" {
				return st.Token, nil
			}
			continue
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return "", ctxErr
		}
		var e *Error
		isAPI := errors.As(err, &e)
		switch {
		case isAPI && e.Status == http.StatusTooManyRequests:
			transient = 0
			interval += SlowDownStep
			wait = max(interval, e.RetryAfter)
		case errors.Is(err, ErrChallengeNotFound):
			return "", fmt.Errorf("the CLI login was denied, or its code was already used: %w", err)
		case errors.Is(err, ErrChallengeExpired):
			return "", fmt.Errorf("the CLI login expired before it was approved: %w", err)
		case transient < maxTransient && isTransient(err, e):
			transient++
			if isAPI && e.RetryAfter > wait {
				wait = e.RetryAfter
			}
		default:
			return "", err
		}
	}
}

// isTransient reports whether a failed poll is worth repeating.
func isTransient(err error, e *Error) bool {
	if e != nil {
		return e.Status == http.StatusBadGateway || e.Status == http.StatusServiceUnavailable || e.Status == http.StatusGatewayTimeout
	}
	var ne net.Error
	var ue *url.Error
	return errors.As(err, &ne) || errors.As(err, &ue)
}

// ApproveCLILogin approves a CLI login as the token's user (PATCH
// {CLILogin}/{code}), what the approval page does in a browser. Errors:
// ErrUnauthorized, ErrChallengeNotFound, ErrChallengeExpired.
func (c *Client) ApproveCLILogin(ctx context.Context, token, code string) error {
	return c.do(ctx, request{method: http.MethodPatch, path: c.prefixes.CLILogin + "/" + url.PathEscape(code), token: token}, nil)
}

// RejectCLILogin denies a CLI login (DELETE {CLILogin}/{code}). Errors:
// ErrUnauthorized, ErrChallengeNotFound.
func (c *Client) RejectCLILogin(ctx context.Context, token, code string) error {
	return c.do(ctx, request{method: http.MethodDelete, path: c.prefixes.CLILogin + "/" + url.PathEscape(code), token: token}, nil)
}
