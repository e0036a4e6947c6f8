package conformance

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
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

// kind is a fixture user's flags (CONTRACT §11 notation).
type kind struct{ inactive, verified, superuser bool }

var (
	kindU  = kind{}                                // active, unverified, regular
	kindI  = kind{inactive: true}                  // inactive
	kindV  = kind{verified: true}                  // verified
	kindS  = kind{superuser: true}                 // superuser, unverified
	kindVS = kind{verified: true, superuser: true} // verified superuser
)

// user is a fixture user. Token was minted right after registration (for an
// inactive user: before the deactivation, which revokes it).
type user struct {
	ID, Email, Password, Token string
}

// register posts {"email","password"} to the register route.
func (c *caseT) register(email, password string) *response {
	c.Helper()
	return c.send("POST", c.p().register(), "", map[string]any{"email": email, "password": password})
}

// newUser registers a fresh user named name, gives it the flags of k (as
// the admin) and deletes it when the case ends.
func (c *caseT) newUser(name string, k kind) *user {
	c.Helper()
	email, password := c.newEmail(name), newPassword()
	created := c.userRead(c.must(c.register(email, password), 201))
	c.deleteLater(created.ID)
	u := &user{ID: created.ID, Email: created.Email, Password: password}
	// The flags first (a demotion ends the user's earlier tokens), then the
	// login, then the deactivation (which revokes that token).
	patch := map[string]any{}
	if created.IsSuperuser != k.superuser {
		patch["is_superuser"] = k.superuser
	}
	if k.verified {
		patch["is_verified"] = true
	}
	got := created
	if len(patch) > 0 {
		got = c.patchUser(u.ID, patch)
	}
	u.Token = c.loginToken(email, password)
	if k.inactive {
		patch["is_active"] = false
		got = c.patchUser(u.ID, map[string]any{"is_active": false})
	}
	if got.IsActive == k.inactive || got.IsSuperuser != k.superuser || got.IsVerified != k.verified {
		c.Fatalf("fixture %s: PATCH %v gave %+v", name, patch, got)
	}
	return u
}

// registerNew registers body (a JSON object with a fresh email), expects 201
// and deletes the user when the case ends.
func (c *caseT) registerNew(body any) (*response, userRead) {
	c.Helper()
	r := c.must(c.send("POST", c.p().register(), "", body), 201)
	u := c.userRead(r)
	c.deleteLater(u.ID)
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
