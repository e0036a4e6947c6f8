package conformance

import (
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
)

// testCase is one conformance case.
type testCase struct {
	id    string
	name  string
	needs need
	fn    func(*caseT)
}

// caseT is what a case runs with: the runner (testing.T or RunAll's) and the
// suite's state.
type caseT struct {
	tb
	s *suite
}

// suite holds the state shared by the cases of one run.
type suite struct {
	t   Target
	srv *httptest.Server

	mu    sync.Mutex
	admin session
}

// session is the suite's admin: the configured default admin in production
// mode, a "root" user registered at setup in dev mode.
type session struct {
	id, email, password, token string
}

func newSuite(target Target) (*suite, error) {
	t, err := target.normalize()
	if err != nil {
		return nil, err
	}
	s := &suite{t: t}
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

// skipReason tells why cs cannot run against this target ("" if it can).
func (s *suite) skipReason(cs testCase) string {
	t := s.t
	switch {
	case cs.needs&needProd != 0 && t.Mode != ModeProduction:
		return "production mode only"
	case cs.needs&needDev != 0 && t.Mode != ModeDev:
		return "dev mode only"
	case cs.needs&(needResetVerify|needMailbox) != 0 && !t.ResetAndVerify:
		return "the reset and verify routers are not mounted (Target.ResetAndVerify)"
	case cs.needs&needMailbox != 0 && t.Mailbox == nil:
		return "no mailbox to read reset/verify tokens (Target.Mailbox)"
	case cs.needs&needDemo != 0 && !t.DemoRoutes:
		return "no demo routes (Target.DemoRoutes)"
	case cs.needs&needExpiry != 0 && t.Clock == nil && t.ChallengeLifetime <= 0:
		return "cannot expire a challenge: no Clock and no ChallengeLifetime"
	case cs.needs&needSecret != 0 && t.SecretKey == "":
		return "the signing secret is unknown (Target.SecretKey)"
	}
	return ""
}

// setup logs in the admin (production) or registers the root superuser (dev).
func (s *suite) setup(c *caseT) {
	c.Helper()
	if s.t.Mode == ModeProduction {
		s.admin = session{email: s.t.AdminEmail, password: s.t.AdminPassword}
		s.admin.token = c.loginToken(s.admin.email, s.admin.password)
		me := c.userRead(c.must(c.get(c.p().me(), s.admin.token), 200))
		if !me.IsSuperuser || !me.IsActive {
			c.Fatalf("the configured admin %s is not an active superuser: %+v", s.admin.email, me)
		}
		s.admin.id = me.ID
		return
	}
	email, password := c.newEmail("root"), newPassword()
	r := c.must(c.send("POST", c.p().register(), "", map[string]any{"email": email, "password": password}), 201)
	u := c.userRead(r)
	if !u.IsSuperuser {
		c.Fatalf("dev mode: a registered user is not a superuser (is the target in production mode?): %s; "+
			"that user (%s) cannot be deleted without a superuser", r.Body, email)
	}
	s.admin = session{id: u.ID, email: email, password: password}
	s.admin.token = c.loginToken(email, password)
}

// teardown deletes the dev-mode root user.
func (s *suite) teardown(c *caseT) {
	if s.t.Mode != ModeDev || s.admin.id == "" {
		return
	}
	r := c.do(request{method: "DELETE", path: c.p().user(s.admin.id), token: c.adminToken()})
	if r.Status != 204 {
		c.Errorf("teardown: deleting the root user %s: %d %s", s.admin.email, r.Status, r.Body)
	}
}

// adminToken returns a token of the suite's admin, logging in again after
// the clock moved.
func (c *caseT) adminToken() string {
	c.Helper()
	s := c.s
	s.mu.Lock()
	tok := s.admin.token
	s.mu.Unlock()
	if tok != "" {
		return tok
	}
	tok = c.loginToken(s.admin.email, s.admin.password)
	s.mu.Lock()
	s.admin.token = tok
	s.mu.Unlock()
	return tok
}

// adminID is the suite admin's user id.
func (c *caseT) adminID() string { return c.s.admin.id }

// challengeExpiry moves past a CLI challenge's lifetime: 10 minutes on the
// target's clock, or a real wait of ChallengeLifetime + 1 s.
func (c *caseT) expireChallenges() {
	c.Helper()
	t := c.s.t
	switch {
	case t.Clock != nil:
		t.Clock.Advance(10 * time.Minute)
		c.s.mu.Lock()
		c.s.admin.token = "" // log in again at the new time
		c.s.mu.Unlock()
	case t.ChallengeLifetime > 0:
		timer := time.NewTimer(t.ChallengeLifetime + time.Second)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-c.Context().Done():
			c.Fatalf("cancelled while waiting for a challenge to expire")
		}
	default:
		c.Skipf("cannot expire a challenge: no Clock and no ChallengeLifetime")
	}
}
