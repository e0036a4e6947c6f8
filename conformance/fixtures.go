package conformance

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"sync"
)

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// randomUUID returns a random version-4 UUID (a user that does not exist).
func randomUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// newEmail returns a fresh address conf-<random>-<name>@example.com.
func (c *caseT) newEmail(name string) string {
	return "conf-" + randHex(5) + "-" + name + "@example.com"
}

// newPassword returns a fresh password that satisfies the default policy.
func newPassword() string { return "pw-" + randHex(8) }

// kind is a fixture user's flags, named after the reference test suites'
// fixtures: U active, I inactive, V verified, S superuser, VS verified
// superuser.
type kind struct{ inactive, verified, superuser bool }

var (
	kindU  = kind{}                                // active, unverified, regular
	kindI  = kind{inactive: true}                  // inactive
	kindV  = kind{verified: true}                  // verified
	kindS  = kind{superuser: true}                 // superuser, unverified
	kindVS = kind{verified: true, superuser: true} // verified superuser
)

// user is a fixture user. Token was minted while the user was active (for
// an inactive user: before the deactivation, which revokes it).
type user struct {
	ID, Email, Password, Token string
}

// register posts {"email","password"} to the register route.
func (c *caseT) register(email, password string) *response {
	c.Helper()
	return c.send("POST", c.p().register(), "", map[string]any{"email": email, "password": password})
}

// newUser gives the case a user named name with the flags of k and a token
// of it. The user is fresh to the case: it has a new address (so no
// earlier mail, failed login or lockout carries over), and a password and
// token no earlier case has seen used. Suite users are reused between
// cases (the admin gives them a new address and the flags) rather than
// registered anew, so a run against a deployment with rate limits on
// registers few users; the suite deletes them when the run ends.
func (c *caseT) newUser(name string, k kind) *user {
	c.Helper()
	return c.fixture(name, k, false)
}

// newPristineUser is newUser for a user whose tokens were never revoked
// (its token version is still 0), so that a token without the kit's "tv"
// claim, as the reference mints them, is valid for it.
func (c *caseT) newPristineUser(name string, k kind) *user {
	c.Helper()
	return c.fixture(name, k, true)
}

// newOwnUser is newUser for a user no other case has used: it is
// registered for the case and deleted after it, so that limits per user
// (email changes, CLI codes) start from nothing. Its registration counts
// against the case's uses, not its users.
func (c *caseT) newOwnUser(name string, k kind) *user {
	c.Helper()
	email, password := c.newEmail(name), newPassword()
	created := c.userRead(c.must(c.register(email, password), 201))
	c.deleteLater(created.ID)
	// The flags first (a demotion ends the user's earlier tokens), then the
	// login, then the deactivation (which revokes that token).
	patch := map[string]any{"is_superuser": k.superuser, "is_verified": k.verified}
	if got := c.patchUser(created.ID, patch); got.IsSuperuser != k.superuser || got.IsVerified != k.verified {
		c.Fatalf("user %s: PATCH %v gave %+v", name, patch, got)
	}
	u := &user{ID: created.ID, Email: created.Email, Password: password, Token: c.loginToken(email, password)}
	if k.inactive {
		c.patchUser(u.ID, map[string]any{"is_active": false})
	}
	return u
}

func (c *caseT) fixture(name string, k kind, pristine bool) *user {
	c.Helper()
	c.mu.Lock()
	c.newUsers++
	c.mu.Unlock()
	p := c.s.pool.take(pristine, k)
	fresh := p == nil
	if fresh {
		p = c.s.pool.grow(c, name)
	}
	c.Cleanup(func() { c.s.pool.giveBack(c, p) })
	// The flags first (a demotion ends the user's earlier tokens), then the
	// login, then the deactivation (which revokes that token).
	demote := p.superuser && !k.superuser
	needLogin := p.token == "" || demote || c.s.expiring(p.token)
	patch := map[string]any{}
	if !fresh {
		patch["email"] = c.newEmail(name)
		patch["is_active"] = true
		patch["is_verified"] = k.verified
	} else if k.verified {
		patch["is_verified"] = true
	}
	if p.superuser != k.superuser || !fresh {
		patch["is_superuser"] = k.superuser
	}
	if needLogin && !p.passwordKnown {
		p.password, p.passwordKnown, p.bumped = newPassword(), true, true
		patch["password"] = p.password
	}
	if len(patch) > 0 {
		got := c.patchUser(p.id, patch)
		if got.IsSuperuser != k.superuser || got.IsVerified != k.verified || !got.IsActive {
			c.Fatalf("fixture %s: PATCH %v gave %+v", name, patch, got)
		}
		p.email, p.superuser = got.Email, got.IsSuperuser
		p.bumped = p.bumped || demote
	}
	if needLogin {
		r := c.login(p.email, p.password)
		if r.Status == 400 {
			// An earlier case changed the password without revoking the
			// token (a failure it reported): set one again.
			p.password, p.bumped = newPassword(), true
			c.patchUser(p.id, map[string]any{"password": p.password})
			r = c.login(p.email, p.password)
		}
		p.token = c.bearer(c.must(r, 200))
		p.passwordKnown = true
	}
	if k.inactive {
		p.bumped = true
		if got := c.patchUser(p.id, map[string]any{"is_active": false}); got.IsActive {
			c.Fatalf("fixture %s: deactivating gave %+v", name, got)
		}
	}
	return &user{ID: p.id, Email: p.email, Password: p.password, Token: p.token}
}

// pooled is one of the suite's own users.
type pooled struct {
	id, email, password, token string
	// passwordKnown is false once a case may have changed the password.
	passwordKnown bool
	// superuser as last seen (dev mode registers every user as one).
	superuser bool
	// bumped: the user's tokens may have been revoked (its token version
	// is not 0 any more).
	bumped bool
}

// userPool holds the suite's users between cases.
type userPool struct {
	mu   sync.Mutex
	free []*pooled
}

// freeCount is the number of users ready for reuse.
func (p *userPool) freeCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.free)
}

// take lends a free user, preferring one that needs no login, or returns
// nil. A pristine user's tokens were never revoked, and
// turning it into k must not revoke them (a demotion would).
func (p *userPool) take(pristine bool, k kind) *pooled {
	p.mu.Lock()
	defer p.mu.Unlock()
	// A user that needs no login: a working token that the flags of k
	// leave alive (no demotion).
	ready := func(u *pooled) bool { return u.token != "" && !(u.superuser && !k.superuser) }
	best := -1
	for i, u := range p.free {
		if pristine && (u.bumped || u.superuser && !k.superuser) {
			continue
		}
		if best < 0 || (ready(u) && !ready(p.free[best])) {
			best = i
		}
	}
	if best < 0 {
		return nil
	}
	u := p.free[best]
	p.free = append(p.free[:best], p.free[best+1:]...)
	return u
}

// grow registers a new suite user; the caller lends it or (at setup)
// gives it back.
func (p *userPool) grow(c *caseT, name string) *pooled {
	c.Helper()
	email, password := c.newEmail(name), newPassword()
	r := c.must(c.do(request{method: "POST", path: c.p().register(), body: jsonBody(map[string]any{"email": email, "password": password}),
		ctype: "application/json", fixture: true}), 201)
	u := c.userRead(r)
	return &pooled{id: u.ID, email: u.Email, password: password, passwordKnown: true, superuser: u.IsSuperuser}
}

func (p *userPool) put(u *pooled) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.free = append(p.free, u)
}

// giveBack returns a lent user after its case: it stays in the pool if it
// still exists, with its token if that still works (then its password is
// unchanged too: changing a password revokes every earlier token).
func (p *userPool) giveBack(c *caseT, u *pooled) {
	if u.token != "" {
		if r, err := c.try(request{method: "GET", path: c.p().me(), token: u.token}); err == nil && r.Status == 200 {
			var me userRead
			if decodeInto(r.Body, &me) {
				u.superuser = me.IsSuperuser
			}
			p.put(u)
			return
		}
	}
	u.token, u.passwordKnown, u.bumped = "", false, true
	r, err := c.try(request{method: "GET", path: c.p().user(u.id), token: c.adminToken()})
	var got userRead
	switch {
	case err != nil:
		c.Errorf("cleanup: %v", err)
	case r.Status == 404:
		// The case deleted it.
	case r.Status == 200 && decodeInto(r.Body, &got):
		u.superuser = got.IsSuperuser
		p.put(u)
	default:
		c.Errorf("cleanup: %s", r)
	}
}

// adopt takes a user a case registered into the pool when the case ends,
// instead of deleting it.
func (c *caseT) adopt(id, email, password string) {
	c.Cleanup(func() {
		c.s.pool.giveBack(c, &pooled{id: id, email: email, password: password})
	})
}

// drain deletes every pooled user (at the end of the run).
func (p *userPool) drain(c *caseT) {
	p.mu.Lock()
	free := p.free
	p.free = nil
	p.mu.Unlock()
	for _, u := range free {
		r, err := c.try(request{method: "DELETE", path: c.p().user(u.id), token: c.adminToken()})
		switch {
		case err != nil:
			c.Errorf("teardown: deleting %s: %v", u.email, err)
		case r.Status != 204 && r.Status != 404:
			c.Errorf("teardown: deleting %s: %s", u.email, r)
		}
	}
}

// registerNew registers body (a JSON object with a fresh email), expects
// 201, and keeps the user for later cases when the case ends (deletes it
// if its password is not in body).
func (c *caseT) registerNew(body map[string]any) (*response, userRead) {
	c.Helper()
	r := c.must(c.send("POST", c.p().register(), "", body), 201)
	u := c.userRead(r)
	if pw, ok := body["password"].(string); ok {
		c.adopt(u.ID, u.Email, pw)
	} else {
		c.deleteLater(u.ID)
	}
	return r, u
}

// deleteLater deletes the user id as the admin when the case ends (a user
// already gone is fine).
func (c *caseT) deleteLater(id string) {
	c.Cleanup(func() {
		r := c.do(request{method: "DELETE", path: c.p().user(id), token: c.adminToken()})
		if r.Status != 204 && r.Status != 404 {
			c.Errorf("cleanup: %s", r)
		}
	})
}

// patchUser applies body to the user id as the admin and expects 200.
func (c *caseT) patchUser(id string, body any) userRead {
	c.Helper()
	return c.userRead(c.must(c.send("PATCH", c.p().user(id), c.adminToken(), body), 200))
}

// login posts the login form.
func (c *caseT) login(email, password string) *response {
	c.Helper()
	return c.form(c.p().login(), url.Values{"username": {email}, "password": {password}})
}

// loginToken logs in and returns the access token (the body must be the
// bearer response).
func (c *caseT) loginToken(email, password string) string {
	c.Helper()
	return c.bearer(c.must(c.login(email, password), 200))
}

// bearer checks that r is exactly {"access_token":"<jwt>","token_type":"bearer"}
// and returns the token.
func (c *caseT) bearer(r *response) string {
	c.Helper()
	var v struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(r.Body, &v); err != nil || v.AccessToken == "" {
		c.Fatalf("%s: no access_token", r)
	}
	want := `{"access_token":` + quote(v.AccessToken) + `,"token_type":"bearer"}`
	if string(r.Body) != want {
		c.Errorf("%s: want exactly {\"access_token\":\"<jwt>\",\"token_type\":\"bearer\"}", r)
	}
	if strings.Count(v.AccessToken, ".") != 2 {
		c.Errorf("%s: the access token is not a JWT", r)
	}
	return v.AccessToken
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// me returns GET /users/me for token (must be 200).
func (c *caseT) me(token string) userRead {
	c.Helper()
	return c.userRead(c.must(c.get(c.p().me(), token), 200))
}

// wantMe checks that token is u's (GET /users/me answers u's id and email).
func (c *caseT) wantMe(token string, u *user) {
	c.Helper()
	r := c.get(c.p().me(), token)
	if !c.want(r, 200) {
		return
	}
	if got := c.userRead(r); got.ID != u.ID || got.Email != u.Email {
		c.Errorf("%s: want the user %s %s", r, u.ID, u.Email)
	}
}

// upper capitalises the first letter of an address (a case variant).
func upper(email string) string {
	return strings.ToUpper(email[:1]) + email[1:]
}
