package bench_test

import (
	"context"
	"errors"
	"testing"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
	"github.com/zincware/zndraw-auth-go/internal/bench"
)

// fixture opens kind and builds a fixture on it (hashing at TestParams),
// released when b ends; it skips b when PostgreSQL is not configured.
func fixture(b *testing.B, kind bench.StoreKind) *bench.Fixture {
	b.Helper()
	return fixtureWith(b, kind, password.TestParams)
}

func fixtureWith(b *testing.B, kind bench.StoreKind, params password.Params) *bench.Fixture {
	b.Helper()
	ctx := context.Background()
	st, err := bench.OpenStore(ctx, kind, b.TempDir())
	if errors.Is(err, bench.ErrNoPostgres) {
		b.Skipf("PostgreSQL benchmarks skipped: set %s", bench.PostgresDSNEnv)
	}
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if err := st.Close(); err != nil {
			b.Error(err)
		}
	})
	fx, err := bench.NewFixture(ctx, st, params)
	if err != nil {
		b.Fatal(err)
	}
	return fx
}

var allStores = []bench.StoreKind{bench.Memory, bench.SQLiteMemory, bench.SQLiteFile, bench.Postgres}

// BenchmarkHMACSHA256 is the physical floor of a token check.
func BenchmarkHMACSHA256(b *testing.B) {
	fx := fixture(b, bench.Memory)
	bench.HMACSHA256(fx.Token, []byte(fx.Service.Settings().SecretKey))(b)
}

// BenchmarkJWTParse is the baseline: golang-jwt's HS256 parse of a token
// the kit minted, into RegisteredClaims and into MapClaims.
func BenchmarkJWTParse(b *testing.B) {
	fx := fixture(b, bench.Memory)
	key := []byte(fx.Service.Settings().SecretKey)
	b.Run("registered-claims", bench.BareParse(fx.Token, key))
	b.Run("map-claims", bench.BareParseMap(fx.Token, key))
}

// BenchmarkCurrentUser is the kit's full token → user resolution on each
// store: "hit" is the steady state (the same token again: the verified
// token and, for UserCacheTTL, the user and revocation state come from the
// Service's caches); "ttl0" turns the user and revocation caches off, so
// every check reads the store; "cold" cycles through many more tokens than
// the token cache holds, so nearly every check parses the token and reads
// the store (the first request of every token). The "-nofeed" variants hide
// the store's change feed, as before it existed: "not revoked" is then read
// on every check, and users are kept for UserCacheTTL.
func BenchmarkCurrentUser(b *testing.B) {
	for _, kind := range allStores {
		b.Run(string(kind), func(b *testing.B) {
			fx := fixture(b, kind)
			b.Run("hit", bench.CurrentUser(fx.Service, fx.Token))
			svc, err := bench.NewService(fx.Store, noUserCache(fx.Service.Settings()), password.TestParams)
			if err != nil {
				b.Fatal(err)
			}
			b.Run("ttl0", bench.CurrentUser(svc, fx.Token))
			b.Run("cold", bench.CurrentUserCold(fx.Service, fx.User.ID, bench.ColdTokens))
			nf, err := bench.NewService(fx.Store.WithoutFeed(), fx.Service.Settings(), password.TestParams)
			if err != nil {
				b.Fatal(err)
			}
			b.Run("hit-nofeed", bench.CurrentUser(nf, fx.Token))
			b.Run("cold-nofeed", bench.CurrentUserCold(nf, fx.User.ID, bench.ColdTokens))
		})
	}
}

func noUserCache(s core.Settings) core.Settings {
	s.UserCacheTTL = 0
	return s
}

// BenchmarkMiddleware is each adapter's protected handler against the same
// handler unprotected, in process, on the memory and SQLite stores.
func BenchmarkMiddleware(b *testing.B) {
	for _, a := range bench.Adapters {
		b.Run(a.Name, func(b *testing.B) {
			for _, kind := range []bench.StoreKind{bench.Memory, bench.SQLiteFile, bench.Postgres} {
				b.Run(string(kind), func(b *testing.B) {
					fx := fixture(b, kind)
					srv, err := a.New(fx.Service)
					if err != nil {
						b.Fatal(err)
					}
					for _, path := range []string{bench.ProtectedPath, bench.UnprotectedPath} {
						b.Run(path[1:], benchServer(b, srv, path, fx.Token))
					}
				})
			}
		})
	}
}

// BenchmarkLogin is Service.Login on the memory store with cheap and with
// the real password hashing parameters.
func BenchmarkLogin(b *testing.B) {
	for _, tc := range []struct {
		name   string
		params password.Params
	}{{"test-params", password.TestParams}, {"default-params", password.DefaultParams}} {
		b.Run(tc.name, func(b *testing.B) {
			fx := fixtureWith(b, bench.Memory, tc.params)
			bench.Login(fx.Service)(b)
		})
	}
}

// BenchmarkArgon2id is one raw argon2id derivation at the contract's
// parameters: the floor of a login.
func BenchmarkArgon2id(b *testing.B) {
	b.Run("default-params", bench.Argon2id(password.DefaultParams))
}
