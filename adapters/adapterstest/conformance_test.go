package adapterstest

import (
	"testing"

	"github.com/zincware/zndraw-auth-go/conformance"
	"github.com/zincware/zndraw-auth-go/httpapi"
)

// TestConformance runs the unchanged conformance suite on every adapter ×
// store (× mode, see stores). Nothing in it depends on the adapter: each
// row only says how to serve a kit.
func TestConformance(t *testing.T) {
	t.Parallel()
	for _, st := range stores {
		for _, ad := range adapters {
			for _, mode := range st.modes {
				t.Run(st.name+"/"+ad.name+"/"+string(mode), func(t *testing.T) {
					// Runs share nothing (own store, clock, server); they
					// wait on I/O enough to overlap well.
					t.Parallel()
					svc, _, _, target := conformance.NewTestService(t, mode, st.open(t))
					target.BaseURL = ad.serve(t, httpapi.Config{Service: svc})
					conformance.Run(t, target)
				})
			}
		}
	}
}
