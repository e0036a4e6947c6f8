package storagetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/zincware/zndraw-auth-go/core"
)

// testChallenges checks the ChallengeStore methods.
func (s suite) testChallenges(t *testing.T) {
	t.Run("CreateChallenge", func(t *testing.T) {
		t.Run("RoundTrip", s.testChallengeRoundTrip)
		t.Run("DuplicateCode", s.testChallengeDuplicateCode)
	})
	t.Run("GetChallenge", func(t *testing.T) {
		t.Run("NotFound", s.testGetChallengeNotFound)
		t.Run("CaseSensitive", s.testGetChallengeCaseSensitive)
	})
	t.Run("ApproveChallenge", s.testApproveChallenge)
	t.Run("RejectChallenge", s.testRejectChallenge)
	t.Run("RedeemChallenge", s.testRedeemChallenge)
	t.Run("RecordChallengePoll", s.testRecordChallengePoll)
	t.Run("PurgeChallenges", s.testPurgeChallenges)
	t.Run("ReturnsCopies", s.testChallengeReturnsCopies)
	t.Run("ZndrawAuthChallenges", s.testLegacyChallenges)
}

func (s suite) testChallengeRoundTrip(t *testing.T) {
	full := newChallenge("WDJBMNPQ")
	full.ClientIP = "2001:db8::7"
	full.UserAgent = "zndraw/0.9 (Linux; “quoted” ünïcode)"
	bare := newChallenge("XKCDRSTV")
	bare.ClientIP = ""
	bare.UserAgent = ""
	bare.CreatedAt = base.Add(-time.Hour)
	bare.ExpiresAt = base.Add(-time.Minute)

	st := s.store(t)
	var ids []int64
	for _, c := range []core.Challenge{full, bare} {
		created, err := st.CreateChallenge(t.Context(), c)
		if err != nil {
			t.Fatalf("CreateChallenge(%q): %v", c.Code, err)
		}
		if created.ID == 0 {
			t.Errorf("CreateChallenge(%q) returned ID 0, want an ID assigned by the store", c.Code)
		}
		for _, prev := range ids {
			if created.ID == prev {
				t.Errorf("CreateChallenge(%q) returned ID %d, already used by another challenge", c.Code, created.ID)
			}
		}
		ids = append(ids, created.ID)
		want := c
		want.ID = created.ID
		checkChallenge(t, fmt.Sprintf("CreateChallenge(%q) returned", c.Code), created, want)
		got := mustGetChallenge(t, st, c.Code)
		checkChallenge(t, fmt.Sprintf("GetChallenge(%q)", c.Code), got, want)
		if got.UserID != nil {
			t.Errorf("GetChallenge(%q).UserID = %s, want nil", c.Code, got.UserID)
		}
		if !got.LastPolledAt.IsZero() {
			t.Errorf("GetChallenge(%q).LastPolledAt = %v, want the zero time", c.Code, got.LastPolledAt)
		}
	}
}

func (s suite) testChallengeDuplicateCode(t *testing.T) {
	st := s.store(t)
	first := mustCreateChallenge(t, st, newChallenge("HJKLMNPQ"))
	dup := newChallenge("HJKLMNPQ")
	dup.SecretHash = secretHash("another secret")
	dup.ClientIP = "198.51.100.9"
	_, err := st.CreateChallenge(t.Context(), dup)
	checkErr(t, "CreateChallenge(taken code)", err, core.ErrAlreadyExists)
	checkChallenge(t, "GetChallenge after duplicate", mustGetChallenge(t, st, "HJKLMNPQ"), first)
}

func (s suite) testGetChallengeNotFound(t *testing.T) {
	st := s.store(t)
	mustCreateChallenge(t, st, newChallenge("BCDFGHJK"))
	for _, code := range []string{"BCDFGHJL", "BCDFGHJ", "BCDFGHJKM", ""} {
		_, err := st.GetChallenge(t.Context(), code)
		checkErr(t, fmt.Sprintf("GetChallenge(%q)", code), err, core.ErrNotFound)
	}
}

func (s suite) testGetChallengeCaseSensitive(t *testing.T) {
	st := s.store(t)
	mustCreateChallenge(t, st, newChallenge("BCDFGHJK"))
	for _, code := range []string{"bcdfghjk", "Bcdfghjk", "BCDFGHJk"} {
		_, err := st.GetChallenge(t.Context(), code)
		checkErr(t, fmt.Sprintf("GetChallenge(%q) with BCDFGHJK stored", code), err, core.ErrNotFound)
	}
}

// challengeState brings the challenge code, created by newChallenge, into
// one of the four states (approved and redeemed by approver) and returns it.
type challengeState func(t *testing.T, st core.Store, code string, approver uuid.UUID) core.Challenge

var (
	statePending challengeState = func(t *testing.T, st core.Store, code string, _ uuid.UUID) core.Challenge {
		return mustGetChallenge(t, st, code)
	}
	stateApproved challengeState = func(t *testing.T, st core.Store, code string, approver uuid.UUID) core.Challenge {
		return mustApprove(t, st, code, approver)
	}
	stateRedeemed challengeState = func(t *testing.T, st core.Store, code string, approver uuid.UUID) core.Challenge {
		mustApprove(t, st, code, approver)
		mustRedeem(t, st, code)
		return mustGetChallenge(t, st, code)
	}
	stateRejected challengeState = func(t *testing.T, st core.Store, code string, _ uuid.UUID) core.Challenge {
		mustReject(t, st, code)
		return mustGetChallenge(t, st, code)
	}
)

func (s suite) testApproveChallenge(t *testing.T) {
	const code = "MNPQRSTV"
	expires := base.Add(challengeTTL)
	tests := []struct {
		name  string
		state challengeState
		now   time.Time
		ok    bool
	}{
		{"Pending", statePending, base, true},
		{"PendingAtCreation", statePending, base.Add(-time.Microsecond), true},
		{"PendingAtExpiresAt", statePending, expires, true},
		{"PendingExpired", statePending, expires.Add(time.Microsecond), false},
		{"PendingLongExpired", statePending, expires.Add(24 * time.Hour), false},
		{"AlreadyApproved", stateApproved, base, false},
		{"Redeemed", stateRedeemed, base, false},
		{"Rejected", stateRejected, base, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := s.store(t)
			first := mustCreateUser(t, st, newUser("first@camelot.bt"))
			approver := mustCreateUser(t, st, newUser("approver@camelot.bt"))
			mustCreateChallenge(t, st, newChallenge(code))
			before := tt.state(t, st, code, first.ID)

			got, err := st.ApproveChallenge(t.Context(), code, approver.ID, tt.now)
			if !tt.ok {
				checkErr(t, fmt.Sprintf("ApproveChallenge(%s challenge, now=%v)", before.Status, tt.now), err, core.ErrNotFound)
				checkChallenge(t, "GetChallenge after failed ApproveChallenge (nothing may change)", mustGetChallenge(t, st, code), before)
				return
			}
			if err != nil {
				t.Fatalf("ApproveChallenge(now=%v, expires %v): %v", tt.now, expires, err)
			}
			want := before
			want.Status = core.ChallengeApproved
			want.UserID = &approver.ID
			checkChallenge(t, "ApproveChallenge returned", got, want)
			checkChallenge(t, "GetChallenge after ApproveChallenge", mustGetChallenge(t, st, code), want)
		})
	}
	t.Run("UnknownCode", func(t *testing.T) {
		st := s.store(t)
		u := mustCreateUser(t, st, newUser("approver@camelot.bt"))
		mustCreateChallenge(t, st, newChallenge(code))
		_, err := st.ApproveChallenge(t.Context(), "QRSTVWXZ", u.ID, base)
		checkErr(t, "ApproveChallenge(unknown code)", err, core.ErrNotFound)
	})
	t.Run("Twice", func(t *testing.T) {
		st := s.store(t)
		first := mustCreateUser(t, st, newUser("first@camelot.bt"))
		second := mustCreateUser(t, st, newUser("second@camelot.bt"))
		mustCreateChallenge(t, st, newChallenge(code))
		want := mustApprove(t, st, code, first.ID)
		_, err := st.ApproveChallenge(t.Context(), code, second.ID, base)
		checkErr(t, "second ApproveChallenge", err, core.ErrNotFound)
		checkChallenge(t, "GetChallenge after second ApproveChallenge (first approver stays)", mustGetChallenge(t, st, code), want)
	})
}

func (s suite) testRejectChallenge(t *testing.T) {
	const code = "RSTVWXZB"
	expires := base.Add(challengeTTL)
	// by is the approvedBy argument: anyone (nil), the approver, or another
	// user.
	type by int
	const (
		anyone by = iota
		theApprover
		someoneElse
	)
	tests := []struct {
		name  string
		state challengeState
		now   time.Time
		by    by
		ok    bool
	}{
		{"Pending", statePending, base, anyone, true},
		{"PendingBySomeoneElse", statePending, base, someoneElse, true},
		{"PendingExpired", statePending, expires.Add(time.Hour), anyone, true},
		{"Approved", stateApproved, base, anyone, true},
		{"ApprovedByTheApprover", stateApproved, base, theApprover, true},
		{"ApprovedBySomeoneElse", stateApproved, base, someoneElse, false},
		{"ApprovedExpired", stateApproved, expires.Add(time.Hour), anyone, true},
		{"ApprovedExpiredBySomeoneElse", stateApproved, expires.Add(time.Hour), someoneElse, false},
		{"Redeemed", stateRedeemed, base, anyone, false},
		{"Rejected", stateRejected, base, anyone, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := s.store(t)
			approver := mustCreateUser(t, st, newUser("approver@camelot.bt"))
			mustCreateChallenge(t, st, newChallenge(code))
			before := tt.state(t, st, code, approver.ID)
			var approvedBy *uuid.UUID
			switch tt.by {
			case theApprover:
				approvedBy = &approver.ID
			case someoneElse:
				other := mustCreateUser(t, st, newUser("other@camelot.bt"))
				approvedBy = &other.ID
			}

			got, err := st.RejectChallenge(t.Context(), code, approvedBy, tt.now)
			if !tt.ok {
				checkErr(t, fmt.Sprintf("RejectChallenge(%s challenge)", before.Status), err, core.ErrNotFound)
				checkChallenge(t, "GetChallenge after failed RejectChallenge (nothing may change)", mustGetChallenge(t, st, code), before)
				return
			}
			if err != nil {
				t.Fatalf("RejectChallenge(%s challenge, now=%v): %v", before.Status, tt.now, err)
			}
			if got.Status != core.ChallengeRejected || got.Code != code || got.ID != before.ID {
				t.Errorf("RejectChallenge returned ID %d, Code %q, Status %q; want ID %d, Code %q, Status %q",
					got.ID, got.Code, got.Status, before.ID, code, core.ChallengeRejected)
			}
			if stored := mustGetChallenge(t, st, code); stored.Status != core.ChallengeRejected {
				t.Errorf("GetChallenge after RejectChallenge: Status = %q, want %q", stored.Status, core.ChallengeRejected)
			}
		})
	}
	t.Run("UnknownCode", func(t *testing.T) {
		st := s.store(t)
		mustCreateChallenge(t, st, newChallenge(code))
		_, err := st.RejectChallenge(t.Context(), "QRSTVWXZ", nil, base)
		checkErr(t, "RejectChallenge(unknown code)", err, core.ErrNotFound)
	})
}

func (s suite) testRedeemChallenge(t *testing.T) {
	const code = "VWXZBCDF"
	right := secretHash("secret-" + code)
	expires := base.Add(challengeTTL)
	tests := []struct {
		name  string
		state challengeState
		hash  string
		now   time.Time
		ok    bool
	}{
		{"Approved", stateApproved, right, base, true},
		{"ApprovedAtExpiresAt", stateApproved, right, expires, true},
		{"ApprovedExpired", stateApproved, right, expires.Add(time.Microsecond), false},
		{"WrongSecretHash", stateApproved, secretHash("guess"), base, false},
		{"EmptySecretHash", stateApproved, "", base, false},
		{"SecretHashOtherCase", stateApproved, "SHA256:" + right[len("sha256:"):], base, false},
		{"Pending", statePending, right, base, false},
		{"Rejected", stateRejected, right, base, false},
		{"AlreadyRedeemed", stateRedeemed, right, base, false},
		{"AlreadyRedeemedEmptySecretHash", stateRedeemed, "", base, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := s.store(t)
			approver := mustCreateUser(t, st, newUser("approver@camelot.bt"))
			mustCreateChallenge(t, st, newChallenge(code))
			before := tt.state(t, st, code, approver.ID)

			got, err := st.RedeemChallenge(t.Context(), code, tt.hash, tt.now)
			if !tt.ok {
				checkErr(t, fmt.Sprintf("RedeemChallenge(%s challenge, hash %q, now=%v)", before.Status, tt.hash, tt.now), err, core.ErrNotFound)
				checkChallenge(t, "GetChallenge after failed RedeemChallenge (nothing may change)", mustGetChallenge(t, st, code), before)
				return
			}
			if err != nil {
				t.Fatalf("RedeemChallenge(now=%v, expires %v): %v", tt.now, expires, err)
			}
			// The returned row is the one before SecretHash was cleared,
			// with Status redeemed.
			want := before
			want.Status = core.ChallengeRedeemed
			checkChallenge(t, "RedeemChallenge returned", got, want)
			want.SecretHash = ""
			checkChallenge(t, "GetChallenge after RedeemChallenge (SecretHash cleared)", mustGetChallenge(t, st, code), want)
		})
	}
	t.Run("UnknownCode", func(t *testing.T) {
		st := s.store(t)
		mustCreateChallenge(t, st, newChallenge(code))
		_, err := st.RedeemChallenge(t.Context(), "QRSTVWXZ", right, base)
		checkErr(t, "RedeemChallenge(unknown code)", err, core.ErrNotFound)
	})
	t.Run("WrongThenRight", func(t *testing.T) {
		st := s.store(t)
		approver := mustCreateUser(t, st, newUser("approver@camelot.bt"))
		mustCreateChallenge(t, st, newChallenge(code))
		mustApprove(t, st, code, approver.ID)
		_, err := st.RedeemChallenge(t.Context(), code, secretHash("guess"), base)
		checkErr(t, "RedeemChallenge(wrong secret hash)", err, core.ErrNotFound)
		if _, err := st.RedeemChallenge(t.Context(), code, right, base); err != nil {
			t.Fatalf("RedeemChallenge(right secret hash) after a wrong one: %v", err)
		}
		_, err = st.RedeemChallenge(t.Context(), code, right, base)
		checkErr(t, "second RedeemChallenge", err, core.ErrNotFound)
	})
}

func (s suite) testRecordChallengePoll(t *testing.T) {
	const code = "ZBCDFGHJ"
	const interval = 5 * time.Second
	first := base.Add(2 * time.Second)
	// Each step polls at now and expects recorded; the stored LastPolledAt
	// is then the last recorded poll.
	steps := []struct {
		name     string
		now      time.Time
		recorded bool
	}{
		{"FirstPoll", first, true},
		{"SameInstant", first, false},
		{"WithinInterval", first.Add(time.Second), false},
		{"JustBeforeInterval", first.Add(interval - time.Microsecond), false},
		{"ExactlyAtInterval", first.Add(interval), true},
		{"EarlierThanLastPoll", first, false},
		{"LongAfter", first.Add(interval + time.Hour), true},
		{"AgainWithinInterval", first.Add(interval + time.Hour + interval/2), false},
	}
	t.Run("Sequence", func(t *testing.T) {
		st := s.store(t)
		mustCreateChallenge(t, st, newChallenge(code))
		var last time.Time
		for _, step := range steps {
			ok, err := st.RecordChallengePoll(t.Context(), code, step.now, interval)
			if err != nil {
				t.Fatalf("%s: RecordChallengePoll(now=%v): %v", step.name, step.now, err)
			}
			if ok != step.recorded {
				t.Errorf("%s: RecordChallengePoll(now=%v, interval %v) after a poll at %v = %v, want %v",
					step.name, step.now, interval, last, ok, step.recorded)
			}
			if step.recorded {
				last = step.now
			}
			if got := mustGetChallenge(t, st, code).LastPolledAt; !sameTime(got, last) || got.IsZero() != last.IsZero() {
				t.Errorf("%s: LastPolledAt = %v, want %v", step.name, got, last)
			}
		}
	})

	t.Run("UnknownCode", func(t *testing.T) {
		st := s.store(t)
		mustCreateChallenge(t, st, newChallenge(code))
		_, err := st.RecordChallengePoll(t.Context(), "QRSTVWXZ", base, interval)
		checkErr(t, "RecordChallengePoll(unknown code)", err, core.ErrNotFound)
	})
	t.Run("ChallengesIndependent", func(t *testing.T) {
		st := s.store(t)
		mustCreateChallenge(t, st, newChallenge(code))
		mustCreateChallenge(t, st, newChallenge("OTHERCOD"))
		for _, c := range []string{code, "OTHERCOD"} {
			ok, err := st.RecordChallengePoll(t.Context(), c, base, interval)
			if err != nil || !ok {
				t.Errorf("first RecordChallengePoll(%q) = %v, %v; want true, nil", c, ok, err)
			}
		}
	})
}

func (s suite) testPurgeChallenges(t *testing.T) {
	st := s.store(t)
	u := mustCreateUser(t, st, newUser("approver@camelot.bt"))
	cutoff := base.Add(challengeTTL)
	mk := func(code string, expires time.Time) {
		c := newChallenge(code)
		c.ExpiresAt = expires
		mustCreateChallenge(t, st, c)
	}
	mk("OLDPENDG", cutoff.Add(-time.Hour))
	mk("OLDREDMD", cutoff.Add(-time.Microsecond))
	mk("OLDREJCT", cutoff.Add(-time.Minute))
	mk("ATCUTOFF", cutoff)
	mk("NEWPENDG", cutoff.Add(time.Microsecond))
	mk("NEWAPPRV", cutoff.Add(time.Hour))
	if _, err := st.ApproveChallenge(t.Context(), "OLDREDMD", u.ID, base); err != nil {
		t.Fatalf("ApproveChallenge: %v", err)
	}
	if _, err := st.RedeemChallenge(t.Context(), "OLDREDMD", secretHash("secret-OLDREDMD"), base); err != nil {
		t.Fatalf("RedeemChallenge: %v", err)
	}
	mustReject(t, st, "OLDREJCT")
	mustApprove(t, st, "NEWAPPRV", u.ID)

	n, err := st.PurgeChallenges(t.Context(), cutoff)
	if err != nil {
		t.Fatalf("PurgeChallenges: %v", err)
	}
	if n != 3 {
		t.Errorf("PurgeChallenges(%v) = %d, want 3", cutoff, n)
	}
	for _, code := range []string{"OLDPENDG", "OLDREDMD", "OLDREJCT"} {
		_, err := st.GetChallenge(t.Context(), code)
		checkErr(t, fmt.Sprintf("GetChallenge(%q) after purge", code), err, core.ErrNotFound)
	}
	for _, code := range []string{"ATCUTOFF", "NEWPENDG", "NEWAPPRV"} {
		if _, err := st.GetChallenge(t.Context(), code); err != nil {
			t.Errorf("GetChallenge(%q) after purge (ExpiresAt not before the cutoff): %v", code, err)
		}
	}
	n, err = st.PurgeChallenges(t.Context(), cutoff)
	if err != nil || n != 0 {
		t.Errorf("second PurgeChallenges = %d, %v; want 0, nil", n, err)
	}
	// A purged code can be used again.
	mustCreateChallenge(t, st, newChallenge("OLDPENDG"))
}

func (s suite) testChallengeReturnsCopies(t *testing.T) {
	st := s.store(t)
	u := mustCreateUser(t, st, newUser("approver@camelot.bt"))
	mustCreateChallenge(t, st, newChallenge("CPYCPYCP"))
	approved := mustApprove(t, st, "CPYCPYCP", u.ID)
	want := approved
	want.UserID = ptr(u.ID)
	*approved.UserID = uuid.New()
	got := mustGetChallenge(t, st, "CPYCPYCP")
	checkChallenge(t, "GetChallenge after the caller modified *UserID of a returned challenge", got, want)
	*got.UserID = uuid.New()
	checkChallenge(t, "GetChallenge after the caller modified *UserID of a read challenge", mustGetChallenge(t, st, "CPYCPYCP"), want)
}
