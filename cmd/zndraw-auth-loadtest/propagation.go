package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/zincware/zndraw-auth-go/internal/bench"
	"github.com/zincware/zndraw-auth-go/internal/httpsend"
)

// The propagation measurement: two OS processes of the kit (instances A
// and B, propchild.go) on one database. For each kind of change, made on
// A over HTTP (or by plain SQL from the harness's own connection), B is
// asked back to back until it answers the new state; the time from A's
// answer (or the SQL statement's return) to B's first new answer is one
// trial. Every trial uses fresh users, and B has checked their tokens
// (and so may have cached them) before the change. On PostgreSQL it also
// measures how fast B is back on its fast path after its change-feed
// connection, or every connection of B, is terminated.

type propConfig struct {
	stores               []string
	trials, beforeTrials int
	recoveryTrials       int
	pollGap              time.Duration
	dir                  string
}

// propTimeout bounds one trial.
const propTimeout = 5 * time.Second

// The admin of the propagation children.
const (
	propAdminEmail    = "admin@example.com"
	propAdminPassword = "admin password 1234"
	propPassword      = "correct horse battery staple"
)

// propRow is the distribution of one kind of change on one store and mode.
type propRow struct {
	store, mode, kind string
	samples           []time.Duration
	target            bool // p99 ≤ 20 ms applies
}

// propagationRun runs the measurement on each store, with the change feed
// and (beforeTrials > 0) without it, and prints one table.
func propagationRun(cfg propConfig) error {
	start := time.Now()
	var rows []propRow
	for _, kind := range cfg.stores {
		modes := []bool{false}
		if cfg.beforeTrials > 0 {
			modes = append(modes, true)
		}
		for _, noFeed := range modes {
			r, err := propagationStore(cfg, bench.StoreKind(kind), noFeed)
			rows = append(rows, r...)
			if err != nil {
				printProp(rows)
				return fmt.Errorf("%s: %w", kind, err)
			}
		}
	}
	printProp(rows)
	fmt.Printf("\ntotal time %s\n", time.Since(start).Round(time.Second))
	return nil
}

// propagationStore measures every kind on one fresh database.
func propagationStore(cfg propConfig, kind bench.StoreKind, noFeed bool) ([]propRow, error) {
	ctx := context.Background()
	st, err := bench.OpenStore(ctx, kind, cfg.dir)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	mode, trials := "change feed", cfg.trials
	if noFeed {
		mode, trials = "no feed (before)", cfg.beforeTrials
	}
	fmt.Printf("propagation on %s, %s: %d trials per kind\n", kind, mode, trials)
	h := &propHarness{store: st, client: &http.Client{Timeout: 10 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 8, IdleConnTimeout: time.Minute}}}
	for _, name := range []string{"a", "b"} {
		c, err := startPropChild(st, name, noFeed, cfg.dir)
		if err != nil {
			return nil, err
		}
		defer func() { _ = c.stop() }()
		h.peers = append(h.peers, c)
	}
	h.a, h.b = h.peers[0], h.peers[1]
	if !noFeed {
		for _, p := range h.peers {
			if _, err := h.waitLive(p, 1); err != nil {
				return nil, err
			}
		}
	}
	if h.adminToken, err = h.login(h.a, propAdminEmail, propAdminPassword); err != nil {
		return nil, fmt.Errorf("admin login: %w", err)
	}
	if kind == bench.Postgres && !noFeed {
		stop, err := h.listenToo(ctx)
		if err != nil {
			return nil, err
		}
		defer stop()
	}
	var rows []propRow
	// polls are the durations of every request to B while it was asked
	// for the new state: the resolution of the measurement on this
	// machine at this moment.
	polls := propRow{store: string(kind), mode: mode, kind: "baseline: one request to B (the polls above)"}
	// The changes split in two: from the change's return to B's feed
	// delivering its event, and from there to B's first new answer.
	delivery := propRow{store: string(kind), mode: mode, kind: "of which: change returned → B's feed delivers it"}
	answer := propRow{store: string(kind), mode: mode, kind: "of which: B's feed delivers it → B answers anew"}
	harness := propRow{store: string(kind), mode: mode, kind: "the same notification to a LISTEN of the harness"}
	for ki, k := range propKinds {
		row := propRow{store: string(kind), mode: mode, kind: k.name, target: !noFeed}
		for i := range trials {
			check, changed, key, err := k.trial(h, fmt.Sprintf("kind%d-trial%d", ki, i))
			if err != nil {
				return rows, fmt.Errorf("%s, trial %d: %w", k.name, i, err)
			}
			for {
				sent := time.Now()
				ok, err := check()
				now := time.Now()
				polls.samples = append(polls.samples, now.Sub(sent))
				if err != nil {
					return rows, fmt.Errorf("%s, trial %d: %w", k.name, i, err)
				}
				if ok {
					row.samples = append(row.samples, now.Sub(changed))
					if recv, err := h.received(key); err == nil && recv.After(changed) && !noFeed {
						delivery.samples = append(delivery.samples, recv.Sub(changed))
						answer.samples = append(answer.samples, now.Sub(recv))
					}
					if recv, ok := h.heard(key); ok && recv.After(changed) {
						harness.samples = append(harness.samples, recv.Sub(changed))
					}
					break
				}
				if now.Sub(changed) > propTimeout {
					return rows, fmt.Errorf("%s, trial %d: B still answers the old state %v after the change", k.name, i, propTimeout)
				}
				// A pause between polls leaves the CPU to the processes
				// that carry the change (on 2 cores, polling back to back
				// delays them).
				time.Sleep(cfg.pollGap)
			}
		}
		rows = append(rows, row)
	}
	rows = append(rows, delivery, answer, harness, polls)
	if !noFeed {
		st, err := h.feedStatus(h.b)
		if err != nil {
			return rows, err
		}
		fmt.Printf("  B's feed: %d subscriptions, %d losses during the trials\n", st.Subscriptions, st.Losses)
	}
	if kind == bench.Postgres && !noFeed {
		row, err := notifyBaseline(st, trials)
		row.store, row.mode = string(kind), mode
		rows = append(rows, row)
		if err != nil {
			return rows, err
		}
	}
	if kind == bench.Postgres && !noFeed && cfg.recoveryTrials > 0 {
		for _, listenerOnly := range []bool{true, false} {
			row, err := h.recovery(listenerOnly, cfg.recoveryTrials)
			row.store, row.mode = string(kind), mode
			rows = append(rows, row)
			if err != nil {
				return rows, err
			}
		}
	}
	return rows, nil
}

// propHarness is one measurement: the database and the two instances.
type propHarness struct {
	store      *bench.Store
	client     *http.Client
	peers      []*propChild
	a, b       *propChild
	adminToken string

	mu      sync.Mutex
	heardAt map[string]time.Time // the harness's own LISTEN (PostgreSQL)
}

// propChild is a running propagation server.
type propChild struct {
	*process
	base    string
	appName string // its PostgreSQL application_name ("" on SQLite)
}

// startPropChild starts instance name on st's database.
func startPropChild(st *bench.Store, name string, noFeed bool, dir string) (*propChild, error) {
	rawURL, appName := st.URL, ""
	if st.Kind == bench.Postgres {
		u, err := url.Parse(st.URL)
		if err != nil {
			return nil, err
		}
		appName = st.Schema + "-" + name
		q := u.Query()
		q.Set("application_name", appName)
		u.RawQuery = q.Encode()
		rawURL = u.String()
	}
	args := []string{"-serve-propagation", "-url", rawURL, "-dir", dir}
	if noFeed {
		args = append(args, "-no-feed")
	}
	p, err := startProcess(args, []string{
		"ZNDRAW_AUTH_SECRET_KEY=propagation-secret-" + strings.Repeat("s", 32),
		"ZNDRAW_AUTH_RESET_PASSWORD_TOKEN_SECRET=propagation-reset-" + strings.Repeat("r", 32),
		"ZNDRAW_AUTH_VERIFICATION_TOKEN_SECRET=propagation-verify-" + strings.Repeat("v", 32),
		"ZNDRAW_AUTH_DEFAULT_ADMIN_EMAIL=" + propAdminEmail,
		"ZNDRAW_AUTH_DEFAULT_ADMIN_PASSWORD=" + propAdminPassword,
	})
	if err != nil {
		return nil, err
	}
	c := &propChild{process: p, appName: appName}
	var r propReady
	if err := c.out.Decode(&r); err != nil || r.Error != "" {
		_ = c.stop()
		return nil, fmt.Errorf("instance %s: %v%s", name, err, r.Error)
	}
	c.base = "http://" + r.Addr
	return c, nil
}

// do sends one request to p (see httpsend.Do) and reads the answer.
func (h *propHarness) do(p *propChild, method, path, token string, body any) (int, []byte, error) {
	return httpsend.Do(context.Background(), h.client, method, p.base+path, token, body)
}

// expect sends a request and requires status want.
func (h *propHarness) expect(p *propChild, want int, method, path, token string, body any) ([]byte, error) {
	status, b, err := h.do(p, method, path, token, body)
	if err == nil && status != want {
		err = fmt.Errorf("%s %s: %d %s, want %d", method, path, status, bytes.TrimSpace(b), want)
	}
	return b, err
}

// login logs email in on p and returns the access token.
func (h *propHarness) login(p *propChild, email, pw string) (string, error) {
	b, err := h.expect(p, http.StatusOK, "POST", bench.LoginPath, "", url.Values{"username": {email}, "password": {pw}})
	if err != nil {
		return "", err
	}
	var r struct {
		AccessToken string `json:"access_token"`
	}
	return r.AccessToken, json.Unmarshal(b, &r)
}

// user registers a user on A, logs it in, has B check the token twice (B
// caches a token's "not revoked" from its second check on), and returns
// its id, email and token.
func (h *propHarness) user(tag string) (id, email, token string, err error) {
	email = tag + "@example.com"
	b, err := h.expect(h.a, http.StatusCreated, "POST", "/auth/register", "", map[string]string{"email": email, "password": propPassword})
	if err != nil {
		return "", "", "", err
	}
	var r struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return "", "", "", err
	}
	if token, err = h.login(h.a, email, propPassword); err != nil {
		return "", "", "", err
	}
	for range 2 {
		if _, err = h.expect(h.b, http.StatusOK, "GET", "/users/me", token, nil); err != nil {
			break
		}
	}
	return r.ID, email, token, err
}

// outbox returns the last reset or verification token A sent to email,
// waiting for the delivery (the Service delivers mails in the
// background).
func (h *propHarness) outbox(kind, email string) (string, error) {
	start := time.Now()
	for {
		status, b, err := h.do(h.a, "GET", "/bench/outbox?kind="+kind+"&email="+url.QueryEscape(email), "", nil)
		if err != nil || status == http.StatusOK {
			return string(b), err
		}
		if time.Since(start) > propTimeout {
			return "", fmt.Errorf("no %s mail to %s within %v", kind, email, propTimeout)
		}
		time.Sleep(time.Millisecond)
	}
}

// onB returns a check that B answers path with token with status want.
func (h *propHarness) onB(path, token string, want int) func() (bool, error) {
	return func() (bool, error) {
		status, _, err := h.do(h.b, "GET", path, token, nil)
		return status == want, err
	}
}

// meOnB returns a check that B's /users/me for token has field = value.
func (h *propHarness) meOnB(token, field string, value any) func() (bool, error) {
	return func() (bool, error) {
		status, b, err := h.do(h.b, "GET", "/users/me", token, nil)
		if err != nil || status != http.StatusOK {
			return false, err
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return false, err
		}
		return m[field] == value, nil
	}
}

// until polls check until it passes, for at most propTimeout.
func (h *propHarness) until(check func() (bool, error)) error {
	start := time.Now()
	for {
		ok, err := check()
		if ok || err != nil {
			return err
		}
		if time.Since(start) > propTimeout {
			return errors.New("B does not see the set-up in time")
		}
	}
}

// change runs one request on A that must answer want, and returns when it
// did.
func (h *propHarness) change(want int, method, path, token string, body any) (time.Time, error) {
	_, err := h.expect(h.a, want, method, path, token, body)
	return time.Now(), err
}

// sql runs a statement from the harness's own connection.
func (h *propHarness) sql(q string, args ...any) (time.Time, error) {
	_, err := h.store.DB.ExecContext(context.Background(), q, args...)
	return time.Now(), err
}

// propKind is one kind of change: trial prepares it, makes it and returns
// the check B must pass, the instant the change returned, and the user id
// or jti its event names.
type propKind struct {
	name  string
	trial func(h *propHarness, tag string) (check func() (bool, error), changed time.Time, key string, err error)
}

// revokes is a kind of change that ends the user's token: made by change
// on the fresh user, it is seen when B answers 401 to the token.
func revokes(name string, change func(h *propHarness, id, token string) (time.Time, error)) propKind {
	return propKind{name, func(h *propHarness, tag string) (func() (bool, error), time.Time, string, error) {
		id, _, tok, err := h.user(tag)
		if err != nil {
			return nil, time.Time{}, "", err
		}
		at, err := change(h, id, tok)
		key := id
		if strings.HasPrefix(name, "logout") && name != "logout everywhere" {
			key = jtiOf(tok)
		}
		return h.onB("/users/me", tok, http.StatusUnauthorized), at, key, err
	}}
}

// jtiOf returns the jti claim of a token (unverified).
func jtiOf(token string) string {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return ""
	}
	var c struct {
		JTI string `json:"jti"`
	}
	_ = json.Unmarshal(b, &c)
	return c.JTI
}

var propKinds = []propKind{
	revokes("logout", func(h *propHarness, _, tok string) (time.Time, error) {
		return h.change(http.StatusNoContent, "POST", "/auth/jwt/logout", tok, nil)
	}),
	revokes("logout everywhere", func(h *propHarness, _, tok string) (time.Time, error) {
		return h.change(http.StatusNoContent, "POST", "/bench/logout-everywhere", tok, nil)
	}),
	revokes("password change", func(h *propHarness, _, tok string) (time.Time, error) {
		return h.change(http.StatusOK, "PATCH", "/users/me", tok, map[string]string{"password": "changed " + propPassword})
	}),
	{"password reset", func(h *propHarness, tag string) (func() (bool, error), time.Time, string, error) {
		id, email, tok, err := h.user(tag)
		if err == nil {
			_, err = h.expect(h.a, http.StatusAccepted, "POST", "/auth/forgot-password", "", map[string]string{"email": email})
		}
		var reset string
		if err == nil {
			reset, err = h.outbox("reset", email)
		}
		if err != nil {
			return nil, time.Time{}, "", err
		}
		at, err := h.change(http.StatusOK, "POST", "/auth/reset-password", "", map[string]string{"token": reset, "password": "reset " + propPassword})
		return h.onB("/users/me", tok, http.StatusUnauthorized), at, id, err
	}},
	revokes("deactivation (admin)", func(h *propHarness, id, _ string) (time.Time, error) {
		return h.change(http.StatusOK, "PATCH", "/users/"+id, h.adminToken, map[string]bool{"is_active": false})
	}),
	revokes("deletion (admin)", func(h *propHarness, id, _ string) (time.Time, error) {
		return h.change(http.StatusNoContent, "DELETE", "/users/"+id, h.adminToken, nil)
	}),
	{"demotion (superuser route)", func(h *propHarness, tag string) (func() (bool, error), time.Time, string, error) {
		id, _, tok, err := h.user(tag)
		if err == nil {
			_, err = h.expect(h.a, http.StatusOK, "PATCH", "/users/"+id, h.adminToken, map[string]bool{"is_superuser": true})
		}
		if err == nil {
			_, err = h.expect(h.b, http.StatusOK, "GET", "/users/"+id, tok, nil)
		}
		if err != nil {
			return nil, time.Time{}, "", err
		}
		at, err := h.change(http.StatusOK, "PATCH", "/users/"+id, h.adminToken, map[string]bool{"is_superuser": false})
		// A demotion moves the token version on: the token dies.
		return h.onB("/users/"+id, tok, http.StatusUnauthorized), at, id, err
	}},
	{"email change", func(h *propHarness, tag string) (func() (bool, error), time.Time, string, error) {
		id, _, tok, err := h.user(tag)
		if err != nil {
			return nil, time.Time{}, "", err
		}
		renamed := "renamed-" + tag + "@example.com"
		at, err := h.change(http.StatusOK, "PATCH", "/users/me", tok, map[string]string{"email": renamed})
		return h.meOnB(tok, "email", renamed), at, id, err
	}},
	{"verification", func(h *propHarness, tag string) (func() (bool, error), time.Time, string, error) {
		id, email, tok, err := h.user(tag)
		if err == nil {
			_, err = h.expect(h.a, http.StatusAccepted, "POST", "/auth/request-verify-token", "", map[string]string{"email": email})
		}
		var verify string
		if err == nil {
			verify, err = h.outbox("verify", email)
		}
		if err != nil {
			return nil, time.Time{}, "", err
		}
		at, err := h.change(http.StatusOK, "POST", "/auth/verify", "", map[string]string{"token": verify})
		return h.meOnB(tok, "is_verified", true), at, id, err
	}},
	{"impersonation fence (admin demoted)", func(h *propHarness, tag string) (func() (bool, error), time.Time, string, error) {
		bossID, bossEmail, _, err := h.user(tag + "-admin")
		var targetID, bossTok, imp string
		if err == nil {
			_, err = h.expect(h.a, http.StatusOK, "PATCH", "/users/"+bossID, h.adminToken, map[string]bool{"is_superuser": true})
		}
		if err == nil {
			bossTok, err = h.login(h.a, bossEmail, propPassword)
		}
		if err == nil {
			targetID, _, _, err = h.user(tag + "-target")
		}
		if err == nil {
			var b []byte
			b, err = h.expect(h.a, http.StatusOK, "POST", "/admin/users/"+targetID+"/token", bossTok, nil)
			var r struct {
				AccessToken string `json:"access_token"`
			}
			if err == nil {
				err = json.Unmarshal(b, &r)
				imp = r.AccessToken
			}
		}
		if err == nil {
			// Without a feed B may take up to UserCacheTTL to see the
			// promotion.
			err = h.until(h.onB("/users/me", imp, http.StatusOK))
		}
		if err != nil {
			return nil, time.Time{}, "", err
		}
		at, err := h.change(http.StatusOK, "PATCH", "/users/"+bossID, h.adminToken, map[string]bool{"is_superuser": false})
		return h.onB("/users/me", imp, http.StatusUnauthorized), at, bossID, err
	}},
	revokes("plain SQL: UPDATE is_active", func(h *propHarness, id, _ string) (time.Time, error) {
		return h.sql(`UPDATE "user" SET is_active = false WHERE id = ?`, id)
	}),
	revokes("plain SQL: DELETE", func(h *propHarness, id, _ string) (time.Time, error) {
		return h.sql(`DELETE FROM "user" WHERE id = ?`, id)
	}),
}

// notifyBaseline measures PostgreSQL's own delivery, without the kit: a
// pg_notify committed on the harness's pool until a LISTEN connection of
// the harness receives it. It is the floor of the propagation figures on
// this server and machine.
func notifyBaseline(st *bench.Store, trials int) (propRow, error) {
	row := propRow{kind: "baseline: NOTIFY → LISTEN alone, no kit"}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, st.URL)
	if err != nil {
		return row, err
	}
	defer conn.Close(ctx)
	channel := st.Schema + "_baseline"
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		return row, err
	}
	for range trials {
		if _, err := st.DB.ExecContext(ctx, `SELECT pg_notify(?, '')`, channel); err != nil {
			return row, err
		}
		sent := time.Now()
		wctx, cancel := context.WithTimeout(ctx, propTimeout)
		_, err := conn.WaitForNotification(wctx)
		cancel()
		if err != nil {
			return row, err
		}
		row.samples = append(row.samples, time.Since(sent))
	}
	return row, nil
}

// listenToo LISTENs on the schema's change channel from the harness, to
// tell delays of PostgreSQL from delays in B.
func (h *propHarness) listenToo(ctx context.Context) (stop func(), err error) {
	conn, err := pgx.Connect(ctx, h.store.URL)
	if err != nil {
		return nil, err
	}
	var channel string
	if err := conn.QueryRow(ctx, `SELECT 'zndraw_auth_' || to_hex(hashtext(current_schema()))`).Scan(&channel); err == nil {
		_, err = conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize())
	}
	if err != nil {
		_ = conn.Close(ctx)
		return nil, err
	}
	h.heardAt = map[string]time.Time{}
	lctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			n, err := conn.WaitForNotification(lctx)
			if err != nil {
				return
			}
			h.mu.Lock()
			h.heardAt[n.Payload[1:]] = time.Now()
			h.mu.Unlock()
		}
	}()
	return func() {
		cancel()
		<-done
		_ = conn.Close(context.Background())
	}, nil
}

// heard returns when the harness's LISTEN got a change of key.
func (h *propHarness) heard(key string) (time.Time, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	t, ok := h.heardAt[key]
	return t, ok
}

// received returns when B's feed last delivered a change of key.
func (h *propHarness) received(key string) (time.Time, error) {
	b, err := h.expect(h.b, http.StatusOK, "GET", "/bench/received?key="+url.QueryEscape(key), "", nil)
	if err != nil {
		return time.Time{}, err
	}
	ns, err := strconv.ParseInt(string(b), 10, 64)
	return time.Unix(0, ns), err
}

// feedStatus reads p's /bench/feed.
func (h *propHarness) feedStatus(p *propChild) (feedStatusJSON, error) {
	var st feedStatusJSON
	b, err := h.expect(p, http.StatusOK, "GET", "/bench/feed", "", nil)
	if err == nil {
		err = json.Unmarshal(b, &st)
	}
	return st, err
}

// waitLive waits until p's feed is live after at least subscriptions
// subscriptions, and returns how long that took.
func (h *propHarness) waitLive(p *propChild, subscriptions uint64) (time.Duration, error) {
	start := time.Now()
	for {
		st, err := h.feedStatus(p)
		if err != nil {
			return 0, err
		}
		if st.State == "live" && st.Subscriptions >= subscriptions {
			return time.Since(start), nil
		}
		if time.Since(start) > 30*time.Second {
			return 0, fmt.Errorf("the change feed is not live after 30 s: %+v", st)
		}
		time.Sleep(200 * time.Microsecond)
	}
}

// recovery terminates B's change-feed connection (or every connection of
// B) trials times and measures how long until B's feed is live again.
func (h *propHarness) recovery(listenerOnly bool, trials int) (propRow, error) {
	row := propRow{kind: "fast path back after every connection of B was killed"}
	names := []string{h.b.appName, h.b.appName + "/changefeed"}
	if listenerOnly {
		row.kind = "fast path back after B's feed connection was killed"
		names = names[1:]
	}
	for range trials {
		st, err := h.feedStatus(h.b)
		if err != nil {
			return row, err
		}
		var n int
		if err := h.store.DB.QueryRowContext(context.Background(),
			`SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
				WHERE datname = current_database() AND application_name IN (?, ?)) AS k`,
			names[0], names[len(names)-1]).Scan(&n); err != nil {
			return row, err
		}
		if n == 0 {
			return row, errors.New("no connection of B to terminate")
		}
		d, err := h.waitLive(h.b, st.Subscriptions+1)
		if err != nil {
			return row, err
		}
		row.samples = append(row.samples, d)
		time.Sleep(50 * time.Millisecond)
	}
	return row, nil
}

// printProp prints the distributions.
func printProp(rows []propRow) {
	tw := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "store\tmode\tchange on A → B answers the new state\ttrials\tp50 ms\tp99 ms\tmax ms\ttarget\t")
	for _, r := range rows {
		if len(r.samples) == 0 {
			continue
		}
		s := slices.Clone(r.samples)
		slices.Sort(s)
		p50, p99 := nearestRank(s, 50), nearestRank(s, 99)
		target := "-"
		if r.target && !strings.HasPrefix(r.kind, "fast path") && !strings.HasPrefix(r.kind, "baseline") {
			target = verdict(p99 <= 20*time.Millisecond, "p99 ≤ 20")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%.2f\t%.2f\t%.2f\t%s\t\n", r.store, r.mode, r.kind, len(s),
			msf(p50), msf(p99), msf(s[len(s)-1]), target)
	}
	tw.Flush()
}

// nearestRank is the p-th percentile of sorted s by the nearest-rank
// method.
func nearestRank(s []time.Duration, p int) time.Duration {
	i := (p*len(s)+99)/100 - 1
	return s[max(0, min(i, len(s)-1))]
}

func msf(d time.Duration) float64 { return float64(d) / 1e6 }
