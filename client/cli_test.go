package client_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/zincware/zndraw-auth-go/client"
	"github.com/zincware/zndraw-auth-go/httpapi"
)

func TestStartCLILogin(t *testing.T) {
	s := newServer(t, httpapi.Config{})
	ch, err := client.New(s.url).StartCLILogin(t.Context())
	require.NoError(t, err)
	require.Len(t, ch.Code, 8)
	require.Len(t, ch.Secret, 43)
	require.Equal(t, s.url+"/auth/cli-login/"+ch.Code, ch.ApproveURL, "approve_url is made absolute")
	require.Equal(t, 300*time.Second, ch.ExpiresIn)
	require.Equal(t, time.Second, ch.Interval)
	for _, shown := range []string{ch.String(), fmt.Sprint(ch), fmt.Sprintf("%+v", *ch)} {
		require.NotContains(t, shown, ch.Secret)
		require.Contains(t, shown, ch.Code)
	}
}

func TestStartCLILoginAbsoluteApproveURL(t *testing.T) {
	s := newServer(t, httpapi.Config{ApproveURL: func(code string) string { return "https://login.example.com/device?code=" + code }})
	ch, err := client.New(s.url).StartCLILogin(t.Context())
	require.NoError(t, err)
	require.Equal(t, "https://login.example.com/device?code="+ch.Code, ch.ApproveURL)
}

// TestWaitCLILogin runs the whole flow against the kit; the injected sleep
// moves the server's clock and plays the browser user after some waits.
func TestWaitCLILogin(t *testing.T) {
	cases := []struct {
		name    string
		browser func(s *server, c *client.Client, token, code string, n int) // after wait n
		wantErr error
		polls   int // waits of 1 s expected (the server's interval)
	}{
		{
			name: "approved on the third wait",
			browser: func(s *server, c *client.Client, token, code string, n int) {
				if n == 3 {
					require.NoError(t, c.ApproveCLILogin(context.Background(), token, code))
				}
			},
			polls: 3,
		},
		{
			name: "denied",
			browser: func(s *server, c *client.Client, token, code string, n int) {
				if n == 2 {
					require.NoError(t, c.RejectCLILogin(context.Background(), token, code))
				}
			},
			wantErr: client.ErrChallengeNotFound, polls: 2,
		},
		{
			name: "expired",
			browser: func(s *server, c *client.Client, token, code string, n int) {
				if n == 4 {
					s.clock.Advance(300 * time.Second)
				}
			},
			wantErr: client.ErrChallengeExpired, polls: 4,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, httpapi.Config{})
			browserUser := s.userToken(t, "alice@example.com")
			fs := &fakeSleep{clock: s.clock}
			c := client.New(s.url, client.WithSleep(fs.sleep))
			ch, err := c.StartCLILogin(t.Context())
			require.NoError(t, err)
			fs.after = func(n int) { tc.browser(s, c, browserUser, ch.Code, n) }
			var ticks []time.Duration
			token, err := c.WaitCLILogin(t.Context(), ch, func(d time.Duration) { ticks = append(ticks, d) })
			require.Equal(t, tc.polls, len(fs.waits))
			require.Equal(t, time.Duration(tc.polls)*time.Second, fs.total())
			require.Len(t, ticks, tc.polls)
			require.Equal(t, time.Duration(tc.polls)*time.Second, ticks[len(ticks)-1])
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				require.Empty(t, token)
				return
			}
			require.NoError(t, err)
			me, err := c.Me(t.Context(), token)
			require.NoError(t, err)
			require.Equal(t, "alice@example.com", me.Email)
			// The token was handed out once: a replayed poll is a 404.
			_, err = c.PollCLILogin(t.Context(), ch)
			require.ErrorIs(t, err, client.ErrChallengeNotFound)
		})
	}
}

func TestWaitCLILoginCancel(t *testing.T) {
	s := newServer(t, httpapi.Config{})
	ctx, cancel := context.WithCancel(t.Context())
	fs := &fakeSleep{clock: s.clock, after: func(n int) {
		if n == 2 {
			cancel()
		}
	}}
	c := client.New(s.url, client.WithSleep(fs.sleep))
	ch, err := c.StartCLILogin(t.Context())
	require.NoError(t, err)
	_, err = c.WaitCLILogin(ctx, ch, nil)
	require.ErrorIs(t, err, context.Canceled)
	require.Len(t, fs.waits, 2)
}

// TestWaitCLILoginRealSleep checks the default sleep ends early when the
// context is done (a 5 s interval would otherwise block the test).
func TestWaitCLILoginRealSleep(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := client.New("http://127.0.0.1:1").WaitCLILogin(ctx, &client.CLIChallenge{Code: "X", Secret: "Y"}, nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Less(t, time.Since(start), 2*time.Second)
}

// scripted answers each poll with the next canned answer and records when
// (in the client's virtual time) each poll came.
type scripted struct {
	mu      sync.Mutex
	answers []string // "pending", "approved", "429:<retry-after>", "503", "404", "410"
	polls   int
}

func (sc *scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sc.mu.Lock()
	a := sc.answers[sc.polls]
	sc.polls++
	sc.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case a == "pending":
		_, _ = w.Write([]byte(`{"status":"pending","token":null}`))
	case a == "approved":
		_, _ = w.Write([]byte(`{"status":"approved","token":"the-token"}`))
	case strings.HasPrefix(a, "429:"):
		w.Header().Set("Retry-After", strings.TrimPrefix(a, "429:"))
		w.WriteHeader(429)
		_, _ = w.Write([]byte(`{"detail":"TOO_MANY_REQUESTS"}`))
	case a == "503":
		w.WriteHeader(503)
		_, _ = w.Write([]byte(`{"detail":"SERVICE_UNAVAILABLE"}`))
	case a == "404":
		w.WriteHeader(404)
		_, _ = w.Write([]byte(`{"detail":"Challenge not found"}`))
	case a == "410":
		w.WriteHeader(410)
		_, _ = w.Write([]byte(`{"detail":"Challenge expired"}`))
	}
}

func TestWaitCLILoginPolling(t *testing.T) {
	cases := []struct {
		name     string
		interval time.Duration
		answers  []string
		// waits are the pauses before each poll, in seconds.
		waits   []int
		wantErr error
	}{
		{name: "server interval", interval: 2 * time.Second, answers: []string{"pending", "approved"}, waits: []int{2, 2}},
		{name: "no interval: RFC 8628's 5 s", interval: 0, answers: []string{"pending", "approved"}, waits: []int{5, 5}},
		{name: "below 1 s: 1 s", interval: 200 * time.Millisecond, answers: []string{"approved"}, waits: []int{1}},
		{
			name: "slow_down adds 5 s for good", interval: time.Second,
			answers: []string{"pending", "429:1", "pending", "approved"}, waits: []int{1, 1, 6, 6},
		},
		{
			name: "a longer Retry-After is honoured once", interval: time.Second,
			answers: []string{"429:10", "pending", "approved"}, waits: []int{1, 10, 6},
		},
		{name: "transient 503s are retried", interval: time.Second, answers: []string{"503", "503", "approved"}, waits: []int{1, 1, 1}},
		{name: "too many 503s give up", interval: time.Second, answers: []string{"503", "503", "503", "503", "503", "503"}, waits: []int{1, 1, 1, 1, 1, 1}, wantErr: client.ErrServiceUnavailable},
		{name: "404 stops", interval: time.Second, answers: []string{"pending", "404"}, waits: []int{1, 1}, wantErr: client.ErrChallengeNotFound},
		{name: "410 stops", interval: time.Second, answers: []string{"410"}, waits: []int{1}, wantErr: client.ErrChallengeExpired},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sc := &scripted{answers: tc.answers}
			srv := httptest.NewServer(sc)
			defer srv.Close()
			// Record the virtual time of each poll.
			var now time.Duration
			var pollAt []time.Duration
			fs := &fakeSleep{}
			fs.after = func(int) { now = fs.total() }
			c := client.New(srv.URL, client.WithSleep(fs.sleep), client.WithHTTPClient(&http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
				pollAt = append(pollAt, now)
				return http.DefaultTransport.RoundTrip(r)
			})}))
			token, err := c.WaitCLILogin(t.Context(), &client.CLIChallenge{Code: "ABCD1234", Secret: "s", Interval: tc.interval}, nil)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
			} else {
				require.NoError(t, err)
				require.Equal(t, "the-token", token)
			}
			var want, got []int
			at := 0
			for _, w := range tc.waits {
				at += w
				want = append(want, at)
			}
			for _, p := range pollAt {
				got = append(got, int(p/time.Second))
			}
			require.Equal(t, want, got, "virtual seconds at which the polls happened")
			require.Equal(t, len(tc.answers), sc.polls)
		})
	}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestServerSlowDown polls the kit faster than its interval: the server
// answers 429 and the client backs off by 5 s instead of failing.
func TestServerSlowDown(t *testing.T) {
	s := newServer(t, httpapi.Config{})
	browserUser := s.userToken(t, "alice@example.com")
	fs := &fakeSleep{} // does not move the server's clock: every poll is "too fast"
	c := client.New(s.url, client.WithSleep(fs.sleep))
	ch, err := c.StartCLILogin(t.Context())
	require.NoError(t, err)
	fs.after = func(n int) {
		if n == 8 { // the end of the 6 s wait after the 429
			require.NoError(t, c.ApproveCLILogin(context.Background(), browserUser, ch.Code))
			s.clock.Advance(time.Minute)
		}
	}
	// Poll 1 at 1 s (accepted, pending), poll 2 at 2 s (429: the same
	// server instant), then the interval is 6 s: poll 3 at 8 s gets the
	// token.
	token, err := c.WaitCLILogin(t.Context(), ch, nil)
	require.NoError(t, err)
	require.NotEmpty(t, token)
	require.Equal(t, 8*time.Second, fs.total())
}

// TestPollErrorHidesSecret: a network error names the URL, never the
// secret in its query.
func TestPollErrorHidesSecret(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close() // nothing listens there any more
	ch := &client.CLIChallenge{Code: "ABCD1234", Secret: "very-secret-value"}
	_, err := client.New(base).PollCLILogin(t.Context(), ch)
	require.Error(t, err)
	require.NotContains(t, err.Error(), ch.Secret)
	require.Contains(t, err.Error(), "/auth/cli-login/ABCD1234")
}
