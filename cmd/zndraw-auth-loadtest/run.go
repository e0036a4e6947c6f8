package main

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/zincware/zndraw-auth-go/core/password"
	"github.com/zincware/zndraw-auth-go/internal/bench"
)

type runConfig struct {
	adapters, stores, loginStores []string
	conns                         int
	duration                      time.Duration
	logins, loginConc             int
	microRounds, loginPairs       int
	dir                           string
}

// row is one adapter × store line of the table.
type row struct {
	adapter, store         string
	prot, unprot           loadResult
	logins                 loadResult
	loginRate, rawRate     float64
	loginCPU, rawCPU       time.Duration // CPU time per login (server) and per raw derivation
	rssRequests, rssLogins int64         // KiB, -1: not measured
	err                    error
}

// Targets (BENCHMARKS.md).
const (
	targetMicro      = 1.5
	targetRatioFast  = 0.8 // net/http and gin on memory
	targetRatioFiber = 0.7
	targetRatioSQL   = 0.5 // SQLite
	targetLogin      = 0.9
	targetRSSKiB     = 400 << 10
)

func run(cfg runConfig) error {
	start := time.Now()
	fmt.Printf("zndraw-auth load harness: %s/%s, GOMAXPROCS=%d, %s\n", runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0), runtime.Version())
	fmt.Printf("per route: %d keep-alive clients, %s; login flood: %d logins, %d concurrent, argon2id %+v\n\n",
		cfg.conns, cfg.duration, cfg.logins, min(cfg.logins, cfg.loginConc), password.DefaultParams)

	if cfg.microRounds > 0 {
		stores := []bench.StoreKind{bench.Memory, bench.SQLiteFile}
		if os.Getenv(bench.PostgresDSNEnv) != "" {
			stores = append(stores, bench.Postgres)
		}
		res, err := microRatios(stores, cfg.microRounds, cfg.loginPairs, cfg.dir)
		if err != nil {
			return err
		}
		printMicro(res)
	}

	var rows []row
	for _, store := range cfg.stores {
		for _, adapter := range cfg.adapters {
			r := measure(cfg, adapter, bench.StoreKind(store))
			if r.err != nil {
				fmt.Fprintf(os.Stderr, "%s/%s: %v\n", adapter, store, r.err)
			}
			rows = append(rows, r)
		}
	}
	printTable(rows)
	fmt.Printf("\ntotal time %s\n", time.Since(start).Round(time.Second))
	for _, r := range rows {
		if r.err != nil {
			return fmt.Errorf("%s/%s: %w", r.adapter, r.store, r.err)
		}
	}
	return nil
}

// measure runs one row: both routes, alternating, then the login flood.
func measure(cfg runConfig, adapter string, store bench.StoreKind) row {
	r := row{adapter: adapter, store: string(store), rssRequests: -1, rssLogins: -1}
	c, err := startChild(adapter, store, cfg.dir)
	if err != nil {
		r.err = err
		return r
	}
	defer func() {
		if err := c.stop(); err != nil && r.err == nil {
			r.err = err
		}
	}()
	addr, token := c.ready.Addr, c.ready.Token
	protReq := getRequest(bench.ProtectedPath, token)
	unprotReq := getRequest(bench.UnprotectedPath, token)
	// Warm up both routes (connections, caches, the JIT-free but
	// allocation-heavy first requests).
	for _, req := range [][]byte{unprotReq, protReq} {
		if _, err := drive(addr, req, cfg.conns, 300*time.Millisecond); err != nil {
			r.err = err
			return r
		}
	}
	half := cfg.duration / 2
	for range 2 {
		u, err := drive(addr, unprotReq, cfg.conns, half)
		if err != nil {
			r.err = fmt.Errorf("unprotected: %w", err)
			return r
		}
		r.unprot.merge(u)
		p, err := drive(addr, protReq, cfg.conns, half)
		if err != nil {
			r.err = fmt.Errorf("protected: %w", err)
			return r
		}
		r.prot.merge(p)
	}
	if m, err := c.rss(); err == nil {
		r.rssRequests = m.HWMKiB
	}
	if !slices.Contains(cfg.loginStores, string(store)) || cfg.logins <= 0 {
		return r
	}
	conc := password.New(password.DefaultParams).MaxConcurrent()
	n := 4 * conc
	// The raw rate is measured right before and right after the flood,
	// plain and with a collection after each derivation; the better of the
	// two variants (averaged over before and after) is the baseline. The
	// same goes for CPU time per derivation, against the server's CPU time
	// per login.
	var plain, gc, plainCPU, gcCPU []float64
	raw := func() {
		rate, cpu := rawHashRate(password.DefaultParams, n, conc, false)
		plain, plainCPU = append(plain, rate), append(plainCPU, float64(cpu))
		rate, cpu = rawHashRate(password.DefaultParams, n, conc, true)
		gc, gcCPU = append(gc, rate), append(gcCPU, float64(cpu))
	}
	raw()
	cpu0, err := c.rss()
	if err != nil {
		r.err = err
		return r
	}
	r.logins, err = loginFlood(addr, cfg.logins, cfg.loginConc)
	if err != nil {
		r.err = fmt.Errorf("login flood: %w", err)
		return r
	}
	cpu1, err := c.rss()
	if err != nil {
		r.err = err
		return r
	}
	raw()
	r.loginRate = r.logins.perSecond()
	r.rawRate = max(mean(plain), mean(gc))
	r.loginCPU = (cpu1.CPU - cpu0.CPU) / time.Duration(r.logins.requests)
	r.rawCPU = time.Duration(min(mean(plainCPU), mean(gcCPU)))
	if m, err := c.rss(); err == nil {
		r.rssLogins = m.HWMKiB
	}
	return r
}

func printMicro(res []microResult) {
	tw := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "in-process\tper op\tallocs/op\tbaseline\tbaseline per op\tratio\ttarget\t")
	for _, r := range res {
		target := "-"
		if r.target > 0 {
			target = verdict(r.ratio() <= r.target, fmt.Sprintf("≤ %.2f", r.target))
		}
		allocs := "-"
		if r.unit == "ns/op" {
			allocs = fmt.Sprint(r.allocs)
		}
		fmt.Fprintf(tw, "%s\t%.0f %s\t%s\t%s\t%.0f %s\t%.2f\t%s\t\n", r.name, r.value, r.unit, allocs, r.baselineName, r.baseline, r.unit, r.ratio(), target)
	}
	tw.Flush()
	fmt.Println()
}

func printTable(rows []row) {
	tw := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "adapter\tstore\tprotected req/s\tunprotected req/s\tratio\ttarget\tprot p50/p99 ms\tunprot p50/p99 ms\tlogin/s\targon2id/s\tratio\tCPU ms/login\tCPU ms/argon2id\tCPU ratio\tlogin p50/p99 s\tpeak RSS MiB (requests / +logins)\t")
	for _, r := range rows {
		ratio := r.prot.perSecond() / r.unprot.perSecond()
		target := targetRatioFast
		switch {
		case r.store == string(bench.SQLiteFile) || r.store == string(bench.SQLiteMemory):
			target = targetRatioSQL
		case r.store != string(bench.Memory):
			target = 0
		case r.adapter == "fiber":
			target = targetRatioFiber
		}
		tgt := "-"
		if target > 0 {
			tgt = verdict(ratio >= target, fmt.Sprintf("≥ %.1f", target))
		}
		login, raw, lratio, lcpu, rcpu, cratio, llat := "-", "-", "-", "-", "-", "-", "-"
		if r.loginRate > 0 {
			login = fmt.Sprintf("%.1f", r.loginRate)
			raw = fmt.Sprintf("%.1f", r.rawRate)
			lratio = fmt.Sprintf("%.2f", r.loginRate/r.rawRate)
			lcpu = fmt.Sprintf("%.0f", float64(r.loginCPU)/1e6)
			rcpu = fmt.Sprintf("%.0f", float64(r.rawCPU)/1e6)
			cr := float64(r.rawCPU) / float64(r.loginCPU)
			cratio = verdict(cr >= targetLogin, fmt.Sprintf("%.2f", cr))
			llat = fmt.Sprintf("%.1f/%.1f", r.logins.percentile(50).Seconds(), r.logins.percentile(99).Seconds())
		}
		rss := mib(r.rssRequests)
		if r.rssLogins >= 0 {
			rss += " / " + verdict(r.rssLogins <= targetRSSKiB, mib(r.rssLogins))
		}
		if r.err != nil {
			fmt.Fprintf(tw, "%s\t%s\tFAILED: %v\t\t\t\t\t\t\t\t\t\t\t\t\t\t\n", r.adapter, r.store, r.err)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%.0f\t%.0f\t%.2f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n",
			r.adapter, r.store, r.prot.perSecond(), r.unprot.perSecond(), ratio, tgt,
			ms(r.prot), ms(r.unprot), login, raw, lratio, lcpu, rcpu, cratio, llat, rss)
	}
	tw.Flush()
}

func ms(r loadResult) string {
	return fmt.Sprintf("%.2f/%.2f", float64(r.percentile(50))/1e6, float64(r.percentile(99))/1e6)
}

func mib(kib int64) string {
	if kib < 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f", float64(kib)/1024)
}

func mean(xs []float64) float64 {
	var sum float64
	for _, x := range xs {
		sum += x
	}
	return sum / float64(len(xs))
}

// verdict marks a figure that misses its target with a trailing "✗".
func verdict(ok bool, s string) string {
	if ok {
		return s + " ✓"
	}
	return s + " ✗"
}
