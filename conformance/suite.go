package conformance

import (
	"context"
	"fmt"
	"net/http/httptest"
	"sync"
	"time"
)

// need is a set of things a case requires of the target.
type need uint

const (
	needProd        need = 1 << iota // production mode
	needDev                          // dev mode
	needResetVerify                  // reset and verify routers mounted
	needMailbox                      // reset/verify tokens readable (implies needResetVerify)
	needDemo                         // the demo routes
	needExpiry                       // Clock or ChallengeLifetime
	needSecret                       // the signing secret
	needLimits                       // rate limits on, with known values
	needForwarded                    // X-Forwarded-For believed from the suite (spend made-up addresses)
	needOutage                       // a way to take the store down
)

// testCase is one conformance case.
type testCase struct {
	id   string
	name string // what it checks
	why  string // why it matters, for the catalogue
	// needs are what the target must offer.
	needs need
	// users is how many fixture users (newUser) the case makes at most:
	// each costs a registration when the suite has no user to reuse.
	users int
	// uses are the case's other requests from the suite's own address that
	// the server counts against a per-address limit; costs adds those that
	// depend on the server's limits (or on Target.ForwardedFor).
	uses  spend
	costs func(s *suite) spend
	fn    func(*caseT)
}

// planned is what cs takes from the per-address budgets, fixture
// registrations aside.
func (s *suite) planned(cs testCase) spend {
	if cs.costs == nil {
		return cs.uses
	}
	return cs.uses.plus(cs.costs(s))
}

// caseT is what a case runs with: the runner (testing.T or RunAll's) and the
// suite's state.
type caseT struct {
	tb
	s *suite

	mu sync.Mutex
	// spent counts the case's requests the server counts against the
	// suite's address; fixtureRegs are the registrations newUser made,
	// newUsers its calls.
	spent       spend
	fixtureRegs int
	newUsers    int
}

// suite holds the state shared by the cases of one run.
type suite struct {
	t     Target
	srv   *httptest.Server
	names func(string) string

	// mode is the server's mode (given or found at setup) and modeNote how
	// it was found.
	mode     Mode
	modeNote string
	// limits are the server's limits (given, detected or assumed), and
	// limitsNote how they were found; limitsKnown is false when they are
	// only assumed.
	limits      Limits
	limitsNote  string
	limitsKnown bool

	meter meter
	pool  userPool

	mu         sync.Mutex
	admin      session
	polls      map[string]time.Time // last poll of each challenge the suite made (its clock)
	dateOffset time.Duration        // server Date header minus local time, from the last answer
}

// session is the suite's admin: the configured default admin in production
// mode, a "root" user registered at setup in dev mode.
type session struct {
	id, email, password, token string
	// owned: the suite registered it and deletes it at the end.
	owned bool
}

func newSuite(target Target, names func(string) string) (*suite, error) {
	if names == nil {
		names = goName
	}
	t, err := target.normalize(names)
	if err != nil {
		return nil, err
	}
	s := &suite{t: t, names: names, mode: t.Mode, polls: map[string]time.Time{}}
	s.meter.s = s
	if t.Limits != nil {
		s.limits, s.limitsKnown = *t.Limits, true
		s.limitsNote = "as given"
	} else {
		// Until setup finds out, the suite spends as if the kit's
		// defaults were on.
		s.limits = DefaultLimits()
	}
	if t.Handler != nil {
		s.srv = httptest.NewServer(t.Handler)
		s.t.BaseURL = s.srv.URL
	}
	return s, nil
}

func (s *suite) close() {
	if s.srv != nil {
		s.srv.Close()
	}
	s.t.Client.CloseIdleConnections()
}

// nowClock is a ClockControl that also reads its time (ManualClock).
type nowClock interface {
	ClockControl
	Now() time.Time
}

// now is the time on the server's clock as well as the suite can know it:
// an in-process server's clock, else the local clock.
func (s *suite) now() time.Time {
	if c, ok := s.t.Clock.(nowClock); ok {
		return c.Now()
	}
	return time.Now()
}

// serverNow is the server's current Unix time: its clock, or the local
// clock corrected by the Date header of the last answer.
func (s *suite) serverNow() int64 {
	if c, ok := s.t.Clock.(nowClock); ok {
		return c.Now().Unix()
	}
	s.mu.Lock()
	off := s.dateOffset
	s.mu.Unlock()
	return time.Now().Add(off).Unix()
}

// sleep waits d on the server's clock: moves an in-process clock, else
// sleeps.
func (s *suite) sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	if c, ok := s.t.Clock.(nowClock); ok {
		c.Advance(d)
		return nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// skipReason tells why cs cannot run against this target ("" if it can).
func (s *suite) skipReason(cs testCase) string {
	t, n := s.t, s.names
	switch {
	case cs.needs&needProd != 0 && s.mode != ModeProduction:
		return "production mode only"
	case cs.needs&needDev != 0 && s.mode != ModeDev:
		return "dev mode only"
	case cs.needs&(needResetVerify|needMailbox) != 0 && !t.ResetAndVerify:
		return "needs the reset-password and verify routers: pass " + n("ResetAndVerify") + " if the server mounts them"
	case cs.needs&needMailbox != 0 && t.Mailbox == nil:
		return "needs the reset and verify tokens the server sends: pass " + n("Mailbox")
	case cs.needs&needDemo != 0 && !t.DemoRoutes:
		return "needs the demo routes (GET /protected, /protected/superuser, /protected/optional, /protected/preset-headers): pass " + n("DemoRoutes") + " if the server has them"
	case cs.needs&needExpiry != 0 && t.Clock == nil && t.ChallengeLifetime <= 0:
		return "needs CLI challenges that expire during the run: pass " + n("ChallengeLifetime") + " with the server's (short) ZNDRAW_AUTH_CLI_LOGIN_LIFETIME_SECONDS"
	case cs.needs&needSecret != 0 && t.SecretKey == "":
		return "forges tokens with the server's signing secret: pass " + n("SecretKey") + " (its ZNDRAW_AUTH_SECRET_KEY)"
	case cs.needs&needLimits != 0 && !s.limits.Enabled:
		return "checks the rate limits, which are off on this server (ZNDRAW_AUTH_RATE_LIMIT_ENABLED=false)"
	case cs.needs&needLimits != 0 && !s.limitsKnown:
		return "checks the rate limits, whose values the suite could not find out: pass " + n("Limits")
	case cs.needs&needForwarded != 0 && !t.ForwardedFor:
		return "must exceed a per-address limit to see its 429, which would lock out real users behind the suite's address: " +
			"let the server trust the suite as a proxy (ZNDRAW_AUTH_TRUSTED_PROXIES) and pass " + n("ForwardedFor") +
			", so that the case spends the budgets of made-up documentation addresses"
	case cs.needs&needOutage != 0 && t.Outage == nil:
		return "takes the server's store down: pass " + n("Outage")
	}
	return s.budgetReason(cs)
}

// budgetReason tells why cs would take more than the suite allows itself
// of a per-address limit ("" if it fits).
func (s *suite) budgetReason(cs testCase) string {
	want := s.planned(cs)
	want[budgetRegister] += max(cs.users-s.pool.freeCount(), 0)
	for b, spec := range budgets {
		if want[b] == 0 {
			continue
		}
		s.meter.mu.Lock()
		refused := s.meter.refused[b]
		s.meter.mu.Unlock()
		if refused != "" {
			return refused
		}
		left := s.meter.left(budget(b))
		if left >= 0 && want[b] > left {
			return fmt.Sprintf("needs %d %s from the suite's address, and %d of the %d it allows itself per run are left "+
				"(half of the server's %s=%d, so that real users behind the same address keep the other half); "+
				"it runs against a server with a higher limit or with ZNDRAW_AUTH_RATE_LIMIT_ENABLED=false",
				want[b], spec.what, left, s.meter.allowed(budget(b)), spec.setting, spec.limit(s.limits))
		}
	}
	return ""
}

// setup finds the mode (when not given), logs in the admin (production)
// or registers the root superuser (dev), and finds the limits (when not
// given).
func (s *suite) setup(c *caseT) {
	c.Helper()
	haveAdmin := s.t.AdminEmail != "" && s.t.AdminPassword != ""
	if s.mode == ModeProduction || (s.mode == "" && haveAdmin) {
		s.setupAdmin(c)
	} else {
		s.setupRoot(c)
	}
	if s.t.Limits == nil {
		s.probeLimits(c)
	}
}

// setupAdmin logs in the configured admin and checks the mode with a
// newly registered user (the first of the suite's pool).
func (s *suite) setupAdmin(c *caseT) {
	c.Helper()
	n := s.names
	r := c.login(s.t.AdminEmail, s.t.AdminPassword)
	if r.Status != 200 {
		hint := ""
		if s.mode == "" {
			hint = "; if the server has no default admin (dev mode), pass " + n("Mode") + " dev"
		}
		c.Fatalf("the admin cannot log in: %s: check %s and %s%s", r, n("AdminEmail"), n("AdminPassword"), hint)
	}
	s.admin = session{email: s.t.AdminEmail, password: s.t.AdminPassword, token: c.bearer(r)}
	me := c.userRead(c.must(c.get(c.p().me(), s.admin.token), 200))
	if !me.IsSuperuser || !me.IsActive {
		c.Fatalf("the admin %s is not an active superuser: %+v", s.admin.email, me)
	}
	s.admin.id = me.ID
	probe := s.pool.grow(c, "pool")
	s.pool.put(probe)
	switch {
	case !probe.superuser:
		s.mode, s.modeNote = ModeProduction, "the admin logged in and a newly registered user is a regular user"
	case s.mode == ModeProduction:
		c.Fatalf("the server is in dev mode (a newly registered user is a superuser): pass %s dev", n("Mode"))
	default:
		s.mode, s.modeNote = ModeDev, "a newly registered user is a superuser; the given admin serves as the suite's superuser"
	}
	if s.t.Mode != "" {
		s.modeNote = "as given; " + s.modeNote
	}
}

// setupRoot registers the suite's root user, which dev mode makes a
// superuser.
func (s *suite) setupRoot(c *caseT) {
	c.Helper()
	n := s.names
	email, password := c.newEmail("root"), newPassword()
	r := c.must(c.register(email, password), 201)
	u := c.userRead(r)
	if !u.IsSuperuser {
		given := ""
		if s.mode == ModeDev {
			given = " (not dev mode as given)"
		}
		c.Fatalf("the server is in production mode%s: a newly registered user is not a superuser. Pass %s and %s (its ZNDRAW_AUTH_DEFAULT_ADMIN_EMAIL and _PASSWORD). "+
			"The user the suite registered to find out, %s (id %s), cannot delete itself: delete it as the admin",
			given, n("AdminEmail"), n("AdminPassword"), email, u.ID)
	}
	s.admin = session{id: u.ID, email: email, password: password, owned: true}
	s.admin.token = c.loginToken(email, password)
	if s.mode == "" {
		s.modeNote = "no admin was given and a newly registered user is a superuser"
	} else {
		s.modeNote = "as given"
	}
	s.mode = ModeDev
}

// probeLimits finds out whether the limits are on: a CLI challenge polled
// twice within its announced interval answers 429 only then.
func (s *suite) probeLimits(c *caseT) {
	c.Helper()
	ch := c.createChallenge()
	iv, _ := ch.Interval.Int64()
	c.must(c.do(request{method: "GET", path: c.p().poll(ch.Code, ch.Secret)}), 200)
	second := c.do(request{method: "GET", path: c.p().poll(ch.Code, ch.Secret)})
	switch {
	case second.Status == 429:
		s.limits, s.limitsKnown = DefaultLimits(), true
		s.limits.CLIPollInterval = time.Duration(iv) * time.Second
		s.limitsNote = fmt.Sprintf("on: a second poll within the %d s interval answered 429; the values are assumed to be the kit's defaults (pass %s if the server's differ)", iv, s.names("Limits"))
	case second.Status == 200 && iv > 0:
		s.limits, s.limitsKnown = DefaultLimits(), true
		s.limits.Enabled = false
		s.limitsNote = "off: a second poll within the interval was answered (the server runs with ZNDRAW_AUTH_RATE_LIMIT_ENABLED=false)"
	default:
		s.limitsNote = fmt.Sprintf("unknown (the server announces no poll interval): assuming the kit's defaults; pass %s off if they are off", s.names("Limits"))
	}
	s.mu.Lock()
	s.polls[ch.Code] = s.now()
	s.mu.Unlock()
}

// teardown deletes the suite's users: its pool and the dev-mode root.
func (s *suite) teardown(c *caseT) {
	s.pool.drain(c)
	if !s.admin.owned || s.admin.id == "" {
		return
	}
	r := c.do(request{method: "DELETE", path: c.p().user(s.admin.id), token: c.adminToken()})
	if r.Status != 204 {
		c.Errorf("teardown: deleting the root user %s: %s", s.admin.email, r)
	}
}

// adminToken returns a token of the suite's admin, logging in again after
// the clock moved close to its expiry.
func (c *caseT) adminToken() string {
	c.Helper()
	s := c.s
	s.mu.Lock()
	tok := s.admin.token
	s.mu.Unlock()
	if tok != "" && !s.expiring(tok) {
		return tok
	}
	tok = c.loginToken(s.admin.email, s.admin.password)
	s.mu.Lock()
	s.admin.token = tok
	s.mu.Unlock()
	return tok
}

// expiring reports whether tok expires within 5 minutes on the server's
// clock (or cannot be read).
func (s *suite) expiring(tok string) bool {
	p, err := decodeJWT(tok)
	if err != nil {
		return true
	}
	exp, ok := p.intClaim("exp")
	return !ok || exp-s.serverNow() < 300
}

// adminID is the suite admin's user id.
func (c *caseT) adminID() string { return c.s.admin.id }

// expireChallenges moves past a CLI challenge's lifetime: 10 minutes on the
// target's clock, or a real wait of ChallengeLifetime + 1 s.
func (c *caseT) expireChallenges() {
	c.Helper()
	t := c.s.t
	switch {
	case t.Clock != nil:
		t.Clock.Advance(10 * time.Minute)
	case t.ChallengeLifetime > 0:
		timer := time.NewTimer(t.ChallengeLifetime + time.Second)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-c.Context().Done():
			c.Fatalf("cancelled while waiting for a challenge to expire")
		}
	default:
		c.Skipf("cannot expire a challenge: pass %s", c.s.names("ChallengeLifetime"))
	}
}

// count records one request of b for the case (fixture: by newUser).
func (c *caseT) count(b budget, delta int, fixture bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.spent[b] += delta
	if fixture {
		c.fixtureRegs += delta
	}
}
