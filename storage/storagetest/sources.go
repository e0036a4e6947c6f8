package storagetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/zincware/zndraw-auth-go/core"
)

// Account and source keys as the Service writes them: 32 hex digits.
const (
	accountA = "0123456789abcdef0123456789abcdef"
	accountB = "fedcba9876543210fedcba9876543210"
)

// sourceKey is the i-th test source key.
func sourceKey(i int) string { return fmt.Sprintf("%032x", i) }

// lastSeen calls SourceLastSeen and fails the test on an error.
func lastSeen(t *testing.T, st core.Store, account, source string) time.Time {
	t.Helper()
	at, err := st.SourceLastSeen(t.Context(), account, source)
	if err != nil {
		t.Fatalf("SourceLastSeen(%s, %s): %v", account, source, err)
	}
	return at
}

// remember calls RememberSource and fails the test on an error.
func remember(t *testing.T, st core.Store, account, source string, now time.Time, keep int) {
	t.Helper()
	if err := st.RememberSource(t.Context(), account, source, now, keep); err != nil {
		t.Fatalf("RememberSource(%s, %s, %v, %d): %v", account, source, now, keep, err)
	}
}

func (s suite) testRememberSource(t *testing.T) {
	st := s.store(t)
	if at := lastSeen(t, st, accountA, sourceKey(1)); !at.IsZero() {
		t.Fatalf("SourceLastSeen of a source never remembered = %v, want the zero time", at)
	}
	remember(t, st, accountA, sourceKey(1), base, 5)
	if at := lastSeen(t, st, accountA, sourceKey(1)); !sameTime(at, base) {
		t.Errorf("SourceLastSeen after RememberSource(%v) = %v", base, at)
	}
	later := base.Add(time.Hour)
	remember(t, st, accountA, sourceKey(1), later, 5)
	if at := lastSeen(t, st, accountA, sourceKey(1)); !sameTime(at, later) {
		t.Errorf("SourceLastSeen after remembering again at %v = %v", later, at)
	}
	if at := lastSeen(t, st, accountB, sourceKey(1)); !at.IsZero() {
		t.Errorf("another account's SourceLastSeen = %v, want the zero time (sources are per account)", at)
	}
	if at := lastSeen(t, st, accountA, sourceKey(2)); !at.IsZero() {
		t.Errorf("another source's SourceLastSeen = %v, want the zero time", at)
	}
}

// testRememberSourceKeep: an account keeps the keep sources seen most
// recently; other accounts are not affected.
func (s suite) testRememberSourceKeep(t *testing.T) {
	st := s.store(t)
	const keep = 3
	remember(t, st, accountB, sourceKey(100), base, keep)
	for i := range 5 { // sources 0..4 at base+0s..4s
		remember(t, st, accountA, sourceKey(i), base.Add(time.Duration(i)*time.Second), keep)
	}
	for i := range 5 {
		known := !lastSeen(t, st, accountA, sourceKey(i)).IsZero()
		if want := i >= 2; known != want {
			t.Errorf("source %d of 5 (keep %d): remembered = %v, want %v", i, keep, known, want)
		}
	}
	// Seeing source 2 again makes source 3 the least recent one.
	remember(t, st, accountA, sourceKey(2), base.Add(time.Minute), keep)
	remember(t, st, accountA, sourceKey(5), base.Add(2*time.Minute), keep)
	for i, want := range map[int]bool{2: true, 3: false, 4: true, 5: true} {
		if known := !lastSeen(t, st, accountA, sourceKey(i)).IsZero(); known != want {
			t.Errorf("after seeing 2 again and then 5: source %d remembered = %v, want %v", i, known, want)
		}
	}
	// Ties: the smaller source is kept.
	tie := base.Add(time.Hour)
	for i := 10; i < 14; i++ {
		remember(t, st, accountA, sourceKey(i), tie, keep)
	}
	for i := 10; i < 14; i++ {
		if known, want := !lastSeen(t, st, accountA, sourceKey(i)).IsZero(), i < 13; known != want {
			t.Errorf("four sources seen at the same time, keep %d: source %d remembered = %v, want %v", keep, i, known, want)
		}
	}
	if lastSeen(t, st, accountB, sourceKey(100)).IsZero() {
		t.Error("another account's source was forgotten")
	}
}

// testRememberSourceConcurrent: concurrent calls for one account lose no
// write, and the next call brings the account back to keep sources.
func (s suite) testRememberSourceConcurrent(t *testing.T) {
	st := s.store(t)
	const keep, n = 4, 16
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- st.RememberSource(t.Context(), accountA, sourceKey(i), base.Add(time.Duration(i)*time.Millisecond), keep)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent RememberSource: %v", err)
		}
	}
	remember(t, st, accountA, sourceKey(n), base.Add(time.Second), keep)
	known := 0
	for i := range n + 1 {
		if !lastSeen(t, st, accountA, sourceKey(i)).IsZero() {
			known++
		}
	}
	if known != keep {
		t.Errorf("%d sources remembered after %d concurrent calls and one more, want %d", known, n, keep)
	}
	if lastSeen(t, st, accountA, sourceKey(n)).IsZero() {
		t.Error("the most recent source was forgotten")
	}
}

func (s suite) testPurgeSources(t *testing.T) {
	st := s.store(t)
	remember(t, st, accountA, sourceKey(1), base, 5)
	remember(t, st, accountA, sourceKey(2), base.Add(time.Hour), 5)
	remember(t, st, accountB, sourceKey(1), base.Add(2*time.Hour), 5)
	n, err := st.PurgeSources(t.Context(), base)
	if err != nil {
		t.Fatalf("PurgeSources: %v", err)
	}
	if n != 0 {
		t.Errorf("PurgeSources(%v) = %d, want 0 (nothing seen before it)", base, n)
	}
	n, err = st.PurgeSources(t.Context(), base.Add(90*time.Minute))
	if err != nil {
		t.Fatalf("PurgeSources: %v", err)
	}
	if n != 2 {
		t.Errorf("PurgeSources(base+90m) = %d, want 2", n)
	}
	for _, c := range []struct {
		account, source string
		known           bool
	}{{accountA, sourceKey(1), false}, {accountA, sourceKey(2), false}, {accountB, sourceKey(1), true}} {
		if known := !lastSeen(t, st, c.account, c.source).IsZero(); known != c.known {
			t.Errorf("after the purge: %s/%s remembered = %v, want %v", c.account[:4], c.source[len(c.source)-4:], known, c.known)
		}
	}
}
