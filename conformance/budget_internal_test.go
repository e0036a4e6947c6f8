package conformance

import (
	"net/http"
	"testing"

	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/httpapi"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// inProcess is a full in-process target (every router, no demo routes).
func inProcess(t *testing.T, mode Mode, opts ...TestOption) Target {
	t.Helper()
	svc, _, _, target := NewTestService(t, mode, memstore.New(), opts...)
	kit, err := nethttpauth.New(httpapi.Config{Service: svc})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	kit.Mount(mux)
	mux.Handle("/", nethttpauth.NotFoundHandler())
	target.Handler = mux
	target.DemoRoutes = false
	return target
}

// TestDeclaredCosts runs every case in both modes and compares what each
// took from the per-address budgets with what it declares (users, uses):
// the suite plans with the declarations, so they must be exact.
func TestDeclaredCosts(t *testing.T) {
	t.Parallel()
	declared := map[string]testCase{}
	for _, cs := range cases() {
		declared[cs.id] = cs
	}
	type actual struct {
		users int
		uses  spend
	}
	most := map[string]actual{}
	for _, mode := range []Mode{ModeProduction, ModeDev} {
		Check(t.Context(), inProcess(t, mode), Options{Report: func(r Result) {
			cs, ok := declared[r.ID]
			if !ok || r.Status != StatusPassed {
				return
			}
			a := actual{users: r.newUsers, uses: r.spent}
			a.uses[budgetRegister] -= r.fixtureRegs
			a.uses[budgetLogin] = 0 // paced, not planned
			if a.users > cs.users || !a.uses.within(cs.uses) {
				t.Errorf("%s (%s mode) made %d users and used %v; it declares users: %d, uses: %v", r.ID, mode, a.users, a.uses, cs.users, cs.uses)
			}
			m := most[r.ID]
			m.users = max(m.users, a.users)
			for b := range m.uses {
				m.uses[b] = max(m.uses[b], a.uses[b])
			}
			most[r.ID] = m
		}})
	}
	for id, m := range most {
		if cs := declared[id]; m.users != cs.users || m.uses != cs.uses {
			t.Errorf("%s declares users: %d, uses: %v, but takes at most users: %d, uses: %v", id, cs.users, cs.uses, m.users, m.uses)
		}
	}
}

// within reports whether s takes no more than limit of any budget.
func (s spend) within(limit spend) bool {
	for b := range s {
		if s[b] > limit[b] {
			return false
		}
	}
	return true
}
