package hardening_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/zincware/zndraw-auth-go/core"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

var b64 = base64.RawURLEncoding

// compact builds a JWS from a header and claims, signing header.payload
// with HMAC-SHA256 under key (key nil: empty signature).
func compact(t *testing.T, header, claims map[string]any, key []byte) string {
	t.Helper()
	h, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	c, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	signing := b64.EncodeToString(h) + "." + b64.EncodeToString(c)
	if key == nil {
		return signing + "."
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(signing))
	return signing + "." + b64.EncodeToString(m.Sum(nil))
}

// signWith signs claims with a golang-jwt method and key, plus extra
// header fields.
func signWith(t *testing.T, method jwt.SigningMethod, key any, header, claims map[string]any) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, jwt.MapClaims(claims))
	maps.Copy(tok.Header, header)
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestJWTHardening presents forged, tampered and misused tokens to
// GET /users/me: each must get 401 {"detail":"Unauthorized"} (the JWT
// attacks of RFC 8725, token types, revocation). The accepted cases pin
// the boundaries: a token forged correctly with the real secret (so the
// rejections are about the one thing each case changes) and the 30 s
// leeway on exp, iat and nbf.
func TestJWTHardening(t *testing.T) {
	s := newServer(t, memstore.New())
	admin := s.user("admin@example.com", true)
	adminTok := s.token(admin.Email, userPassword)
	u := s.user("forged@example.com", false)     // the subject of forged tokens
	lc := s.user("lifecycle@example.com", false) // the user of the lifecycle cases
	now := s.clock.Now().Unix()
	secret := []byte(accessSecret)
	var jtis atomic.Int64

	// claims returns the claims of a login token of u, changed by edit.
	claims := func(edit func(map[string]any)) map[string]any {
		c := map[string]any{"sub": u.ID.String(), "aud": []string{core.AudienceAuth}, "iat": now, "exp": now + 3600, "jti": "forged-" + strconv.FormatInt(jtis.Add(1), 10), "tv": 0}
		if edit != nil {
			edit(c)
		}
		return c
	}
	hs256 := map[string]any{"alg": "HS256", "typ": "JWT"}
	with := func(extra map[string]any) map[string]any {
		h := maps.Clone(hs256)
		maps.Copy(h, extra)
		return h
	}
	del := func(k string) func(map[string]any) { return func(c map[string]any) { delete(c, k) } }
	set := func(k string, v any) func(map[string]any) { return func(c map[string]any) { c[k] = v } }

	// A jku/x5u target that counts fetches: the kit must never fetch.
	var fetched atomic.Int64
	keyServer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fetched.Add(1)
		w.WriteHeader(http.StatusNotFound)
	}))
	defer keyServer.Close()

	valid := compact(t, hs256, claims(nil), secret)
	seg := strings.Split(valid, ".")

	// Real tokens for the lifecycle cases.
	resetTok := s.resetToken(lc.Email)
	verifyTok := s.verifyToken(lc.Email)
	loggedOut := s.token(lc.Email, userPassword)
	requireStatus(t, s.do(request{method: "POST", path: "/auth/jwt/logout", token: loggedOut}), http.StatusNoContent, "")
	beforeChange := s.token(lc.Email, userPassword)
	requireStatus(t, s.do(request{method: "PATCH", path: "/users/me", token: beforeChange, json: map[string]string{"password": "changed password 1"}}), http.StatusOK, "")
	afterChange := s.token(lc.Email, "changed password 1")
	deleted := s.user("deleted@example.com", false)
	deletedTok := s.token(deleted.Email, userPassword)
	requireStatus(t, s.do(request{method: "DELETE", path: "/users/" + deleted.ID.String(), token: adminTok}), http.StatusNoContent, "")
	inactive := s.user("inactive@example.com", false)
	inactiveTok := s.token(inactive.Email, userPassword)
	requireStatus(t, s.do(request{method: "PATCH", path: "/users/" + inactive.ID.String(), token: adminTok, json: map[string]bool{"is_active": false}}), http.StatusOK, "")
	// The deactivated user's token must stay dead after reactivation.
	requireStatus(t, s.do(request{method: "PATCH", path: "/users/" + inactive.ID.String(), token: adminTok, json: map[string]bool{"is_active": true}}), http.StatusOK, "")

	flip := func(tok string, segment, pos int) string {
		parts := strings.Split(tok, ".")
		b := []byte(parts[segment])
		if b[pos] == 'A' {
			b[pos] = 'B'
		} else {
			b[pos] = 'A'
		}
		parts[segment] = string(b)
		return strings.Join(parts, ".")
	}
	rejected := []struct {
		name  string
		token string
		raw   string // a whole Authorization header instead of "Bearer " + token
	}{
		{"alg none", compact(t, map[string]any{"alg": "none", "typ": "JWT"}, claims(nil), nil), ""},
		{"alg None", compact(t, map[string]any{"alg": "None", "typ": "JWT"}, claims(nil), nil), ""},
		{"alg NONE", compact(t, map[string]any{"alg": "NONE", "typ": "JWT"}, claims(nil), nil), ""},
		{"alg nOnE", compact(t, map[string]any{"alg": "nOnE", "typ": "JWT"}, claims(nil), nil), ""},
		{"alg none with the HS256 signature kept", compact(t, map[string]any{"alg": "none"}, claims(nil), secret), ""},
		{"alg HS384 with the real secret", signWith(t, jwt.SigningMethodHS384, secret, nil, claims(nil)), ""},
		{"alg HS512 with the real secret", signWith(t, jwt.SigningMethodHS512, secret, nil, claims(nil)), ""},
		{"alg RS256 header on an HMAC signature", compact(t, map[string]any{"alg": "RS256", "typ": "JWT"}, claims(nil), secret), ""},
		{"alg ES256 header on an HMAC signature", compact(t, map[string]any{"alg": "ES256", "typ": "JWT"}, claims(nil), secret), ""},
		{"alg missing", compact(t, map[string]any{"typ": "JWT"}, claims(nil), secret), ""},
		{"kid unknown", compact(t, with(map[string]any{"kid": "1"}), claims(nil), secret), ""},
		{"kid path traversal", compact(t, with(map[string]any{"kid": "../../dev/null"}), claims(nil), secret), ""},
		{"kid SQL injection", compact(t, with(map[string]any{"kid": "' OR '1'='1"}), claims(nil), secret), ""},
		{"jku to a local key server", compact(t, with(map[string]any{"jku": keyServer.URL + "/jwks.json"}), claims(nil), secret), ""},
		{"x5u to a local key server", compact(t, with(map[string]any{"x5u": keyServer.URL + "/cert.pem"}), claims(nil), secret), ""},
		{"jwk embedded key", compact(t, with(map[string]any{"jwk": map[string]any{"kty": "oct", "k": b64.EncodeToString(secret)}}), claims(nil), secret), ""},
		{"x5c chain", compact(t, with(map[string]any{"x5c": []string{"MIIB"}}), claims(nil), secret), ""},
		{"crit header", compact(t, with(map[string]any{"crit": []string{"exp"}}), claims(nil), secret), ""},
		{"another secret", compact(t, hs256, claims(nil), []byte("another-secret-of-sufficient-length-0123")), ""},
		{"reset secret", compact(t, hs256, claims(nil), []byte(resetSecret)), ""},
		{"empty secret", compact(t, hs256, claims(nil), []byte{}), ""},
		{"exp missing", compact(t, hs256, claims(del("exp")), secret), ""},
		{"exp 31 s ago (leeway 30 s)", compact(t, hs256, claims(set("exp", now-31)), secret), ""},
		{"exp as a list", compact(t, hs256, claims(set("exp", []int64{now + 3600})), secret), ""},
		{"exp as a non-numeric string", compact(t, hs256, claims(set("exp", "tomorrow")), secret), ""},
		{"iat 31 s in the future", compact(t, hs256, claims(set("iat", now+31)), secret), ""},
		{"iat 10 min in the future", compact(t, hs256, claims(set("iat", now+600)), secret), ""},
		{"nbf 31 s in the future", compact(t, hs256, claims(set("nbf", now+31)), secret), ""},
		{"nbf 120 s in the future", compact(t, hs256, claims(set("nbf", now+120)), secret), ""},
		{"aud missing", compact(t, hs256, claims(del("aud")), secret), ""},
		{"aud other", compact(t, hs256, claims(set("aud", []string{"other"})), secret), ""},
		{"aud fastapi-users:auth.evil", compact(t, hs256, claims(set("aud", "fastapi-users:auth.evil")), secret), ""},
		{"aud prefix fastapi-users:aut", compact(t, hs256, claims(set("aud", "fastapi-users:aut")), secret), ""},
		{"aud fastapi-users:reset", compact(t, hs256, claims(set("aud", core.AudienceReset)), secret), ""},
		{"aud FASTAPI-USERS:AUTH", compact(t, hs256, claims(set("aud", "FASTAPI-USERS:AUTH")), secret), ""},
		{"sub missing", compact(t, hs256, claims(del("sub")), secret), ""},
		{"sub not a UUID", compact(t, hs256, claims(set("sub", "admin")), secret), ""},
		{"sub unknown user", compact(t, hs256, claims(set("sub", "00000000-0000-4000-8000-000000000000")), secret), ""},
		{"sub as a number", compact(t, hs256, claims(set("sub", 42)), secret), ""},
		{"tv from the future", compact(t, hs256, claims(set("tv", 7)), secret), ""},
		{"impersonated_by not a UUID", compact(t, hs256, claims(set("impersonated_by", "root")), secret), ""},
		{"reset token as bearer", resetTok, ""},
		{"verification token as bearer", verifyTok, ""},
		{"revoked jti (after logout)", loggedOut, ""},
		{"minted before a password change", beforeChange, ""},
		{"deleted user", deletedTok, ""},
		{"user deactivated (and reactivated since)", inactiveTok, ""},
		{"header byte flipped", flip(valid, 0, 5), ""},
		{"payload byte flipped", flip(valid, 1, 10), ""},
		{"signature byte flipped", flip(valid, 2, 3), ""},
		{"signature stripped (header.payload.)", seg[0] + "." + seg[1] + ".", ""},
		{"two segments", seg[0] + "." + seg[1], ""},
		{"four segments", valid + "." + seg[2], ""},
		{"standard base64 characters", seg[0] + "." + seg[1] + "." + strings.NewReplacer("-", "+", "_", "/").Replace(seg[2]) + "+/", ""},
		{"padding on the signature", valid + "=", ""},
		{"padding on the payload", seg[0] + "." + seg[1] + "==." + seg[2], ""},
		{"non-base64url character", seg[0] + "." + seg[1] + "." + seg[2][:10] + "*" + seg[2][11:], ""},
		{"whitespace inside", seg[0] + ". " + seg[1] + "." + seg[2], ""},
		{"empty bearer", "", "Bearer "},
		{"Basic scheme", "", "Basic " + valid},
		{"token without scheme", "", valid},
		{"two spaces after Bearer", "", "Bearer  " + valid},
		{"100 KB Authorization header", "", "Bearer " + strings.Repeat("a", 100<<10)},
		{"100 KB token with valid prefix", "", "Bearer " + valid + strings.Repeat("A", 100<<10)},
	}
	for _, tc := range rejected {
		t.Run("reject/"+tc.name, func(t *testing.T) {
			rq := request{method: "GET", path: "/users/me", token: tc.token, raw: tc.raw}
			start := time.Now()
			r := s.do(rq)
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
			if r.status != http.StatusUnauthorized || string(r.body) != `{"detail":"Unauthorized"}` {
				t.Fatalf("got %s, want 401 Unauthorized", r)
			}
		})
	}
	if n := fetched.Load(); n != 0 {
		t.Errorf("the kit fetched a jku/x5u URL %d times", n)
	}

	accepted := []struct {
		name  string
		token string
		raw   string
	}{
		{"correctly forged with the real secret (control)", valid, ""},
		{"exp 29 s ago (within the 30 s leeway)", compact(t, hs256, claims(set("exp", now-29)), secret), ""},
		{"exp = now (within the leeway)", compact(t, hs256, claims(set("exp", now)), secret), ""},
		{"iat 29 s in the future", compact(t, hs256, claims(set("iat", now+29)), secret), ""},
		{"nbf 29 s in the future", compact(t, hs256, claims(set("nbf", now+29)), secret), ""},
		{"aud as a string", compact(t, hs256, claims(set("aud", core.AudienceAuth)), secret), ""},
		{"no jti (a reference token)", compact(t, hs256, claims(del("jti")), secret), ""},
		{"minted after the password change", afterChange, ""},
		{"lower-case scheme", "", "bearer " + afterChange},
	}
	for _, tc := range accepted {
		t.Run("accept/"+tc.name, func(t *testing.T) {
			r := s.do(request{method: "GET", path: "/users/me", token: tc.token, raw: tc.raw})
			if r.status != http.StatusOK {
				t.Fatalf("got %s, want 200", r)
			}
		})
	}
	t.Logf("%d hostile tokens → 401 each; %d boundary tokens → 200; jku/x5u fetches: %d", len(rejected), len(accepted), fetched.Load())
}

// TestJWTOversizedHeaderRejectedByServer: behind a server with a header
// limit (the example servers use 64 KiB), a 100 KB Authorization header is
// refused with 431 before it reaches the kit, fast, never a 5xx or a dropped
// connection.
func TestJWTOversizedHeaderRejectedByServer(t *testing.T) {
	s := newServer(t, memstore.New(), withMaxHeaderBytes(64<<10))
	start := time.Now()
	r := s.do(request{method: "GET", path: "/users/me", raw: "Bearer " + strings.Repeat("a", 100<<10)})
	d := time.Since(start)
	if r.status != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("got %s, want 431", r)
	}
	if d > 2*time.Second {
		t.Fatalf("took %v", d)
	}
	t.Logf("100 KB Authorization header, MaxHeaderBytes 64 KiB → %d in %v", r.status, d.Round(time.Microsecond))
}

// TestJWTRevokedTokenWithLineBreak: a revoked token stays revoked however
// it is re-encoded. encoding/base64 skips CR and LF even in strict mode, so
// a token with a line break inserted verifies as the original; for a token
// without jti (one minted by the reference, which the kit must accept) the
// revocation key is derived from the signature *string*, so the altered
// token escapes a logout. Net/http cannot carry CR/LF in a
// header, but host code that passes tokens from elsewhere (a Socket.IO auth
// payload, a cookie it decodes) calls Service.CurrentUser directly.
func TestJWTRevokedTokenWithLineBreak(t *testing.T) {
	s := newServer(t, memstore.New())
	u := s.user("reference@example.com", false)
	now := s.clock.Now().Unix()
	// A reference-style token: no jti, no tv.
	tok := compact(t, map[string]any{"alg": "HS256", "typ": "JWT"},
		map[string]any{"sub": u.ID.String(), "aud": []string{core.AudienceAuth}, "exp": now + 3600}, []byte(accessSecret))
	ctx := t.Context()
	p, err := s.svc.CurrentUser(ctx, tok, core.AccessActive)
	if err != nil {
		t.Fatalf("reference-style token rejected: %v", err)
	}
	if err := s.svc.Logout(ctx, p, core.RequestMeta{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.CurrentUser(ctx, tok, core.AccessActive); !errors.Is(err, core.ErrUnauthorized) {
		t.Fatalf("revoked token: %v, want ErrUnauthorized", err)
	}
	i := strings.LastIndexByte(tok, '.') + 5
	for _, variant := range []string{tok[:i] + "\n" + tok[i:], tok[:i] + "\r" + tok[i:], tok + "\r\n"} {
		if _, err := s.svc.CurrentUser(ctx, variant, core.AccessActive); !errors.Is(err, core.ErrUnauthorized) {
			t.Errorf("revoked token with a line break %q: %v, want ErrUnauthorized", variant[i-2:i+3], err)
		}
	}
}
