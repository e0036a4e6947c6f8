package memstore_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/zincware/zndraw-auth-go/core"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// TestChallengesBounded: the store keeps at most WithMaxChallenges
// challenges. A full store first drops the challenges that can no longer
// be approved or redeemed, and refuses (core.ErrUnavailable) only while
// every kept challenge is live, until the earliest of them expires.
func TestChallengesBounded(t *testing.T) {
	const max = 4
	st := memstore.New(memstore.WithMaxChallenges(max))
	t0 := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	n := 0
	create := func(now time.Time) error {
		n++
		_, err := st.CreateChallenge(t.Context(), core.Challenge{Code: fmt.Sprintf("C%07d", n), Status: core.ChallengePending,
			CreatedAt: now, ExpiresAt: now.Add(5 * time.Minute)})
		return err
	}
	for i := range max {
		if err := create(t0.Add(time.Duration(i) * time.Minute)); err != nil {
			t.Fatalf("challenge %d of %d: %v", i+1, max, err)
		}
	}
	if err := create(t0.Add(4 * time.Minute)); !errors.Is(err, core.ErrUnavailable) {
		t.Fatalf("a 5th live challenge in a store of %d: %v, want core.ErrUnavailable", max, err)
	}
	// A rejected one makes room.
	if _, err := st.RejectChallenge(t.Context(), "C0000002", nil, t0); err != nil {
		t.Fatal(err)
	}
	if err := create(t0.Add(4 * time.Minute)); err != nil {
		t.Fatalf("after a rejection: %v", err)
	}
	if _, err := st.GetChallenge(t.Context(), "C0000002"); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("the rejected challenge is still kept: %v", err)
	}
	if err := create(t0.Add(4*time.Minute + time.Second)); !errors.Is(err, core.ErrUnavailable) {
		t.Fatalf("full again: %v, want core.ErrUnavailable", err)
	}
	// Once the first one expired (at t0+5m), there is room again.
	if err := create(t0.Add(5*time.Minute + time.Second)); err != nil {
		t.Fatalf("after the earliest expired: %v", err)
	}
	if _, err := st.ApproveChallenge(t.Context(), "C0000003", uuid.New(), t0.Add(5*time.Minute+time.Second)); err != nil {
		t.Fatalf("a live challenge was dropped to make room: %v", err)
	}
}
