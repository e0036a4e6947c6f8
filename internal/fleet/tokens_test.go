package fleet_test

import (
	"testing"
	"time"

	"github.com/zincware/zndraw-auth-go/core"
)

// mintedTokens mints one token of every kind on k: login, CLI (approved by
// and for u), impersonation (admin for u), reset and verify (for u).
func mintedTokens(t *testing.T, k *kit, admin, u core.User) map[string]string {
	t.Helper()
	ctx := t.Context()
	toks := map[string]string{"login": k.login(t, u.Email)}

	ch, err := k.svc.CreateCLIChallenge(ctx, core.RequestMeta{})
	if err != nil {
		t.Fatal(err)
	}
	if err := k.svc.ApproveCLIChallenge(ctx, k.principal(t, toks["login"], core.AccessActive), ch.Code, core.RequestMeta{}); err != nil {
		t.Fatal(err)
	}
	res, err := k.svc.PollCLIChallenge(ctx, ch.Code, ch.Secret, core.RequestMeta{})
	if err != nil || res.Token == "" {
		t.Fatalf("PollCLIChallenge = %+v, %v", res, err)
	}
	toks["cli"] = res.Token

	ap := k.principal(t, k.login(t, admin.Email), core.AccessSuperuser)
	if toks["impersonation"], err = k.svc.MintImpersonationToken(ctx, ap, u.ID, core.RequestMeta{}); err != nil {
		t.Fatal(err)
	}
	if err := k.svc.ForgotPassword(ctx, u.Email, core.RequestMeta{}); err != nil {
		t.Fatal(err)
	}
	if err := k.svc.RequestVerify(ctx, u.Email, core.RequestMeta{}); err != nil {
		t.Fatal(err)
	}
	if err := k.svc.Drain(ctx); err != nil { // the delivery hooks run in the background
		t.Fatal(err)
	}
	k.mail.mu.Lock()
	toks["reset"], toks["verify"] = k.mail.reset, k.mail.verify
	k.mail.mu.Unlock()
	return toks
}

// pyDecoder is how fastapi-users reads a token of each kind: the secret,
// the audience list it passes to decode_jwt, and whether it is an access
// token (whose sub JWTStrategy.read_token parses as a UUID).
var pyDecoder = map[string]struct {
	secret   string
	audience []string
	access   bool
}{
	"login":         {accessSecret, []string{core.AudienceAuth}, true},
	"cli":           {accessSecret, []string{core.AudienceAuth}, true},
	"impersonation": {accessSecret, []string{core.AudienceAuth}, true},
	"reset":         {resetSecret, []string{core.AudienceReset}, false},
	"verify":        {verifySecret, []string{core.AudienceVerify}, false},
}

// TestKitTokensVerifyOnPythonHostsBehind mints every kind of token on the
// kit and decodes it the way a zndraw-auth service does (fastapi-users'
// decode_jwt: PyJWT, no leeway) on a host whose clock is 30 s behind the
// kit's: every token verifies. 31 s behind, PyJWT refuses them as not yet
// valid (iat in its future), which shows the check is real and where its
// limit lies. The kit's clock is tried on a whole second and just before
// the next one, the two ends of iat's truncation to seconds.
func TestKitTokensVerifyOnPythonHostsBehind(t *testing.T) {
	py := findPython(t)
	for _, frac := range []time.Duration{0, time.Second - time.Microsecond} {
		t.Run(frac.String(), func(t *testing.T) {
			now := time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC).Add(frac)
			k := newKit(t, nil, now)
			admin := k.user(t, "admin@example.com", true)
			u := k.user(t, "alice@example.com", false)
			toks := mintedTokens(t, k, admin, u)

			var ops []map[string]any
			var names []string
			var behind []time.Duration
			for name, tok := range toks {
				d := pyDecoder[name]
				for _, b := range []time.Duration{30 * time.Second, 31 * time.Second} {
					ops = append(ops, decodeOp(tok, d.secret, d.audience, now.Add(-b), d.access))
					names = append(names, name)
					behind = append(behind, b)
				}
			}
			for i, r := range py.decode(t, ops) {
				switch {
				case behind[i] == 30*time.Second && !r.OK:
					t.Errorf("%s token, Python host %v behind: refused (%s), want accepted", names[i], behind[i], r.Error)
				case behind[i] == 30*time.Second && r.Payload["sub"] != u.ID.String():
					t.Errorf("%s token: sub %v, want %s", names[i], r.Payload["sub"], u.ID)
				case behind[i] > 30*time.Second && (r.OK || r.Error != "ImmatureSignatureError"):
					t.Errorf("%s token, Python host %v behind: ok=%v error=%q, want ImmatureSignatureError", names[i], behind[i], r.OK, r.Error)
				}
			}
		})
	}
}

// TestReferenceTokensVerifyOnKit mints tokens the way zndraw-auth does
// (fastapi-users' generate_jwt for login, reset and verify tokens,
// zndraw-auth's claims for CLI and admin tokens) with PyJWT on a host whose
// clock is 30 s ahead of the kit's, and uses them on the kit: each works
// for what it was minted for (the 30 s leeway covers the iat in the kit's
// future). A reference login token is then logged out on the kit, and a
// reference token survives no password change: revocation stays exact for
// tokens that carry neither jti nor tv.
func TestReferenceTokensVerifyOnKit(t *testing.T) {
	py := findPython(t)
	now := time.Date(2026, 3, 14, 15, 9, 26, 500_000_000, time.UTC)
	k := newKit(t, nil, now)
	ctx := t.Context()
	admin := k.user(t, "admin@example.com", true)
	u := k.user(t, "alice@example.com", false)
	host := unixFloat(now.Add(30 * time.Second))
	secs := int(lifetime / time.Second)

	ops := []map[string]any{
		{"op": "generate_jwt", "data": map[string]any{"sub": u.ID.String(), "aud": []string{core.AudienceAuth}},
			"secret": accessSecret, "lifetime": secs, "now": host},
		{"op": "mint_jwt", "sub": u.ID.String(), "secret": accessSecret, "lifetime": secs, "now": host},
		{"op": "mint_jwt", "sub": u.ID.String(), "secret": accessSecret, "lifetime": secs, "now": host,
			"extra": map[string]any{"impersonated_by": admin.ID.String()}},
		{"op": "generate_jwt", "data": map[string]any{"sub": u.ID.String(), "email": u.Email, "aud": core.AudienceVerify},
			"secret": verifySecret, "lifetime": secs, "now": host},
	}
	if py.env.Argon2 {
		fgpt := py.tokens(t, map[string]any{"op": "argon2", "password": u.HashedPassword})[0]
		ops = append(ops, map[string]any{"op": "generate_jwt",
			"data":   map[string]any{"sub": u.ID.String(), "password_fgpt": fgpt, "aud": core.AudienceReset},
			"secret": resetSecret, "lifetime": secs, "now": host})
	} else {
		t.Log("argon2-cffi missing (apt-get install python3-argon2): the reference reset token is not tried")
	}
	toks := py.tokens(t, ops...)
	login, cli, imp, verify := toks[0], toks[1], toks[2], toks[3]

	for name, tok := range map[string]string{"login": login, "cli": cli, "impersonation": imp} {
		p, err := k.svc.CurrentUser(ctx, tok, core.AccessActive)
		if err != nil || p.User.ID != u.ID {
			t.Errorf("reference %s token on the kit: %v, %v; want alice", name, p, err)
			continue
		}
		if want := name == "impersonation"; p.Token.Impersonated() != want {
			t.Errorf("reference %s token: impersonated %v, want %v", name, p.Token.Impersonated(), want)
		}
	}
	if _, err := k.svc.CurrentUser(ctx, imp, core.AccessSuperuser); err == nil {
		t.Error("a reference impersonation token passed a superuser check")
	}
	if v, err := k.svc.Verify(ctx, verify, core.RequestMeta{}); err != nil || !v.IsVerified {
		t.Errorf("reference verify token: %+v, %v", v, err)
	}

	// Logout revokes a reference token (no jti: by its signature) ...
	p := k.principal(t, login, core.AccessActive)
	if err := k.svc.Logout(ctx, p, core.RequestMeta{}); err != nil {
		t.Fatal(err)
	}
	if _, err := k.svc.CurrentUser(ctx, login, core.AccessActive); err == nil {
		t.Error("a logged-out reference token still works")
	}
	// ... and a password change every reference token of the user (no tv:
	// version 0), while a token the kit mints right after works.
	if len(toks) > 4 {
		if err := k.svc.ResetPassword(ctx, toks[4], "a new password 123", core.RequestMeta{}); err != nil {
			t.Fatalf("reference reset token on the kit: %v", err)
		}
	} else {
		if _, err := k.svc.UpdateSelf(ctx, k.principal(t, cli, core.AccessActive),
			core.UserUpdate{Password: ptr("a new password 123")}, core.RequestMeta{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := k.svc.CurrentUser(ctx, cli, core.AccessActive); err == nil {
		t.Error("a reference token minted before the password change still works")
	}
	sess, err := k.svc.Login(ctx, u.Email, "a new password 123", core.RequestMeta{})
	if err != nil {
		t.Fatal(err)
	}
	k.principal(t, sess.AccessToken, core.AccessActive)
}

// TestKitTokensRevokedExactly checks that dating iat back changes nothing
// in revocation: within one second of the kit's clock, tokens minted before
// "logout everywhere" are refused and tokens minted after it work.
func TestKitTokensRevokedExactly(t *testing.T) {
	now := time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)
	k := newKit(t, nil, now)
	u := k.user(t, "alice@example.com", false)
	before := k.login(t, u.Email)
	if err := k.svc.LogoutEverywhere(t.Context(), u, core.RequestMeta{}); err != nil {
		t.Fatal(err)
	}
	after := k.login(t, u.Email)
	if _, err := k.svc.CurrentUser(t.Context(), before, core.AccessActive); err == nil {
		t.Error("a token minted before LogoutEverywhere, in the same second, still works")
	}
	p := k.principal(t, after, core.AccessActive)
	if want := now.Add(-core.IssuedAtSkew); !p.Token.IssuedAt.Equal(want) {
		t.Errorf("IssuedAt = %v, want %v (the mint time less IssuedAtSkew)", p.Token.IssuedAt, want)
	}
}

func ptr[T any](v T) *T { return &v }
