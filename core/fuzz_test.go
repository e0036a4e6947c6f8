package core_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// The fixed world of FuzzCurrentUser: one user, one valid token, a frozen
// clock, so every input is deterministic.
var (
	fuzzNow    = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	fuzzUserID = uuid.MustParse("8f14e45f-ceea-467f-a0e6-3b1c4a2f5d11")
)

const fuzzSecret = "fuzz-access-secret-0123456789abcdef0123"

// fuzzService returns a service with one active user and a valid access
// token for it, signed like the kit's own (HS256, the same claims).
func fuzzService(tb testing.TB) (*core.Service, string) {
	tb.Helper()
	ctx := context.Background()
	st := memstore.New()
	if _, err := st.CreateUser(ctx, core.User{ID: fuzzUserID, Email: "fuzz@example.com", HashedPassword: "unused", IsActive: true}); err != nil {
		tb.Fatal(err)
	}
	settings := core.DefaultSettings()
	settings.SecretKey = fuzzSecret
	settings.ResetPasswordTokenSecret = fuzzSecret + "-reset"
	settings.VerificationTokenSecret = fuzzSecret + "-verify"
	settings.DefaultAdminEmail = "root@example.com"
	settings.RateLimit.Enabled = false
	svc, err := core.New(st, settings,
		core.WithClock(core.ClockFunc(func() time.Time { return fuzzNow })),
		core.WithHasher(password.New(password.TestParams)),
		core.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = svc.Close() })
	token, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"sub": fuzzUserID.String(),
		"aud": []string{core.AudienceAuth},
		"iat": fuzzNow.Unix(),
		"exp": fuzzNow.Add(time.Hour).Unix(),
		"jti": "fuzz-jti-0001",
		"tv":  0,
	}).SignedString([]byte(fuzzSecret))
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := svc.CurrentUser(ctx, token, core.AccessActive); err != nil {
		tb.Fatalf("the fuzz target's valid token is rejected: %v", err)
	}
	return svc, token
}

// fuzzCandidate builds the token to present from the fuzz input: the raw
// string (mode 0), the valid token with one byte XOR-ed (1), with the
// string inserted (2), or truncated and extended with it (3).
func fuzzCandidate(valid, s string, pos uint16, xor byte, mode uint8) string {
	at := int(pos) % (len(valid) + 1)
	switch mode % 4 {
	case 1:
		b := []byte(valid)
		b[int(pos)%len(b)] ^= xor
		return string(b)
	case 2:
		return valid[:at] + s + valid[at:]
	case 3:
		return valid[:at] + s
	default:
		return s
	}
}

// FuzzCurrentUser feeds arbitrary strings and mutations of a valid token to
// Service.CurrentUser: it never panics, a token is
// accepted only if its bytes equal the issued token's (a tampered token
// never verifies, and strict base64url decoding leaves no second encoding
// of the same token), and every rejection is ErrUnauthorized, never an
// internal error; with AccessOptional a rejection is (nil, nil).
//
//	go test -run '^$' -fuzz '^FuzzCurrentUser$' -fuzztime 10s ./core
func FuzzCurrentUser(f *testing.F) {
	svc, valid := fuzzService(f)
	f.Add("", uint16(0), byte(0), uint8(0))
	f.Add(valid, uint16(0), byte(0), uint8(0))
	f.Add("garbage", uint16(0), byte(0), uint8(0))
	f.Add("a.b.c", uint16(0), byte(0), uint8(0))
	f.Add("eyJhbGciOiJub25lIn0.eyJzdWIiOiI4ZjE0ZTQ1Zi1jZWVhLTQ2N2YtYTBlNi0zYjFjNGEyZjVkMTEifQ.", uint16(0), byte(0), uint8(0))
	f.Add("", uint16(10), byte(1), uint8(1))  // header bit flip
	f.Add("", uint16(60), byte(32), uint8(1)) // payload case flip
	f.Add("", uint16(170), byte(1), uint8(1)) // signature bit flip
	f.Add("=", uint16(65535), byte(0), uint8(2))
	f.Add(".x", uint16(65535), byte(0), uint8(2))
	f.Add("A", uint16(1), byte(0), uint8(3))
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, s string, pos uint16, xor byte, mode uint8) {
		tok := fuzzCandidate(valid, s, pos, xor, mode)
		p, err := svc.CurrentUser(ctx, tok, core.AccessActive)
		switch {
		case err == nil && tok != valid:
			t.Fatalf("a token that differs from the issued one was accepted:\n got %q\nwant %q", tok, valid)
		case err == nil && (p == nil || p.User.ID != fuzzUserID):
			t.Fatalf("accepted with principal %+v", p)
		case err != nil && tok == valid:
			t.Fatalf("the valid token was rejected: %v", err)
		case err != nil && !errors.Is(err, core.ErrUnauthorized):
			t.Fatalf("rejection is %v, want ErrUnauthorized", err)
		}
		p, err = svc.CurrentUser(ctx, tok, core.AccessOptional)
		if tok != valid && (p != nil || err != nil) {
			t.Fatalf("optional access with a bad token = %+v, %v; want nil, nil", p, err)
		}
	})
}
