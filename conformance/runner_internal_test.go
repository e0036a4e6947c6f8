package conformance

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zincware/zndraw-auth-go/core"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

func TestRunCase(t *testing.T) {
	tests := []struct {
		name        string
		fn          func(r *runner)
		wantStatus  string
		wantMessage string
	}{
		{"pass", func(*runner) {}, StatusPassed, ""},
		{"errorf continues", func(r *runner) { r.Errorf("one %d", 1); r.Errorf("two") }, StatusFailed, "one 1\ntwo"},
		{"fatalf stops", func(r *runner) { r.Fatalf("stop"); r.Errorf("unreached") }, StatusFailed, "stop"},
		{"skipf stops", func(r *runner) { r.Skipf("why"); r.Errorf("unreached") }, StatusSkipped, "why"},
		{"failure wins over skip", func(r *runner) { r.Errorf("bad"); r.Skipf("why") }, StatusFailed, "bad\nwhy"},
		{"panic fails", func(*runner) { panic("boom") }, StatusFailed, "panic: boom"},
		{"errorf from goroutines", func(r *runner) {
			var wg sync.WaitGroup
			for range 8 {
				wg.Add(1)
				go func() { defer wg.Done(); r.Errorf("x") }()
			}
			wg.Wait()
		}, StatusFailed, "x\nx\nx\nx\nx\nx\nx\nx"},
		{"failing cleanup fails", func(r *runner) { r.Cleanup(func() { r.Fatalf("cleanup") }) }, StatusFailed, "cleanup"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := runCase(context.Background(), nil, "ID", "name", func(c *caseT) { tc.fn(c.tb.(*runner)) })
			if res.Status != tc.wantStatus || !strings.HasPrefix(res.Message, tc.wantMessage) {
				t.Errorf("got %s %q, want %s %q", res.Status, res.Message, tc.wantStatus, tc.wantMessage)
			}
			if res.ID != "ID" || res.Name != "name" || res.Duration <= 0 {
				t.Errorf("result %+v", res)
			}
		})
	}
}

func TestRunCaseCleanupOrderAndContext(t *testing.T) {
	var order []int
	var caseCtx context.Context
	res := runCase(context.Background(), nil, "ID", "", func(c *caseT) {
		r := c.tb.(*runner)
		caseCtx = r.Context()
		for i := range 3 {
			r.Cleanup(func() {
				order = append(order, i)
				if i == 0 {
					r.Cleanup(func() { order = append(order, 9) }) // registered during cleanup
				}
			})
		}
		r.Fatalf("stop before the end")
	})
	if got := fmt.Sprint(order); got != "[2 1 0 9]" {
		t.Errorf("cleanup order %s, want [2 1 0 9]", got)
	}
	if caseCtx.Err() == nil {
		t.Errorf("the case's context is still live after the case")
	}
	if res.Status != StatusFailed {
		t.Errorf("status %s", res.Status)
	}
}

func TestManualClock(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600))
	c := NewManualClock(start)
	if got := c.Now(); !got.Equal(start) || got.Location() != time.UTC {
		t.Fatalf("Now = %v, want %v in UTC", got, start)
	}
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() { defer wg.Done(); c.Advance(time.Minute); _ = c.Now() }()
	}
	wg.Wait()
	c.Advance(-time.Hour) // ignored
	if got, want := c.Now(), start.Add(10*time.Minute); !got.Equal(want) {
		t.Errorf("Now = %v, want %v", got, want)
	}
}

func TestMemoryMailbox(t *testing.T) {
	ctx := context.Background()
	m := NewMemoryMailbox()
	if _, err := m.Token(ctx, MailReset, "a@example.com"); !errors.Is(err, ErrNoMail) {
		t.Fatalf("empty mailbox: err = %v, want ErrNoMail", err)
	}
	u := testUser("A@example.com")
	_ = m.forgotPassword(ctx, u, "r1", metaZero)
	_ = m.forgotPassword(ctx, u, "r2", metaZero)
	_ = m.requestVerify(ctx, u, "v1", metaZero)
	tests := []struct{ kind, email, want string }{
		{MailReset, "a@example.com", "r2"},
		{MailReset, "A@EXAMPLE.COM", "r2"},
		{MailVerify, "a@example.com", "v1"},
	}
	for _, tc := range tests {
		if got, err := m.Token(ctx, tc.kind, tc.email); err != nil || got != tc.want {
			t.Errorf("Token(%s, %s) = %q, %v; want %q", tc.kind, tc.email, got, err, tc.want)
		}
	}
	if _, err := m.Token(ctx, MailVerify, "b@example.com"); !errors.Is(err, ErrNoMail) {
		t.Errorf("other address: err = %v, want ErrNoMail", err)
	}
}

func TestOutboxFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "outbox.jsonl")
	box := OutboxFile(path)
	if _, err := box.Token(ctx, MailReset, "a@example.com"); !errors.Is(err, ErrNoMail) {
		t.Fatalf("missing file: err = %v, want ErrNoMail", err)
	}
	lines := strings.Join([]string{
		`{"kind":"reset","email":"a@example.com","token":"r1"}`,
		`not json`,
		`{"kind":"verify","email":"a@example.com","token":"v1"}`,
		`{"kind":"reset","email":"A@example.com","token":"r2"}`,
		`{"kind":"reset","email":"b@example.com","token":"b1"}`,
		`{"kind":"reset","email":"a@example.com","token":""}`,
		``,
	}, "\n")
	if err := os.WriteFile(path, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ kind, email, want string }{
		{MailReset, "a@example.com", "r2"},
		{MailVerify, "a@example.com", "v1"},
		{MailReset, "B@example.com", "b1"},
		{MailVerify, "b@example.com", ""},
	}
	for _, tc := range tests {
		got, err := box.Token(ctx, tc.kind, tc.email)
		if tc.want == "" {
			if !errors.Is(err, ErrNoMail) {
				t.Errorf("Token(%s, %s): err = %v, want ErrNoMail", tc.kind, tc.email, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("Token(%s, %s) = %q, %v; want %q", tc.kind, tc.email, got, err, tc.want)
		}
	}
}

func TestTargetNormalize(t *testing.T) {
	tests := []struct {
		name    string
		target  Target
		wantErr string
	}{
		{"no url", Target{Mode: ModeDev}, "Target.BaseURL is required"},
		{"bad mode", Target{BaseURL: "http://x", Mode: "staging"}, "unknown mode"},
		{"production without admin", Target{BaseURL: "http://x", Mode: ModeProduction}, "Target.AdminEmail and Target.AdminPassword"},
		{"dev", Target{BaseURL: "http://x/", Mode: ModeDev}, ""},
		{"mode found at setup", Target{BaseURL: "http://x/"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.target.normalize(goName)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.BaseURL != "http://x" || got.Client == nil || got.Prefixes.CLILogin != "/auth/cli-login" || got.Prefixes.JWT != "/auth/jwt" {
				t.Errorf("normalized: %+v", got)
			}
		})
	}
}

func TestSkipReason(t *testing.T) {
	full := Target{BaseURL: "http://x", Mode: ModeProduction, AdminEmail: "a", AdminPassword: "p", ResetAndVerify: true, Mailbox: NewMemoryMailbox(),
		Clock: NewManualClock(time.Now()), DemoRoutes: true, SecretKey: "k", ForwardedFor: true, Outage: &outageStore{}}
	with := func(f func(*Target)) Target { t := full; f(&t); return t }
	limits := DefaultLimits()
	full.Limits = &limits
	flags := map[string]string{"ResetAndVerify": "-reset-verify", "Mailbox": "-outbox FILE"}
	tests := []struct {
		name   string
		target Target
		names  func(string) string
		needs  need
		want   string
	}{
		{"all there", full, nil, needProd | needMailbox | needDemo | needExpiry | needSecret | needLimits | needForwarded | needOutage, ""},
		{"dev only", full, nil, needDev, "dev mode only"},
		{"production only", with(func(t *Target) { t.Mode = ModeDev }), nil, needProd, "production mode only"},
		{"no routers", with(func(t *Target) { t.ResetAndVerify = false }), nil, needMailbox, "pass Target.ResetAndVerify if the server mounts them"},
		{"no routers, CLI names", with(func(t *Target) { t.ResetAndVerify = false }), func(f string) string { return flags[f] }, needMailbox, "pass -reset-verify if"},
		{"no mailbox", with(func(t *Target) { t.Mailbox = nil }), func(f string) string { return flags[f] }, needMailbox, "pass -outbox FILE"},
		{"no demo", with(func(t *Target) { t.DemoRoutes = false }), nil, needDemo, "demo routes"},
		{"no clock", with(func(t *Target) { t.Clock = nil }), nil, needExpiry, "Target.ChallengeLifetime"},
		{"lifetime instead of clock", with(func(t *Target) { t.Clock, t.ChallengeLifetime = nil, time.Second }), nil, needExpiry, ""},
		{"no secret", with(func(t *Target) { t.SecretKey = "" }), nil, needSecret, "Target.SecretKey"},
		{"limits off", with(func(t *Target) { off := limits; off.Enabled = false; t.Limits = &off }), nil, needLimits, "off on this server"},
		{"own address only", with(func(t *Target) { t.ForwardedFor = false }), nil, needForwarded, "lock out real users"},
		{"no outage", with(func(t *Target) { t.Outage = nil }), nil, needOutage, "Target.Outage"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := newSuite(tc.target, tc.names)
			if err != nil {
				t.Fatal(err)
			}
			got := s.skipReason(testCase{needs: tc.needs})
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Errorf("skipReason = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCaseIDsUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, cs := range cases() {
		if seen[cs.id] || cs.name == "" || cs.fn == nil || strings.ContainsAny(cs.id, " /") {
			t.Errorf("case %q: duplicate, unnamed, without a function, or not a valid subtest name", cs.id)
		}
		seen[cs.id] = true
	}
	// Every item of the reference test suites that applies over HTTP has
	// its case.
	var want []string
	for i := 1; i <= 11; i++ {
		want = append(want, fmt.Sprintf("A%d_", i), fmt.Sprintf("P%d_", i), fmt.Sprintf("V%d_", i))
	}
	for i := 1; i <= 9; i++ {
		want = append(want, fmt.Sprintf("R%d_", i))
	}
	for i := 1; i <= 55; i++ {
		want = append(want, fmt.Sprintf("U%d_", i))
	}
	for i := 1; i <= 50; i++ {
		if i != 8 {
			want = append(want, fmt.Sprintf("Z%d_", i))
		}
	}
	want = append(want, "D1_", "T1_")
	for _, prefix := range want {
		found := false
		for id := range seen {
			found = found || strings.HasPrefix(id, prefix)
		}
		if !found {
			t.Errorf("no case for %s", strings.TrimSuffix(prefix, "_"))
		}
	}
}

// fakeTB records what NewTestService reports at the end of a test.
type fakeTB struct {
	testing.TB // not called; the methods NewTestService uses are below
	mu         sync.Mutex
	cleanups   []func()
	errs       []string
}

func (f *fakeTB) Helper()                  {}
func (f *fakeTB) Log(...any)               {}
func (f *fakeTB) Context() context.Context { return context.Background() }
func (f *fakeTB) Cleanup(fn func())        { f.cleanups = append(f.cleanups, fn) }
func (f *fakeTB) Fatalf(format string, args ...any) {
	panic(fmt.Sprintf(format, args...))
}
func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}
func (f *fakeTB) finish() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

func TestNewTestServiceReportsLeftoverUsers(t *testing.T) {
	for _, mode := range []Mode{ModeProduction, ModeDev} {
		for _, remove := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/delete=%v", mode, remove), func(t *testing.T) {
				ctx := t.Context()
				f := &fakeTB{}
				svc, _, _, target := NewTestService(f, mode, memstore.New())
				if (mode == ModeProduction) != (target.AdminEmail != "") || target.Mailbox == nil || target.Clock == nil || target.SecretKey == "" {
					t.Errorf("target %+v", target)
				}
				u, err := svc.Register(ctx, core.UserCreate{Email: "left@example.com", Password: "password-1"}, metaZero)
				if err != nil {
					t.Fatal(err)
				}
				if remove {
					if err := svc.DeleteUser(ctx, u, metaZero); err != nil {
						t.Fatal(err)
					}
				}
				f.finish()
				got := strings.Join(f.errs, "\n")
				if remove != (got == "") || (!remove && !strings.Contains(got, "left@example.com")) {
					t.Errorf("reported %q (user deleted: %v)", got, remove)
				}
			})
		}
	}
}
