package main

import (
	"fmt"
	"net/url"
	"runtime"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/zincware/zndraw-auth-go/core/password"
	"github.com/zincware/zndraw-auth-go/internal/bench"
)

// loginFlood runs total logins of the fixture user against addr, at most
// concurrency at once, each on its own connection (a browser's login), and
// expects 200 for every one.
func loginFlood(addr string, total, concurrency int) (loadResult, error) {
	form := url.Values{"username": {bench.UserEmail}, "password": {bench.UserPassword}}.Encode()
	req := postForm(bench.LoginPath, form)
	jobs := make(chan struct{}, total)
	for range total {
		jobs <- struct{}{}
	}
	close(jobs)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		res   loadResult
		first error
	)
	start := time.Now()
	for range min(total, concurrency) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs {
				t := time.Now()
				err := func() error {
					c, err := dial(addr)
					if err != nil {
						return err
					}
					defer c.Close()
					var body []byte
					status, err := c.do(req, &body)
					if err == nil && status != 200 {
						err = fmt.Errorf("login: status %d: %s", status, body)
					}
					return err
				}()
				mu.Lock()
				if err != nil {
					first = cmpErr(first, err)
				} else {
					res.requests++
					res.latencies = append(res.latencies, time.Since(t))
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	return res, first
}

// rawHashRate is argon2id derivations per second at p, count of them run
// by concurrency goroutines: what the machine can do at best. With gc,
// each derivation is followed by runtime.GC() (as the kit's hasher does),
// which lets the next one reuse the freed pages instead of faulting in new
// ones; whichever is faster is the fairer baseline.
// It also returns the CPU time one derivation took on average.
func rawHashRate(p password.Params, count, concurrency int, gc bool) (perSecond float64, cpuPerHash time.Duration) {
	jobs := make(chan struct{}, count)
	for range count {
		jobs <- struct{}{}
	}
	close(jobs)
	salt := make([]byte, p.SaltLen)
	var wg sync.WaitGroup
	start, cpu := time.Now(), cpuTime()
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs {
				_ = argon2.IDKey([]byte(bench.UserPassword), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
				if gc {
					runtime.GC()
				}
			}
		}()
	}
	wg.Wait()
	return float64(count) / time.Since(start).Seconds(), (cpuTime() - cpu) / time.Duration(count)
}
