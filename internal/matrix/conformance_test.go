package matrix

import (
	"testing"

	"github.com/zincware/zndraw-auth-go/conformance"
	"github.com/zincware/zndraw-auth-go/httpapi"
)

// TestConformance runs the unchanged conformance suite on every adapter ×
// store (× mode, see stores), validating every response against the
// OpenAPI document of the same configuration. Nothing in it depends on the
// adapter: each row only says how to serve a kit.
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
					cfg := httpapi.Config{Service: svc}
					target.BaseURL = ad.serve(t, cfg)
					api, err := httpapi.New(cfg)
					if err != nil {
						t.Fatal(err)
					}
					target, report, err := conformance.WithOpenAPIValidation(target, api.OpenAPI())
					if err != nil {
						t.Fatal(err)
					}
					conformance.Run(t, target)
					t.Logf("OpenAPI: %d responses checked, %d mismatches", report.Checked(), len(report.Mismatches()))
					if report.Checked() < 100 || len(report.Mismatches()) > 0 {
						t.Errorf("OpenAPI validation: %s", report)
					}
				})
			}
		}
	}
}
