package storagetest

import (
	"testing"
	"time"

	"github.com/zincware/zndraw-auth-go/core"
)

// testRevocations checks the RevocationStore methods.
func (s suite) testRevocations(t *testing.T) {
	t.Run("RevokeToken", s.testRevokeToken)
	t.Run("RevokeTokenTwice", s.testRevokeTokenTwice)
	t.Run("PurgeRevocations", s.testPurgeRevocations)
}

func (s suite) testRevokeToken(t *testing.T) {
	st := s.store(t)
	const jti = "9f8c1a52-3d2e-4b7a-9c61-0d5e4f3a2b1c"
	checkRevoked(t, st, jti, false)
	if err := st.RevokeToken(t.Context(), jti, base.Add(time.Hour)); err != nil {
		t.Fatalf("RevokeToken: %v", err)
	}
	checkRevoked(t, st, jti, true)
	checkRevoked(t, st, "9f8c1a52-3d2e-4b7a-9c61-0d5e4f3a2b1d", false)
	checkRevoked(t, st, "9F8C1A52-3D2E-4B7A-9C61-0D5E4F3A2B1C", false)
	checkRevoked(t, st, "", false)
}

func (s suite) testRevokeTokenTwice(t *testing.T) {
	st := s.store(t)
	const jti = "jti-twice"
	for i := range 2 {
		if err := st.RevokeToken(t.Context(), jti, base); err != nil {
			t.Fatalf("RevokeToken #%d: %v", i+1, err)
		}
	}
	checkRevoked(t, st, jti, true)
	n, err := st.PurgeRevocations(t.Context(), base.Add(time.Microsecond))
	if err != nil {
		t.Fatalf("PurgeRevocations: %v", err)
	}
	if n != 1 {
		t.Errorf("PurgeRevocations after revoking one jti twice = %d, want 1 (one entry)", n)
	}
}

func (s suite) testPurgeRevocations(t *testing.T) {
	st := s.store(t)
	cutoff := base.Add(time.Hour)
	entries := []struct {
		jti     string
		expires time.Time
		purged  bool
	}{
		{"long-expired", base.Add(-24 * time.Hour), true},
		{"just-expired", cutoff.Add(-time.Microsecond), true},
		{"at-cutoff", cutoff, false},
		{"live", cutoff.Add(time.Microsecond), false},
		{"long-lived", cutoff.Add(30 * 24 * time.Hour), false},
	}
	for _, e := range entries {
		if err := st.RevokeToken(t.Context(), e.jti, e.expires); err != nil {
			t.Fatalf("RevokeToken(%q): %v", e.jti, err)
		}
	}
	n, err := st.PurgeRevocations(t.Context(), cutoff)
	if err != nil {
		t.Fatalf("PurgeRevocations: %v", err)
	}
	if n != 2 {
		t.Errorf("PurgeRevocations(%v) = %d, want 2", cutoff, n)
	}
	for _, e := range entries {
		checkRevoked(t, st, e.jti, !e.purged)
	}
	n, err = st.PurgeRevocations(t.Context(), cutoff)
	if err != nil || n != 0 {
		t.Errorf("second PurgeRevocations = %d, %v; want 0, nil", n, err)
	}
}

// checkRevoked reports an error unless IsTokenRevoked(jti) is want.
func checkRevoked(t *testing.T, st core.Store, jti string, want bool) {
	t.Helper()
	got, err := st.IsTokenRevoked(t.Context(), jti)
	if err != nil {
		t.Errorf("IsTokenRevoked(%q): %v", jti, err)
		return
	}
	if got != want {
		t.Errorf("IsTokenRevoked(%q) = %v, want %v", jti, got, want)
	}
}
