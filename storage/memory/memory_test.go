package memstore_test

import (
	"testing"

	"github.com/zincware/zndraw-auth-go/core"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
	"github.com/zincware/zndraw-auth-go/storage/storagetest"
)

func TestConformance(t *testing.T) {
	storagetest.Run(t, func(*testing.T) core.Store { return memstore.New() })
}
