package storagetest_test

import (
	"testing"

	"github.com/zincware/zndraw-auth-go/core"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
	"github.com/zincware/zndraw-auth-go/storage/storagetest"
)

// testMemstore is what a store's own _test.go file holds, there named
// TestConformance: it runs the suite against a fresh store per subtest. A
// store backed by a database opens (or empties) one in newStore and closes
// it with t.Cleanup.
func testMemstore(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) core.Store {
		return memstore.New()
	})
}

// Run is called from a test function of the store's package; see
// testMemstore above.
func ExampleRun() {
	_ = testMemstore
}
