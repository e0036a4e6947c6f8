package password_test

import (
	"testing"

	"github.com/zincware/zndraw-auth-go/core/password"
)

// BenchmarkHashDefault hashes at the real parameters (64 MiB, t=3, p=4).
func BenchmarkHashDefault(b *testing.B) {
	h := password.New(password.DefaultParams)
	for b.Loop() {
		if _, err := h.Hash(ctx, "correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyTest verifies a TestParams hash: the overhead around the
// key derivation (parsing, semaphore, comparison).
func BenchmarkVerifyTest(b *testing.B) {
	h := password.New(password.TestParams)
	stored, err := h.Hash(ctx, "correct horse battery staple")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if ok, _, err := h.Verify(ctx, "correct horse battery staple", stored); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}
