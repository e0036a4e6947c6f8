package conformance

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
)

// serverTime is the server's time when it sent r: its clock, when the
// target's Clock can tell it (an in-process server), else r's Date header
// (whole seconds). ok is false when neither is known.
func (c *caseT) serverTime(r *response) (now time.Time, slack time.Duration, ok bool) {
	if clk, isClock := c.s.t.Clock.(interface{ Now() time.Time }); isClock {
		return clk.Now(), 0, true
	}
	// A Date header has whole seconds, and servers that cache it (fasthttp
	// renews it once a second) send it up to a second late.
	d, err := http.ParseTime(r.Header.Get("Date"))
	return d, time.Second, err == nil
}

// wantIatDatedBack checks that the token minted for the answer r dates its
// iat at least 30 s before the server's time, so that a verifier without
// leeway (PyJWT, as zndraw-auth's services use it) accepts it on a host
// whose clock is up to 30 s behind the server's.
func (c *caseT) wantIatDatedBack(what string, r *response, tok string) {
	c.Helper()
	now, slack, ok := c.serverTime(r)
	if !ok {
		c.Logf("%s: the server's time is unknown (no Clock, no Date header): iat not checked", what)
		return
	}
	p := c.mustDecode(tok)
	iat, ok1 := p.intClaim("iat")
	exp, ok2 := p.intClaim("exp")
	if !ok1 || !ok2 {
		c.Errorf("%s: iat %v, exp %v: want integers", what, p.claims["iat"], p.claims["exp"])
		return
	}
	if limit := now.Add(slack).Unix() - 30; iat > limit {
		c.Errorf("%s: iat %d is %d s before the server's time %d: want at least 30 s, or a Python service whose clock is behind refuses the token", what, iat, now.Unix()-iat, now.Unix())
	}
	if exp-iat <= 30 {
		c.Errorf("%s: iat %d, exp %d: want exp more than 30 s after iat", what, iat, exp)
	}
}

// wantAccessClaims checks the claims every access token minted by the kit
// carries: HS256, sub, the auth audience (a list for login tokens, a string
// for CLI and admin tokens), integer iat and exp with exp after iat, and a
// string jti. It returns the decoded token.
func (c *caseT) wantAccessClaims(what, tok, sub string, audList bool) jwtParts {
	c.Helper()
	p := c.mustDecode(tok)
	if p.header["alg"] != "HS256" {
		c.Errorf("%s: header %v, want alg HS256", what, p.header)
	}
	if p.claims["sub"] != sub {
		c.Errorf("%s: sub = %v, want %s", what, p.claims["sub"], sub)
	}
	aud := p.claims["aud"]
	if audList {
		if l, ok := aud.([]any); !ok || len(l) != 1 || l[0] != "fastapi-users:auth" {
			c.Errorf("%s: aud = %#v, want [\"fastapi-users:auth\"]", what, aud)
		}
	} else if aud != "fastapi-users:auth" {
		c.Errorf("%s: aud = %#v, want \"fastapi-users:auth\"", what, aud)
	}
	iat, ok1 := p.intClaim("iat")
	exp, ok2 := p.intClaim("exp")
	if !ok1 || !ok2 || exp <= iat {
		c.Errorf("%s: iat %v, exp %v: want integers with exp > iat", what, p.claims["iat"], p.claims["exp"])
	}
	if jti, ok := p.claims["jti"].(string); !ok || jti == "" {
		c.Errorf("%s: jti = %#v, want a non-empty string", what, p.claims["jti"])
	}
	if n := slices.Index(p.claimKeys, "sub"); n != 0 {
		c.Errorf("%s: claims %v: sub must come first, as the reference emits it", what, p.claimKeys)
	}
	return p
}

// tokenCases check the tokens minted by the server and the tokens it
// refuses: the reference's claims plus the kit's own, and the forgeries
// the kit refuses where the reference would accept them.
func tokenCases() []testCase {
	return []testCase{
		{id: "FIX16_login_token_claims", name: "a login token: HS256 with sub, aud [\"fastapi-users:auth\"], iat, exp, jti", why: "tokens the Python service and this kit both accept, each unique", users: 1, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			p := c.wantAccessClaims("login token", u.Token, u.ID, true)
			if _, ok := p.claims["impersonated_by"]; ok {
				c.Errorf("a login token carries impersonated_by")
			}
			if other := c.mustDecode(c.loginToken(u.Email, u.Password)); other.claims["jti"] == p.claims["jti"] {
				c.Errorf("two login tokens share the jti %v", p.claims["jti"])
			}
		}},
		{id: "FIX17_cli_admin_token_claims", name: "CLI and admin tokens: aud \"fastapi-users:auth\" (a string), iat, exp, jti; admin tokens carry impersonated_by = the admin", why: "the same for CLI and admin tokens, with the minting admin recorded", users: 1, uses: spend{budgetCLI: 1}, fn: func(c *caseT) {
			u := c.newUser("browser", kindU)
			ch := c.createChallenge()
			c.wantApproved(c.approve(ch.Code, u.Token))
			if tok := c.redeemed(c.poll(ch)); tok != "" {
				p := c.wantAccessClaims("CLI token", tok, u.ID, false)
				if _, ok := p.claims["impersonated_by"]; ok {
					c.Errorf("a CLI token carries impersonated_by")
				}
			}
			tok := c.bearer(c.must(c.mint(u.ID, c.adminToken()), 200))
			p := c.wantAccessClaims("admin token", tok, u.ID, false)
			if p.claims["impersonated_by"] != c.adminID() {
				c.Errorf("impersonated_by = %v, want the admin %s", p.claims["impersonated_by"], c.adminID())
			}
		}},
		{id: "FIX28_iat_dated_back", name: "login, CLI and admin tokens date iat 30 s back, so verifiers without leeway accept them on hosts whose clock is up to 30 s behind", why: "Python services of a mixed fleet verify without leeway; a few seconds of clock skew must not refuse the kit's tokens", users: 1, uses: spend{budgetCLI: 1}, fn: func(c *caseT) {
			u := c.newUser("browser", kindU)
			r := c.must(c.login(u.Email, u.Password), 200)
			c.wantIatDatedBack("login token", r, c.bearer(r))
			ch := c.createChallenge()
			c.wantApproved(c.approve(ch.Code, u.Token))
			r = c.poll(ch)
			if tok := c.redeemed(r); tok != "" {
				c.wantIatDatedBack("CLI token", r, tok)
			}
			r = c.must(c.mint(u.ID, c.adminToken()), 200)
			c.wantIatDatedBack("admin token", r, c.bearer(r))
		}},
		{id: "FIX18_token_tampering", name: "alg none, a changed payload, a truncated or extended token: 401", why: "tampered tokens are refused", users: 2, fn: func(c *caseT) {
			u, other := c.newUser("u", kindU), c.newUser("other", kindU)
			seg := strings.Split(u.Token, ".")
			claims := c.mustDecode(u.Token).claims
			claims["sub"] = other.ID
			payload, _ := json.Marshal(claims)
			swapped := seg[0] + "." + base64.RawURLEncoding.EncodeToString(payload) + "." + seg[2]
			for name, tok := range map[string]string{
				"alg none":          forge("none", nil, nil, claims),
				"alg none, no dot":  strings.TrimSuffix(forge("none", nil, nil, claims), "."),
				"payload swapped":   swapped,
				"signature dropped": seg[0] + "." + seg[1] + ".",
				"truncated":         u.Token[:len(u.Token)-2],
				"extra segment":     u.Token + ".e30",
				"lowercased":        strings.ToLower(u.Token),
			} {
				if r := c.get(c.p().me(), tok); r.Status != 401 {
					c.Errorf("%s: %s: want 401", name, r)
				}
			}
			c.wantMe(u.Token, u)
		}},
		{id: "FIX19_forged_tokens", name: "tokens signed with the real secret: accepted as the reference mints them, refused without exp, with another audience or algorithm, expired, future iat/nbf, bad sub or forged impersonated_by", why: "validly signed tokens are still checked: expiry, audience, algorithm, subject, impersonation", needs: needSecret, users: 3, fn: func(c *caseT) {
			u := c.newUser("u", kindU)
			key := []byte(c.s.t.SecretKey)
			now := c.serverNow()
			base := func() map[string]any {
				return map[string]any{"sub": u.ID, "aud": "fastapi-users:auth", "iat": now - 5, "exp": now + 600}
			}
			with := func(k string, v any) map[string]any {
				m := base()
				if v == nil {
					delete(m, k)
				} else {
					m[k] = v
				}
				return m
			}
			// Accepted: what the reference mints (login: aud list, no iat, no
			// jti, no tv), for a user whose token version is still 0 (kindS:
			// never demoted, in either mode; a demotion bumps the version).
			ref := c.newPristineUser("ref", kindS)
			refClaims := base()
			refClaims["sub"] = ref.ID
			c.wantMe(forge("HS256", key, nil, map[string]any{"sub": ref.ID, "aud": []string{"fastapi-users:auth"}, "exp": now + 600}), ref)
			c.wantMe(forge("HS256", key, nil, refClaims), ref)
			// A forged impersonation token is fenced like a real one, and its
			// control without impersonated_by passes.
			s := c.newPristineUser("s", kindS)
			sclaims := base()
			sclaims["sub"] = s.ID
			c.must(c.mint(u.ID, forge("HS256", key, nil, sclaims)), 200)
			sclaims["impersonated_by"] = c.adminID()
			c.want(c.mint(u.ID, forge("HS256", key, nil, sclaims)), 403)
			for name, tok := range map[string]string{
				"no exp":                            forge("HS256", key, nil, with("exp", nil)),
				"expired":                           forge("HS256", key, nil, with("exp", now-3600)),
				"exp 0":                             forge("HS256", key, nil, with("exp", 0)),
				"exp a string":                      forge("HS256", key, nil, with("exp", "tomorrow")),
				"no aud":                            forge("HS256", key, nil, with("aud", nil)),
				"aud reset":                         forge("HS256", key, nil, with("aud", "fastapi-users:reset")),
				"aud verify":                        forge("HS256", key, nil, with("aud", "fastapi-users:verify")),
				"aud other list":                    forge("HS256", key, nil, with("aud", []string{"other"})),
				"HS512":                             forge("HS512", key, nil, base()),
				"iat in the future":                 forge("HS256", key, nil, with("iat", now+3600)),
				"nbf in the future":                 forge("HS256", key, nil, with("nbf", now+3600)),
				"sub a number":                      forge("HS256", key, nil, with("sub", 123)),
				"sub not a uuid":                    forge("HS256", key, nil, with("sub", "foo")),
				"sub unknown":                       forge("HS256", key, nil, with("sub", randomUUID())),
				"no sub":                            forge("HS256", key, nil, with("sub", nil)),
				"jti a number":                      forge("HS256", key, nil, with("jti", 7)),
				"kid header":                        forge("HS256", key, map[string]any{"kid": "k1"}, base()),
				"jku header":                        forge("HS256", key, map[string]any{"jku": "https://example.com/jwks"}, base()),
				"impersonated_by a regular user":    forge("HS256", key, nil, with("impersonated_by", u.ID)),
				"impersonated_by not a uuid":        forge("HS256", key, nil, with("impersonated_by", "admin")),
				"impersonated_by an unknown user":   forge("HS256", key, nil, with("impersonated_by", randomUUID())),
				"signed with the secret + a suffix": forge("HS256", append(append([]byte{}, key...), 'x'), nil, base()),
			} {
				if r := c.get(c.p().me(), tok); r.Status != 401 {
					c.Errorf("%s: %s: want 401", name, r)
				}
			}
		}},
	}
}
