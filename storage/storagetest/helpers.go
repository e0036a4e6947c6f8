package storagetest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/zincware/zndraw-auth-go/core"
)

// base is the fixed time every test derives its times from. It has a
// microsecond fraction, the precision the suite requires stores to keep.
var base = time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC)

// challengeTTL is the lifetime of the challenges the suite creates.
const challengeTTL = 10 * time.Minute

// fakeHash is a syntactically plausible argon2id PHC string; the store never
// interprets it.
const fakeHash = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"

// newUser returns an active, unverified user with a random ID.
func newUser(email string) core.User {
	return core.User{
		ID:             uuid.New(),
		Email:          email,
		HashedPassword: fakeHash,
		IsActive:       true,
	}
}

// mustCreateUser creates u and fails the test if that does not work.
func mustCreateUser(t *testing.T, st core.Store, u core.User) core.User {
	t.Helper()
	got, err := st.CreateUser(t.Context(), u)
	if err != nil {
		t.Fatalf("CreateUser(%q): %v", u.Email, err)
	}
	return got
}

// mustGetUser reads the user id and fails the test if that does not work.
func mustGetUser(t *testing.T, st core.Store, id uuid.UUID) core.User {
	t.Helper()
	got, err := st.GetUser(t.Context(), id)
	if err != nil {
		t.Fatalf("GetUser(%s): %v", id, err)
	}
	return got
}

// secretHash returns the stored form of a challenge secret, as the Service
// computes it.
func secretHash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// newChallenge returns a pending challenge created at base that expires
// challengeTTL later, with SecretHash secretHash("secret-"+code).
func newChallenge(code string) core.Challenge {
	return core.Challenge{
		Code:       code,
		SecretHash: secretHash("secret-" + code),
		Status:     core.ChallengePending,
		CreatedAt:  base,
		ExpiresAt:  base.Add(challengeTTL),
		ClientIP:   "203.0.113.7",
		UserAgent:  "zndraw-cli/0.1 (linux)",
	}
}

// mustCreateChallenge creates c and fails the test if that does not work.
func mustCreateChallenge(t *testing.T, st core.Store, c core.Challenge) core.Challenge {
	t.Helper()
	got, err := st.CreateChallenge(t.Context(), c)
	if err != nil {
		t.Fatalf("CreateChallenge(%q): %v", c.Code, err)
	}
	return got
}

// mustGetChallenge reads the challenge code and fails the test if that does
// not work.
func mustGetChallenge(t *testing.T, st core.Store, code string) core.Challenge {
	t.Helper()
	got, err := st.GetChallenge(t.Context(), code)
	if err != nil {
		t.Fatalf("GetChallenge(%q): %v", code, err)
	}
	return got
}

// mustApprove approves the challenge code at base as userID.
func mustApprove(t *testing.T, st core.Store, code string, userID uuid.UUID) core.Challenge {
	t.Helper()
	got, err := st.ApproveChallenge(t.Context(), code, userID, base)
	if err != nil {
		t.Fatalf("ApproveChallenge(%q): %v", code, err)
	}
	return got
}

// mustRedeem redeems the challenge code, created by newChallenge, at base.
func mustRedeem(t *testing.T, st core.Store, code string) core.Challenge {
	t.Helper()
	got, err := st.RedeemChallenge(t.Context(), code, secretHash("secret-"+code), base)
	if err != nil {
		t.Fatalf("RedeemChallenge(%q): %v", code, err)
	}
	return got
}

// mustReject rejects the challenge code at base.
func mustReject(t *testing.T, st core.Store, code string) core.Challenge {
	t.Helper()
	got, err := st.RejectChallenge(t.Context(), code, nil, base)
	if err != nil {
		t.Fatalf("RejectChallenge(%q): %v", code, err)
	}
	return got
}

// checkErr reports an error unless errors.Is(err, want).
func checkErr(t *testing.T, op string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: error = %v, want %v", op, err, want)
	}
}

// checkUser reports an error unless got equals want in every field.
func checkUser(t *testing.T, op string, got, want core.User) {
	t.Helper()
	if got != want {
		t.Errorf("%s:\n got %+v\nwant %+v", op, got, want)
	}
}

// sameTime reports whether a and b are the same instant at microsecond
// precision.
func sameTime(a, b time.Time) bool {
	return a.UTC().Truncate(time.Microsecond).Equal(b.UTC().Truncate(time.Microsecond))
}

// fmtUserID formats an optional user id.
func fmtUserID(id *uuid.UUID) string {
	if id == nil {
		return "<nil>"
	}
	return id.String()
}

// challengeDiff lists the fields in which got differs from want. Times are
// compared at microsecond precision.
func challengeDiff(got, want core.Challenge) []string {
	var d []string
	add := func(field string, g, w any) {
		d = append(d, fmt.Sprintf("%s = %v, want %v", field, g, w))
	}
	if got.ID != want.ID {
		add("ID", got.ID, want.ID)
	}
	if got.Code != want.Code {
		add("Code", got.Code, want.Code)
	}
	if got.SecretHash != want.SecretHash {
		add("SecretHash", fmt.Sprintf("%q", got.SecretHash), fmt.Sprintf("%q", want.SecretHash))
	}
	if got.Status != want.Status {
		add("Status", got.Status, want.Status)
	}
	if fmtUserID(got.UserID) != fmtUserID(want.UserID) {
		add("UserID", fmtUserID(got.UserID), fmtUserID(want.UserID))
	}
	if !sameTime(got.CreatedAt, want.CreatedAt) {
		add("CreatedAt", got.CreatedAt, want.CreatedAt)
	}
	if !sameTime(got.ExpiresAt, want.ExpiresAt) {
		add("ExpiresAt", got.ExpiresAt, want.ExpiresAt)
	}
	if got.ClientIP != want.ClientIP {
		add("ClientIP", fmt.Sprintf("%q", got.ClientIP), fmt.Sprintf("%q", want.ClientIP))
	}
	if got.UserAgent != want.UserAgent {
		add("UserAgent", fmt.Sprintf("%q", got.UserAgent), fmt.Sprintf("%q", want.UserAgent))
	}
	if got.LastPolledAt.IsZero() != want.LastPolledAt.IsZero() || !sameTime(got.LastPolledAt, want.LastPolledAt) {
		add("LastPolledAt", got.LastPolledAt, want.LastPolledAt)
	}
	if got.LegacyToken != want.LegacyToken {
		add("LegacyToken", fmt.Sprintf("%q", got.LegacyToken), fmt.Sprintf("%q", want.LegacyToken))
	}
	return d
}

// checkChallenge reports an error unless got equals want in every field.
func checkChallenge(t *testing.T, op string, got, want core.Challenge) {
	t.Helper()
	for _, d := range challengeDiff(got, want) {
		t.Errorf("%s: %s", op, d)
	}
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }

// concurrency is the number of goroutines of every race test.
const concurrency = 64
