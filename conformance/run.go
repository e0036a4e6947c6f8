package conformance

import (
	"context"
	"fmt"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"
)

// tb is what a case needs from its runner: *testing.T under Run, a
// *runner under RunAll. Fatalf and Skipf must be called only from the case's
// own goroutine; goroutines a case starts report through Errorf.
type tb interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Skipf(format string, args ...any)
	Logf(format string, args ...any)
	Cleanup(func())
	Context() context.Context
}

// Status values of a Result.
const (
	StatusPassed  = "passed"
	StatusFailed  = "failed"
	StatusSkipped = "skipped"
)

// Result is the outcome of one case under RunAll.
type Result struct {
	// ID names the case, e.g. "Z26_cli_create".
	ID string `json:"id"`
	// Name describes what the case checks.
	Name string `json:"name"`
	// Status is StatusPassed, StatusFailed or StatusSkipped.
	Status string `json:"status"`
	// Message holds the failures, or the reason for a skip.
	Message string `json:"message,omitempty"`
	// Duration is the time the case took, cleanup included.
	Duration time.Duration `json:"duration_ns"`
}

// Run runs every case against target, each as a subtest of t named by its
// case id. It fails t at once if target is incomplete or the suite cannot
// log in its admin.
func Run(t *testing.T, target Target) {
	t.Helper()
	s, err := newSuite(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.close)
	t.Cleanup(func() { s.teardown(&caseT{tb: t, s: s}) })
	s.setup(&caseT{tb: t, s: s})
	for _, cs := range cases() {
		t.Run(cs.id, func(t *testing.T) {
			if reason := s.skipReason(cs); reason != "" {
				t.Skip(reason)
			}
			cs.fn(&caseT{tb: t, s: s})
		})
	}
}

// RunAll runs the cases whose id matches filter (all when nil) against
// target without a testing.T, calling report after each case (and once with
// ID "setup" if the suite cannot start). Cleanup runs after each case.
func RunAll(ctx context.Context, target Target, filter *regexp.Regexp, report func(Result)) (passed, failed, skipped int) {
	if report == nil {
		report = func(Result) {}
	}
	count := func(r Result) {
		switch r.Status {
		case StatusPassed:
			passed++
		case StatusFailed:
			failed++
		default:
			skipped++
		}
		report(r)
	}
	s, err := newSuite(target)
	if err != nil {
		count(Result{ID: "setup", Name: "target configuration", Status: StatusFailed, Message: err.Error()})
		return
	}
	defer s.close()
	defer func() {
		td := runCase(ctx, "teardown", "delete the suite's own users", func(r *runner) { s.teardown(&caseT{tb: r, s: s}) })
		if td.Status == StatusFailed {
			count(td)
		}
	}()
	setup := runCase(ctx, "setup", "log in the suite's admin", func(r *runner) { s.setup(&caseT{tb: r, s: s}) })
	if setup.Status != StatusPassed {
		count(setup)
		return
	}
	for _, cs := range cases() {
		if filter != nil && !filter.MatchString(cs.id) {
			continue
		}
		if ctx.Err() != nil {
			count(Result{ID: cs.id, Name: cs.name, Status: StatusSkipped, Message: "cancelled: " + ctx.Err().Error()})
			continue
		}
		if reason := s.skipReason(cs); reason != "" {
			count(Result{ID: cs.id, Name: cs.name, Status: StatusSkipped, Message: reason})
			continue
		}
		count(runCase(ctx, cs.id, cs.name, func(r *runner) { cs.fn(&caseT{tb: r, s: s}) }))
	}
	return
}

// runner implements tb outside the testing package: Fatalf and Skipf stop
// the case by panicking with stop, which runCase recovers.
type runner struct {
	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	failed   bool
	skipped  bool
	msgs     []string
	cleanups []func()
}

type stop struct{}

func (r *runner) Helper() {}

func (r *runner) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}

func (r *runner) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	panic(stop{})
}

func (r *runner) Skipf(format string, args ...any) {
	r.mu.Lock()
	r.skipped = true
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
	r.mu.Unlock()
	panic(stop{})
}

func (r *runner) Logf(string, ...any) {}

func (r *runner) Cleanup(f func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cleanups = append(r.cleanups, f)
}

func (r *runner) Context() context.Context { return r.ctx }

// protect runs f, turning a stop into a normal return and any other panic
// into a failure.
func (r *runner) protect(f func()) {
	defer func() {
		if v := recover(); v != nil {
			if _, ok := v.(stop); !ok {
				r.Errorf("panic: %v\n%s", v, debug.Stack())
			}
		}
	}()
	f()
}

// runCase runs one case and its cleanups (last registered first).
func runCase(ctx context.Context, id, name string, f func(*runner)) Result {
	r := &runner{}
	r.ctx, r.cancel = context.WithCancel(ctx)
	start := time.Now()
	r.protect(func() { f(r) })
	r.cancel()
	for {
		r.mu.Lock()
		n := len(r.cleanups)
		var next func()
		if n > 0 {
			next = r.cleanups[n-1]
			r.cleanups = r.cleanups[:n-1]
		}
		r.mu.Unlock()
		if next == nil {
			break
		}
		r.protect(next)
	}
	res := Result{ID: id, Name: name, Duration: time.Since(start), Message: strings.Join(r.msgs, "; ")}
	switch {
	case r.failed:
		res.Status = StatusFailed
	case r.skipped:
		res.Status = StatusSkipped
	default:
		res.Status = StatusPassed
	}
	return res
}
