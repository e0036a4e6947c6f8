package bench

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"golang.org/x/crypto/argon2"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
)

// The micro-benchmarks, as functions so that both `go test -bench` (in
// bench_test.go) and the load harness (through testing.Benchmark) run the
// same code.

// HMACSHA256 measures the physical floor of a token check: one
// HMAC-SHA256 of token's signing input with key (the hash state reused, as
// a verifier that keeps its key schedule would).
func HMACSHA256(token string, key []byte) func(*testing.B) {
	return func(b *testing.B) {
		input := []byte(token[:strings.LastIndexByte(token, '.')])
		mac := hmac.New(sha256.New, key)
		sum := make([]byte, 0, sha256.Size)
		b.ReportAllocs()
		for b.Loop() {
			mac.Reset()
			mac.Write(input)
			sum = mac.Sum(sum[:0])
		}
	}
}

// BareParse measures the baseline: golang-jwt v5 parsing and verifying
// token with key, only the algorithm pinned (HS256), into
// jwt.RegisteredClaims — what a minimal hand-written middleware would do.
func BareParse(token string, key []byte) func(*testing.B) {
	return func(b *testing.B) {
		p := jwt.NewParser(jwt.WithValidMethods([]string{"HS256"}))
		keyFunc := func(*jwt.Token) (any, error) { return key, nil }
		b.ReportAllocs()
		for b.Loop() {
			var c jwt.RegisteredClaims
			if _, err := p.ParseWithClaims(token, &c, keyFunc); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BareParseMap is BareParse into jwt.MapClaims (jwt.Parse's default).
func BareParseMap(token string, key []byte) func(*testing.B) {
	return func(b *testing.B) {
		p := jwt.NewParser(jwt.WithValidMethods([]string{"HS256"}))
		keyFunc := func(*jwt.Token) (any, error) { return key, nil }
		b.ReportAllocs()
		for b.Loop() {
			if _, err := p.Parse(token, keyFunc); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// CurrentUser measures the kit's whole token → user resolution:
// svc.CurrentUser(token, AccessActive).
func CurrentUser(svc *core.Service, token string) func(*testing.B) {
	return func(b *testing.B) {
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := svc.CurrentUser(ctx, token, core.AccessActive); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// ColdTokens is how many distinct tokens CurrentUserCold cycles through:
// four times the Service's token cache, so that nearly every check misses.
const ColdTokens = 4 * 16384

// CurrentUserCold measures CurrentUser on tokens seen for the first time
// (or evicted since): it signs n distinct tokens of the user id, shaped
// like the kit's (sub, aud, iat, exp, jti, tv), and cycles through them.
func CurrentUserCold(svc *core.Service, id uuid.UUID, n int) func(*testing.B) {
	return func(b *testing.B) {
		tokens, err := MintTokens(svc.Settings(), []uuid.UUID{id}, n)
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		i := 0
		b.ReportAllocs()
		for b.Loop() {
			if _, err := svc.CurrentUser(ctx, tokens[i%n], core.AccessActive); err != nil {
				b.Fatal(err)
			}
			i++
		}
	}
}

// MintTokens signs n access tokens shaped like the kit's (sub, aud list,
// iat, exp one hour ahead, a random jti, tv 0) with the access secret of
// settings, for users taken in turn from ids.
func MintTokens(settings core.Settings, ids []uuid.UUID, n int) ([]string, error) {
	key := []byte(settings.SecretKey)
	now := time.Now()
	tokens := make([]string, n)
	for i := range tokens {
		tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
			"sub": ids[i%len(ids)].String(),
			"aud": []string{core.AudienceAuth},
			"iat": now.Unix(),
			"exp": now.Add(time.Hour).Unix(),
			"jti": randomHex(16),
			"tv":  0,
		}).SignedString(key)
		if err != nil {
			return nil, err
		}
		tokens[i] = tok
	}
	return tokens, nil
}

// ServeHTTP measures one in-process request to h: GET path with token as
// bearer, answered with status 200.
func ServeHTTP(h http.Handler, path, token string) func(*testing.B) {
	return func(b *testing.B) {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		w := &DiscardResponseWriter{}
		b.ReportAllocs()
		for b.Loop() {
			w.Reset()
			h.ServeHTTP(w, req)
			if w.Status != http.StatusOK {
				b.Fatalf("GET %s: status %d", path, w.Status)
			}
		}
	}
}

// Login measures svc.Login of the fixture user with the right password.
func Login(svc *core.Service) func(*testing.B) {
	return func(b *testing.B) {
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := svc.Login(ctx, UserEmail, UserPassword, core.RequestMeta{ClientIP: "127.0.0.1"}); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// LoginVsArgon2id times pairs of one svc.Login of the fixture user and one
// raw argon2id derivation at p, alternating, and returns the median over
// the pairs of login time / derivation time, and the median times. On a
// shared machine the alternation cancels the drift that separate
// benchmarks would see. Each timed operation starts on a collected heap
// (an untimed runtime.GC before it), so that neither gets pages the other
// freed.
func LoginVsArgon2id(svc *core.Service, p password.Params, pairs int) (ratio float64, login, raw time.Duration, err error) {
	ctx := context.Background()
	salt := make([]byte, p.SaltLen)
	ratios := make([]float64, 0, pairs)
	logins := make([]float64, 0, pairs)
	raws := make([]float64, 0, pairs)
	for range pairs {
		runtime.GC()
		t := time.Now()
		if _, err := svc.Login(ctx, UserEmail, UserPassword, core.RequestMeta{ClientIP: "127.0.0.1"}); err != nil {
			return 0, 0, 0, err
		}
		l := time.Since(t)
		runtime.GC()
		t = time.Now()
		_ = argon2.IDKey([]byte(UserPassword), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
		r := time.Since(t)
		ratios = append(ratios, float64(l)/float64(r))
		logins = append(logins, float64(l))
		raws = append(raws, float64(r))
	}
	return Median(ratios), time.Duration(Median(logins)), time.Duration(Median(raws)), nil
}

// Median returns the median of xs (0 for none).
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// Argon2id measures one raw argon2id key derivation at p (no semaphore, no
// encoding): the floor of a login.
func Argon2id(p password.Params) func(*testing.B) {
	return func(b *testing.B) {
		salt := make([]byte, p.SaltLen)
		pw := []byte(UserPassword)
		b.ReportAllocs()
		for b.Loop() {
			_ = argon2.IDKey(pw, salt, p.Time, p.Memory, p.Threads, p.KeyLen)
		}
	}
}
