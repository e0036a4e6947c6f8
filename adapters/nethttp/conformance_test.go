package nethttpauth_test

import (
	"testing"

	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/conformance"
	"github.com/zincware/zndraw-auth-go/httpapi"
	"github.com/zincware/zndraw-auth-go/internal/kittest"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// TestConformance runs the shared HTTP conformance suite against the
// net/http adapter on the memory store, in production and in dev mode.
func TestConformance(t *testing.T) {
	for _, mode := range []conformance.Mode{conformance.ModeProduction, conformance.ModeDev} {
		t.Run(string(mode), func(t *testing.T) {
			svc, _, _, target := conformance.NewTestService(t, mode, memstore.New())
			kit, err := nethttpauth.New(httpapi.Config{Service: svc})
			if err != nil {
				t.Fatal(err)
			}
			target.Handler = kittest.DemoMux(kit)
			conformance.Run(t, target)
		})
	}
}
