package main

import (
	"context"
	"flag"
	"fmt"
	"testing"
	"time"

	"github.com/zincware/zndraw-auth-go/core/password"
	"github.com/zincware/zndraw-auth-go/internal/bench"
)

// microResult is one in-process comparison with its baseline.
type microResult struct {
	name, unit      string
	value, baseline float64
	allocs          int64
	baselineName    string
	target          float64 // value/baseline must be ≤ target; 0: none
	ratioOverride   float64 // when set, the ratio (a median of paired ratios)
}

func (r microResult) ratio() float64 {
	if r.ratioOverride > 0 {
		return r.ratioOverride
	}
	return r.value / r.baseline
}

// microVariant is one benchmark of a store's round and where its results go.
type microVariant struct {
	bench  func(*testing.B)
	ns     *[]float64
	allocs *int64
}

// microBenchtime is how long each in-process benchmark runs per round.
const microBenchtime = 400 * time.Millisecond

// microRatios runs the in-process benchmarks: the token check on each
// store (steady state with the store's change feed, with the feed hidden as
// before it existed, with UserCacheTTL=0, and on memory also for tokens
// never seen before, with and without the feed) against golang-jwt's bare
// parse of the same token, alternating them rounds times and keeping the
// medians (the machine may be shared), and Service.Login against raw
// argon2id derivations, in alternating pairs.
func microRatios(stores []bench.StoreKind, rounds, loginPairs int, dir string) ([]microResult, error) {
	testing.Init()
	if err := flag.Set("test.benchtime", microBenchtime.String()); err != nil {
		return nil, err
	}
	ctx := context.Background()
	var out []microResult
	var base []float64
	for _, kind := range stores {
		st, err := bench.OpenStore(ctx, kind, dir)
		if err != nil {
			return nil, err
		}
		fx, err := bench.NewFixture(ctx, st, password.TestParams)
		if err != nil {
			_ = st.Close()
			return nil, err
		}
		strict := fx.Service.Settings()
		strict.UserCacheTTL = 0
		strictSvc, err := bench.NewService(st, strict, password.TestParams)
		if err != nil {
			_ = st.Close()
			return nil, err
		}
		noFeed := st.WithoutFeed()
		noFeedSvc, err := bench.NewService(noFeed, fx.Service.Settings(), password.TestParams)
		if err != nil {
			_ = st.Close()
			return nil, err
		}
		key := []byte(fx.Service.Settings().SecretKey)
		var hit, ttl0, cold, hitNF, coldNF []float64
		var hitAllocs, ttl0Allocs, coldAllocs, hitNFAllocs, coldNFAllocs int64
		variants := []microVariant{
			{bench.CurrentUser(fx.Service, fx.Token), &hit, &hitAllocs},
			{bench.CurrentUser(noFeedSvc, fx.Token), &hitNF, &hitNFAllocs},
			{bench.CurrentUser(strictSvc, fx.Token), &ttl0, &ttl0Allocs},
		}
		if kind == bench.Memory {
			variants = append(variants,
				microVariant{bench.CurrentUserCold(fx.Service, fx.User.ID, bench.ColdTokens), &cold, &coldAllocs},
				microVariant{bench.CurrentUserCold(noFeedSvc, fx.User.ID, bench.ColdTokens), &coldNF, &coldNFAllocs})
		}
		for range rounds {
			b := testing.Benchmark(bench.BareParse(fx.Token, key))
			base = append(base, float64(b.NsPerOp()))
			for _, m := range variants {
				r := testing.Benchmark(m.bench)
				if r.N == 0 {
					_ = st.Close()
					return nil, fmt.Errorf("CurrentUser on %s failed", kind)
				}
				*m.ns = append(*m.ns, float64(r.NsPerOp()))
				*m.allocs = r.AllocsPerOp()
			}
		}
		if err := st.Close(); err != nil {
			return nil, err
		}
		target := 0.0
		if kind == bench.Memory {
			target = targetMicro
		}
		out = append(out,
			microResult{name: "CurrentUser, " + string(kind), unit: "ns/op", value: bench.Median(hit), allocs: hitAllocs, target: target},
			microResult{name: "CurrentUser, " + string(kind) + ", feed hidden (as before)", unit: "ns/op", value: bench.Median(hitNF), allocs: hitNFAllocs},
			microResult{name: "CurrentUser, " + string(kind) + ", UserCacheTTL=0", unit: "ns/op", value: bench.Median(ttl0), allocs: ttl0Allocs})
		if len(cold) > 0 {
			out = append(out,
				microResult{name: "CurrentUser, " + string(kind) + ", cold (a new token every check)", unit: "ns/op", value: bench.Median(cold), allocs: coldAllocs},
				microResult{name: "CurrentUser, " + string(kind) + ", cold, feed hidden (as before)", unit: "ns/op", value: bench.Median(coldNF), allocs: coldNFAllocs})
		}
	}
	for i := range out {
		out[i].baseline, out[i].baselineName = bench.Median(base), "bare golang-jwt parse"
	}
	if loginPairs > 0 {
		st, err := bench.OpenStore(ctx, bench.Memory, dir)
		if err != nil {
			return nil, err
		}
		fx, err := bench.NewFixture(ctx, st, password.DefaultParams)
		if err != nil {
			return nil, err
		}
		ratio, login, raw, err := bench.LoginVsArgon2id(fx.Service, password.DefaultParams, loginPairs)
		if err != nil {
			return nil, err
		}
		out = append(out, microResult{
			name: "Service.Login, DefaultParams", unit: "ms/op", value: float64(login) / 1e6,
			baseline: float64(raw) / 1e6, baselineName: "raw argon2id derivation",
			ratioOverride: ratio, target: 1 / targetLogin,
		})
	}
	return out, nil
}
