package password

import (
	"context"
	"runtime"
	"testing"
)

func TestDerivationsCollectTheirMemory(t *testing.T) {
	// 8 MiB, one pass: the smallest derivation that is followed by a
	// collection.
	big := Params{Memory: collectThreshold, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	h := New(big, WithMaxConcurrent(1))
	ctx := context.Background()
	stored, err := h.Hash(ctx, "pw")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		run  func() error
	}{
		{"Hash", func() error { _, err := h.Hash(ctx, "pw"); return err }},
		{"Verify", func() error { _, _, err := h.Verify(ctx, "pw", stored); return err }},
		{"Verify, wrong password", func() error { _, _, err := h.Verify(ctx, "nope", stored); return err }},
		{"DummyVerify", func() error { return h.DummyVerify(ctx, "pw") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.run(); err != nil {
				t.Fatal(err)
			}
			// The 8 MiB work area is garbage now; without the
			// collection it would still count as allocated heap.
			if heap := heapAlloc(); heap >= uint64(collectThreshold)<<10 {
				t.Errorf("heap %d KiB right after the derivation: its work area was not collected", heap>>10)
			}
		})
	}
}

func heapAlloc() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
