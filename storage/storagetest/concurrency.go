package storagetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/internal/barrier"
)

// testConcurrency checks the exactly-once guarantees with concurrency
// goroutines released together by one barrier.
func (s suite) testConcurrency(t *testing.T) {
	t.Run("CreateUserSameEmail", s.testRaceCreateUser)
	t.Run("UpdateUserSameExpectHashedPassword", s.testRaceUpdateUser)
	t.Run("ApproveChallenge", s.testRaceApprove)
	t.Run("RedeemChallenge", s.testRaceRedeem)
	t.Run("RecordChallengePoll", s.testRaceRecordPoll)
	t.Run("IncrementCounter", s.testRaceIncrement)
}

// outcome tallies the results of one race.
type outcome struct {
	name     string
	wins     []int   // indexes of the goroutines that succeeded
	expected int     // goroutines that failed with the expected sentinel
	other    []error // any other error
}

// record files the result of goroutine i.
func (o *outcome) record(i int, err, want error) {
	switch {
	case err == nil:
		o.wins = append(o.wins, i)
	case errors.Is(err, want):
		o.expected++
	default:
		o.other = append(o.other, fmt.Errorf("goroutine %d: %w", i, err))
	}
}

// check logs the tally and reports an error unless exactly one goroutine won
// and all others failed with want. It returns the winner's index, or -1.
func (o *outcome) check(t *testing.T, want error) int {
	t.Helper()
	t.Logf("%d concurrent %s: %d succeeded, %d failed with %v, %d failed otherwise",
		concurrency, o.name, len(o.wins), o.expected, want, len(o.other))
	for _, err := range o.other {
		t.Errorf("%s: unexpected error: %v", o.name, err)
	}
	if len(o.wins) != 1 {
		t.Errorf("%d concurrent %s: %d succeeded, want exactly 1", concurrency, o.name, len(o.wins))
		return -1
	}
	if o.expected != concurrency-1 {
		t.Errorf("%d concurrent %s: %d failed with %v, want %d", concurrency, o.name, o.expected, want, concurrency-1)
	}
	return o.wins[0]
}

// race runs f in concurrency goroutines released by one barrier and tallies
// the errors against want.
func race(name string, want error, f func(i int) error) *outcome {
	errs := make([]error, concurrency)
	barrier.Run(concurrency, func(i int) { errs[i] = f(i) })
	o := &outcome{name: name}
	for i, err := range errs {
		o.record(i, err, want)
	}
	return o
}

// caseVariant spells email with the letters at the set bits of mask in
// upper case.
func caseVariant(email string, mask int) string {
	b := []byte(email)
	letter := 0
	for j, c := range b {
		if c >= 'a' && c <= 'z' {
			if mask&(1<<(letter%16)) != 0 {
				b[j] = c - 'a' + 'A'
			}
			letter++
		}
	}
	return string(b)
}

func (s suite) testRaceCreateUser(t *testing.T) {
	st := s.store(t)
	const email = "king.arthur@camelot.bt"
	users := make([]core.User, concurrency)
	for i := range users {
		users[i] = newUser(caseVariant(email, i*40503))
	}
	o := race("CreateUser of one email in mixed case", core.ErrAlreadyExists, func(i int) error {
		_, err := st.CreateUser(t.Context(), users[i])
		return err
	})
	w := o.check(t, core.ErrAlreadyExists)
	if w < 0 {
		return
	}
	got, err := st.GetUserByEmail(t.Context(), email)
	if err != nil {
		t.Fatalf("GetUserByEmail after the race: %v", err)
	}
	checkUser(t, "GetUserByEmail after the race (the winner)", got, users[w])
	stored := 0
	for _, u := range users {
		if _, err := st.GetUser(t.Context(), u.ID); err == nil {
			stored++
		} else if !errors.Is(err, core.ErrNotFound) {
			t.Errorf("GetUser(%s): %v", u.ID, err)
		}
	}
	if stored != 1 {
		t.Errorf("%d users stored after the race, want exactly 1", stored)
	}
}

func (s suite) testRaceUpdateUser(t *testing.T) {
	st := s.store(t)
	u := newUser("guinevere@camelot.bt")
	u.TokenVersion = 10
	mustCreateUser(t, st, u)
	o := race("UpdateUser with one ExpectHashedPassword (password resets)", core.ErrConflict, func(i int) error {
		_, err := st.UpdateUser(t.Context(), u.ID, core.UserPatch{
			HashedPassword:       ptr(fmt.Sprintf("hash-%d", i)),
			BumpTokenVersion:     true,
			ExpectHashedPassword: ptr(u.HashedPassword),
		})
		return err
	})
	w := o.check(t, core.ErrConflict)
	if w < 0 {
		return
	}
	want := u
	want.HashedPassword = fmt.Sprintf("hash-%d", w)
	want.TokenVersion = 11
	checkUser(t, "GetUser after the race", mustGetUser(t, st, u.ID), want)
}

func (s suite) testRaceApprove(t *testing.T) {
	st := s.store(t)
	const code = "RACEAPPR"
	approvers := make([]core.User, concurrency)
	for i := range approvers {
		approvers[i] = mustCreateUser(t, st, newUser(fmt.Sprintf("knight%02d@camelot.bt", i)))
	}
	mustCreateChallenge(t, st, newChallenge(code))
	o := race("ApproveChallenge by different users", core.ErrNotFound, func(i int) error {
		_, err := st.ApproveChallenge(t.Context(), code, approvers[i].ID, base)
		return err
	})
	w := o.check(t, core.ErrNotFound)
	if w < 0 {
		return
	}
	got := mustGetChallenge(t, st, code)
	if got.Status != core.ChallengeApproved || got.UserID == nil || *got.UserID != approvers[w].ID {
		t.Errorf("after the race: Status %q, UserID %s; want %q, %s (the winner)",
			got.Status, fmtUserID(got.UserID), core.ChallengeApproved, approvers[w].ID)
	}
}

func (s suite) testRaceRedeem(t *testing.T) {
	st := s.store(t)
	const code = "RACERDMD"
	u := mustCreateUser(t, st, newUser("approver@camelot.bt"))
	mustCreateChallenge(t, st, newChallenge(code))
	mustApprove(t, st, code, u.ID)
	o := race("RedeemChallenge of one challenge", core.ErrNotFound, func(int) error {
		_, err := st.RedeemChallenge(t.Context(), code, secretHash("secret-"+code), base)
		return err
	})
	if o.check(t, core.ErrNotFound) < 0 {
		return
	}
	got := mustGetChallenge(t, st, code)
	if got.Status != core.ChallengeRedeemed || got.SecretHash != "" {
		t.Errorf("after the race: Status %q, SecretHash %q; want %q, \"\"", got.Status, got.SecretHash, core.ChallengeRedeemed)
	}
}

func (s suite) testRaceRecordPoll(t *testing.T) {
	st := s.store(t)
	const code = "RACEPOLL"
	mustCreateChallenge(t, st, newChallenge(code))
	now := base.Add(3 * time.Second)
	o := race("RecordChallengePoll at one instant", errNotRecorded, func(int) error {
		ok, err := st.RecordChallengePoll(t.Context(), code, now, 5*time.Second)
		if err != nil {
			return err
		}
		if !ok {
			return errNotRecorded
		}
		return nil
	})
	o.check(t, errNotRecorded)
	if got := mustGetChallenge(t, st, code).LastPolledAt; !sameTime(got, now) {
		t.Errorf("LastPolledAt after the race = %v, want %v", got, now)
	}
}

// errNotRecorded stands for RecordChallengePoll reporting false.
var errNotRecorded = errors.New("false (poll not recorded)")

func (s suite) testRaceIncrement(t *testing.T) {
	st := s.store(t)
	const key = "login:198.51.100.1"
	const window = time.Minute
	wantEnd := time.Date(2026, 1, 2, 3, 5, 0, 0, time.UTC)
	counts := make([]int64, concurrency)
	ends := make([]time.Time, concurrency)
	errs := make([]error, concurrency)
	barrier.Run(concurrency, func(i int) {
		counts[i], ends[i], errs[i] = st.IncrementCounter(t.Context(), key, window, base)
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("goroutine %d: IncrementCounter: %v", i, err)
		}
	}
	for i, end := range ends {
		if errs[i] == nil && !sameTime(end, wantEnd) {
			t.Errorf("goroutine %d: windowEnd = %v, want %v", i, end, wantEnd)
		}
	}
	sorted := slices.Sorted(slices.Values(counts))
	want := make([]int64, concurrency)
	for i := range want {
		want[i] = int64(i + 1)
	}
	distinct := len(slices.Compact(slices.Clone(sorted)))
	t.Logf("%d concurrent IncrementCounter on one key: %d distinct counts, max %d", concurrency, distinct, sorted[len(sorted)-1])
	if !slices.Equal(sorted, want) {
		t.Errorf("counts returned by %d concurrent IncrementCounter, sorted = %s; want 1..%d each once",
			concurrency, fmtCounts(sorted), concurrency)
	}
	if n, _ := mustIncrement(t, st, key, window, base); n != concurrency+1 {
		t.Errorf("IncrementCounter after the race = %d, want %d (increments were lost)", n, concurrency+1)
	}
}

// fmtCounts formats counts compactly.
func fmtCounts(counts []int64) string {
	parts := make([]string, len(counts))
	for i, c := range counts {
		parts[i] = fmt.Sprint(c)
	}
	return "[" + strings.Join(parts, " ") + "]"
}
