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

// Result is the outcome of one case under RunAll or Check.
type Result struct {
	// ID names the case, e.g. "Z26_cli_create".
	ID string `json:"id"`
	// Name describes what the case checks.
	Name string `json:"name"`
	// Status is StatusPassed, StatusFailed or StatusSkipped.
	Status string `json:"status"`
	// Message holds the failures, one per line (each with the request and
	// the answer that broke the expectation), or the reason for a skip.
	Message string `json:"message,omitempty"`
	// Duration is the time the case took, cleanup included.
	Duration time.Duration `json:"duration_ns"`

	// What the case took from the suite's per-address budgets (tests of
	// the declared costs).
	spent       spend
	fixtureRegs int
	newUsers    int
	planned     spend
}

// Summary is the outcome of a run of Check.
type Summary struct {
	// Passed, Failed and Skipped count the cases (a failed setup or
	// teardown counts as a failed case).
	Passed, Failed, Skipped int
	// Mode is the server's mode, and ModeNote how the suite knows it.
	Mode     Mode
	ModeNote string
	// Limits are the server's rate limits as the suite respected them, and
	// LimitsNote how it knows them.
	Limits     Limits
	LimitsNote string
	// Budget is what the run took from each per-address limit of the
	// server, from the suite's own address.
	Budget []BudgetUse
	// Duration is the run's wall time.
	Duration time.Duration
}

// Options adjust Check.
type Options struct {
	// Filter selects the cases whose id matches; nil selects all.
	Filter *regexp.Regexp
	// Ready is called once setup has found the server's mode and limits
	// (the counts are still zero).
	Ready func(Summary)
	// Start is called before each selected case with its position (from 1)
	// and the number of selected cases.
	Start func(id string, n, total int)
	// Report is called after each case, and with ID "setup" or "teardown"
	// when those fail.
	Report func(Result)
	// Names gives the name users know a Target field by in messages (the
	// CLI passes its flags); default "Target.<field>".
	Names func(field string) string
}

// Run runs every case against target, each as a subtest of t named by its
// case id. It fails t at once if target is incomplete or the suite cannot
// log in its admin.
func Run(t *testing.T, target Target) {
	t.Helper()
	s, err := newSuite(target, nil)
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
	t.Logf("conformance: %s mode (%s); limits %s; budget used: %s", s.mode, s.modeNote, s.limitsNote, FormatBudget(s.meter.uses()))
}

// RunAll runs the cases whose id matches filter (all when nil) against
// target without a testing.T, calling report after each case (and once with
// ID "setup" if the suite cannot start). Cleanup runs after each case. It
// is Check with only a filter and a report.
func RunAll(ctx context.Context, target Target, filter *regexp.Regexp, report func(Result)) (passed, failed, skipped int) {
	sum := Check(ctx, target, Options{Filter: filter, Report: report})
	return sum.Passed, sum.Failed, sum.Skipped
}

// Check runs the selected cases against target, one after another, and
// returns what happened. Cases that need what the target does not offer,
// or more of a per-address rate limit than the suite allows itself (half
// of each, see Target.Limits), are skipped with the reason.
func Check(ctx context.Context, target Target, opts Options) (sum Summary) {
	start := time.Now()
	report := opts.Report
	if report == nil {
		report = func(Result) {}
	}
	count := func(r Result) {
		switch r.Status {
		case StatusPassed:
			sum.Passed++
		case StatusFailed:
			sum.Failed++
		default:
			sum.Skipped++
		}
		report(r)
	}
	s, err := newSuite(target, opts.Names)
	if err != nil {
		count(Result{ID: "setup", Name: "target configuration", Status: StatusFailed, Message: err.Error()})
		return sum
	}
	defer s.close()
	defer func() {
		td := runCase(ctx, s, "teardown", "delete the suite's own users", func(c *caseT) { s.teardown(c) })
		if td.Status == StatusFailed {
			count(td)
		}
		sum.Budget = s.meter.uses()
		sum.Duration = time.Since(start)
	}()
	setup := runCase(ctx, s, "setup", "log in the suite's admin", func(c *caseT) { s.setup(c) })
	sum.Mode, sum.ModeNote, sum.Limits, sum.LimitsNote = s.mode, s.modeNote, s.limits, s.limitsNote
	if setup.Status != StatusPassed {
		// A run that could not start checked nothing: never a pass.
		setup.Status = StatusFailed
		count(setup)
		return sum
	}
	if opts.Ready != nil {
		ready := sum
		ready.Budget = s.meter.uses()
		opts.Ready(ready)
	}
	var selected []testCase
	for _, cs := range cases() {
		if opts.Filter == nil || opts.Filter.MatchString(cs.id) {
			selected = append(selected, cs)
		}
	}
	for i, cs := range selected {
		if opts.Start != nil {
			opts.Start(cs.id, i+1, len(selected))
		}
		if ctx.Err() != nil {
			count(Result{ID: cs.id, Name: cs.name, Status: StatusSkipped, Message: "cancelled: " + ctx.Err().Error()})
			continue
		}
		if reason := s.skipReason(cs); reason != "" {
			count(Result{ID: cs.id, Name: cs.name, Status: StatusSkipped, Message: reason})
			continue
		}
		res := runCase(ctx, s, cs.id, cs.name, cs.fn)
		res.planned = s.planned(cs)
		count(res)
	}
	return sum
}

// FormatBudget describes budget uses on one line, e.g. "register 12 of
// 50 (limit 100/h), login at most 20 in a minute of 30 (limit 60/min)".
func FormatBudget(uses []BudgetUse) string {
	var parts []string
	for _, u := range uses {
		w := windowName(time.Duration(u.WindowSeconds) * time.Second)
		switch {
		case u.Limit == 0:
			parts = append(parts, fmt.Sprintf("%s %d", u.Name, u.Used))
		case u.WindowSeconds <= 60:
			parts = append(parts, fmt.Sprintf("%s %d (at most %d in a %s, allowed %d of the limit %d/%s)", u.Name, u.Used, u.Peak, w, u.Allowed, u.Limit, w))
		default:
			parts = append(parts, fmt.Sprintf("%s %d of %d (limit %d/%s)", u.Name, u.Used, u.Allowed, u.Limit, w))
		}
	}
	return strings.Join(parts, ", ")
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

// runCase runs one case (f with a fresh caseT of s) and its cleanups (last
// registered first).
func runCase(ctx context.Context, s *suite, id, name string, f func(*caseT)) Result {
	r := &runner{}
	r.ctx, r.cancel = context.WithCancel(ctx)
	c := &caseT{tb: r, s: s}
	start := time.Now()
	r.protect(func() { f(c) })
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
	res := Result{ID: id, Name: name, Duration: time.Since(start), Message: strings.Join(r.msgs, "\n")}
	switch {
	case r.failed:
		res.Status = StatusFailed
	case r.skipped:
		res.Status = StatusSkipped
	default:
		res.Status = StatusPassed
	}
	c.mu.Lock()
	res.spent, res.fixtureRegs, res.newUsers = c.spent, c.fixtureRegs, c.newUsers
	c.mu.Unlock()
	return res
}
