package storagetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/zincware/zndraw-auth-go/core"
)

// The "ChangeFeed" section: what core.ChangeFeed and
// core.ChangeSubscription promise. Every wait is bounded by feedTimeout,
// which is generous: this is not a latency test.

// feedHeartbeat is the heartbeat interval the section subscribes with:
// the Service's, so that a store's timeouts derived from it are those it
// runs with (a busy test machine makes shorter ones fail spuriously).
const feedHeartbeat = 100 * time.Millisecond

// feedTimeout bounds every wait for an event.
const feedTimeout = 20 * time.Second

// testChangeFeed checks a store that implements core.ChangeFeed.
func (s suite) testChangeFeed(t *testing.T) {
	if _, ok := s.store(t).(core.ChangeFeed); !ok {
		t.Skip("the store does not implement core.ChangeFeed")
	}
	t.Run("EveryCommittedChange", s.testFeedEveryChange)
	t.Run("Heartbeats", s.testFeedHeartbeats)
	t.Run("CaughtUpBeforeHeartbeat", s.testFeedCaughtUp)
	t.Run("TwoSubscriptions", s.testFeedTwoSubscriptions)
	t.Run("NothingForRolledBackWrite", s.testFeedRolledBack)
	t.Run("LostConnectionIsReported", s.testFeedLost)
	t.Run("CancelAndClose", s.testFeedCancel)
}

// subscribe returns a fresh store and a subscription to it (closed when t
// ends), or skips t when the store offers no feed in its configuration.
func (s suite) subscribe(t *testing.T) (core.Store, core.ChangeSubscription) {
	t.Helper()
	st := s.store(t)
	sub := subscribeTo(t, st)
	return st, sub
}

// subscribeTo subscribes to st.
func subscribeTo(t *testing.T, st core.Store) core.ChangeSubscription {
	t.Helper()
	sub, err := st.(core.ChangeFeed).SubscribeChanges(t.Context(), feedHeartbeat)
	if errors.Is(err, core.ErrNoChangeFeed) {
		t.Skipf("the store offers no change feed in this configuration: %v", err)
	}
	if err != nil {
		t.Fatalf("SubscribeChanges: %v", err)
	}
	if sub == nil {
		t.Fatal("SubscribeChanges returned a nil subscription and no error")
	}
	t.Cleanup(func() { _ = sub.Close() })
	return sub
}

// next returns the next event of sub, failing t when there is none within
// feedTimeout or Next fails.
func next(t *testing.T, sub core.ChangeSubscription) core.Change {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), feedTimeout)
	defer cancel()
	ch, err := sub.Next(ctx)
	if err != nil {
		t.Fatalf("Next: %v", err)
	}
	return ch
}

// waitFor reads events of sub until one matches want and returns the
// events read, the match last.
func waitFor(t *testing.T, sub core.ChangeSubscription, want core.Change) []core.Change {
	t.Helper()
	deadline := time.Now().Add(feedTimeout)
	var seen []core.Change
	for time.Now().Before(deadline) {
		ch := next(t, sub)
		seen = append(seen, ch)
		if ch == want {
			return seen
		}
	}
	t.Fatalf("no %s within %v; saw %s", describe(want), feedTimeout, describeAll(seen))
	return nil
}

func describe(ch core.Change) string {
	switch ch.Kind {
	case core.ChangeUser:
		return fmt.Sprintf("user %s", ch.UserID)
	case core.ChangeRevocation:
		return fmt.Sprintf("revocation %q", ch.JTI)
	}
	return ch.Kind.String()
}

func describeAll(chs []core.Change) string {
	heartbeats := 0
	var out []string
	for _, ch := range chs {
		if ch.Kind == core.ChangeHeartbeat {
			heartbeats++
			continue
		}
		out = append(out, describe(ch))
	}
	return fmt.Sprintf("%d heartbeats and %v", heartbeats, out)
}

func userChange(id uuid.UUID) core.Change { return core.Change{Kind: core.ChangeUser, UserID: id} }

// testFeedEveryChange makes every kind of change, one at a time, and waits
// for its event; when the event arrives, a read through the store must
// already see the change.
func (s suite) testFeedEveryChange(t *testing.T) {
	st, sub := s.subscribe(t)
	ctx := t.Context()
	a := mustCreateUser(t, st, newUser("feed-a@example.com"))
	b := mustCreateUser(t, st, newUser("feed-b@example.com"))
	update := func(p core.UserPatch) func() error {
		return func() error { _, err := st.UpdateUser(ctx, a.ID, p); return err }
	}
	user := func(check func(u core.User) bool) func() error {
		return func() error {
			u, err := st.GetUser(ctx, a.ID)
			if err != nil {
				return err
			}
			if !check(u) {
				return fmt.Errorf("the store reads %+v", u)
			}
			return nil
		}
	}
	const jti = "feed-jti-1"
	steps := []struct {
		name    string
		write   func() error
		want    core.Change
		visible func() error
	}{
		{"UpdateUser(IsActive)", update(core.UserPatch{IsActive: ptr(false)}), userChange(a.ID),
			user(func(u core.User) bool { return !u.IsActive })},
		{"UpdateUser(IsSuperuser)", update(core.UserPatch{IsSuperuser: ptr(true)}), userChange(a.ID),
			user(func(u core.User) bool { return u.IsSuperuser })},
		{"UpdateUser(IsVerified)", update(core.UserPatch{IsVerified: ptr(true)}), userChange(a.ID),
			user(func(u core.User) bool { return u.IsVerified })},
		{"UpdateUser(Email)", update(core.UserPatch{Email: ptr("feed-a2@example.com")}), userChange(a.ID),
			user(func(u core.User) bool { return u.Email == "feed-a2@example.com" })},
		{"UpdateUser(HashedPassword)", update(core.UserPatch{HashedPassword: ptr(fakeHash + "x")}), userChange(a.ID),
			user(func(u core.User) bool { return u.HashedPassword == fakeHash+"x" })},
		{"UpdateUser(BumpTokenVersion)", update(core.UserPatch{BumpTokenVersion: true}), userChange(a.ID),
			user(func(u core.User) bool { return u.TokenVersion == 1 })},
		{"DeleteUser", func() error { return st.DeleteUser(ctx, b.ID) }, userChange(b.ID),
			func() error {
				if _, err := st.GetUser(ctx, b.ID); !errors.Is(err, core.ErrNotFound) {
					return fmt.Errorf("GetUser after delete: %v", err)
				}
				return nil
			}},
		{"RevokeToken", func() error { return st.RevokeToken(ctx, jti, base.Add(time.Hour)) },
			core.Change{Kind: core.ChangeRevocation, JTI: jti},
			func() error {
				if r, err := st.IsTokenRevoked(ctx, jti); err != nil || !r {
					return fmt.Errorf("IsTokenRevoked = %v, %v", r, err)
				}
				return nil
			}},
	}
	for _, step := range steps {
		if err := step.write(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		waitFor(t, sub, step.want)
		if err := step.visible(); err != nil {
			t.Errorf("%s: the event arrived before the change was visible: %v", step.name, err)
		}
	}
}

// testFeedHeartbeats waits for three heartbeats of an idle subscription.
func (s suite) testFeedHeartbeats(t *testing.T) {
	_, sub := s.subscribe(t)
	for i := range 3 {
		if ch := next(t, sub); ch.Kind != core.ChangeHeartbeat {
			t.Fatalf("event %d of an idle subscription: %s, want a heartbeat", i, describe(ch))
		}
	}
}

// testFeedCaughtUp checks what a heartbeat certifies: once a call of Next
// returned after a change was committed, a heartbeat may come only after
// the change's event.
func (s suite) testFeedCaughtUp(t *testing.T) {
	st, sub := s.subscribe(t)
	for round := range 5 {
		u := mustCreateUser(t, st, newUser(fmt.Sprintf("caught-up-%d@example.com", round)))
		if _, err := st.UpdateUser(t.Context(), u.ID, core.UserPatch{IsActive: ptr(false)}); err != nil {
			t.Fatal(err)
		}
		seen := false
		for i := 0; ; i++ {
			ch := next(t, sub)
			if ch == userChange(u.ID) {
				seen = true
			}
			// The first call after the write began before it; from
			// the second on, the previous call returned after it.
			if ch.Kind == core.ChangeHeartbeat && i >= 1 {
				if !seen {
					t.Fatalf("round %d: a heartbeat came before the event of a change committed before the previous Next returned", round)
				}
				break
			}
		}
	}
}

// testFeedTwoSubscriptions: every subscription gets every change.
func (s suite) testFeedTwoSubscriptions(t *testing.T) {
	st, one := s.subscribe(t)
	two := subscribeTo(t, st)
	u := mustCreateUser(t, st, newUser("two@example.com"))
	if err := st.DeleteUser(t.Context(), u.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, one, userChange(u.ID))
	waitFor(t, two, userChange(u.ID))
}

// testFeedRolledBack: a write that is rolled back announces nothing. A
// committed change written after it comes through, and nothing about the
// rolled-back one came before it (events arrive in commit order).
func (s suite) testFeedRolledBack(t *testing.T) {
	if s.opts.rolledBack == nil {
		t.Skip("no WithRolledBackWrite option")
	}
	st, sub := s.subscribe(t)
	x := mustCreateUser(t, st, newUser("rolled-back@example.com"))
	y := mustCreateUser(t, st, newUser("committed@example.com"))
	s.opts.rolledBack(t, st, x.ID)
	checkUser(t, "GetUser after the rolled-back write", mustGetUser(t, st, x.ID), x)
	if _, err := st.UpdateUser(t.Context(), y.ID, core.UserPatch{IsActive: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	for _, ch := range waitFor(t, sub, userChange(y.ID)) {
		if ch == userChange(x.ID) {
			t.Fatalf("an event for the rolled-back write to %s", x.ID)
		}
	}
}

// testFeedLost breaks a subscription from outside: it must report the
// loss, and a new subscription must work.
func (s suite) testFeedLost(t *testing.T) {
	if s.opts.breakFeed == nil {
		t.Skip("no WithBrokenFeed option")
	}
	st, sub := s.subscribe(t)
	next(t, sub) // live
	s.opts.breakFeed(t, st, sub)
	deadline := time.Now().Add(feedTimeout)
	for {
		ctx, cancel := context.WithDeadline(t.Context(), deadline)
		ch, err := sub.Next(ctx)
		cancel()
		if err != nil && time.Now().After(deadline) {
			t.Fatalf("the broken subscription said nothing for %v (it must fail or report a resync)", feedTimeout)
		}
		if err != nil || ch.Kind == core.ChangeResync {
			break
		}
	}
	_ = sub.Close()
	again := subscribeTo(t, st)
	u := mustCreateUser(t, st, newUser("after-loss@example.com"))
	if err := st.DeleteUser(t.Context(), u.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, again, userChange(u.ID))
}

// testFeedCancel: Next returns when its context ends; Close may be called
// twice.
func (s suite) testFeedCancel(t *testing.T) {
	_, sub := s.subscribe(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if ch, err := sub.Next(ctx); err == nil && ch.Kind != core.ChangeHeartbeat {
		t.Errorf("Next with a cancelled context returned %s and no error", describe(ch))
	}
	if err := sub.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := sub.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
