package bunstore_test

import (
	"testing"

	"github.com/zincware/zndraw-auth-go/storage/storagetest"
)

// TestConformance runs the storagetest suite on every backend.
func TestConformance(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			newStore, opts := b.storeFactory(t)
			storagetest.Run(t, newStore, opts...)
		})
	}
}
