package storagetest

import (
	"fmt"
	"testing"

	"github.com/google/uuid"

	"github.com/zincware/zndraw-auth-go/core"
)

// testUsers checks the UserStore methods.
func (s suite) testUsers(t *testing.T) {
	t.Run("CreateUser", func(t *testing.T) {
		t.Run("RoundTrip", s.testUserRoundTrip)
		t.Run("DuplicateEmail", s.testUserDuplicateEmail)
	})
	t.Run("GetUser", func(t *testing.T) {
		t.Run("NotFound", s.testGetUserNotFound)
	})
	t.Run("GetUserByEmail", func(t *testing.T) {
		t.Run("NotFound", s.testGetUserByEmailNotFound)
		t.Run("CaseInsensitive", s.testGetUserByEmailCaseInsensitive)
	})
	t.Run("UpdateUser", func(t *testing.T) {
		t.Run("Patch", s.testUpdateUserPatch)
		t.Run("BumpTokenVersionTwice", s.testUpdateUserBumpTwice)
		t.Run("PreconditionFails", s.testUpdateUserPreconditionFails)
		t.Run("EmailTaken", s.testUpdateUserEmailTaken)
		t.Run("OwnEmailOtherCase", s.testUpdateUserOwnEmailOtherCase)
		t.Run("EmailChangeFreesOldEmail", s.testUpdateUserFreesOldEmail)
		t.Run("NotFound", s.testUpdateUserNotFound)
	})
	t.Run("EmailKey", s.testEmailKey)
	t.Run("DeleteUser", func(t *testing.T) {
		t.Run("Delete", s.testDeleteUser)
		t.Run("NotFound", s.testDeleteUserNotFound)
		t.Run("KeepsApprovedChallenge", s.testDeleteUserKeepsChallenge)
	})
}

func (s suite) testUserRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		user core.User
	}{
		{"AllFlagsSet", core.User{
			ID: uuid.New(), Email: "Percival@Camelot.bt", HashedPassword: fakeHash,
			IsActive: true, IsSuperuser: true, IsVerified: true, TokenVersion: 42,
		}},
		{"NoFlagsSet", core.User{
			ID: uuid.New(), Email: "mordred@camelot.bt", HashedPassword: "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
		}},
		{"NonASCIIEmail", core.User{
			ID: uuid.New(), Email: "jürgen.müller@例え.jp", HashedPassword: fakeHash,
			IsActive: true, IsVerified: true, TokenVersion: 1,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := s.store(t)
			created, err := st.CreateUser(t.Context(), tt.user)
			if err != nil {
				t.Fatalf("CreateUser: %v", err)
			}
			checkUser(t, "CreateUser returned", created, tt.user)
			got, err := st.GetUser(t.Context(), tt.user.ID)
			if err != nil {
				t.Fatalf("GetUser: %v", err)
			}
			checkUser(t, "GetUser", got, tt.user)
			got, err = st.GetUserByEmail(t.Context(), tt.user.Email)
			if err != nil {
				t.Fatalf("GetUserByEmail(%q): %v", tt.user.Email, err)
			}
			checkUser(t, "GetUserByEmail", got, tt.user)
		})
	}
}

func (s suite) testUserDuplicateEmail(t *testing.T) {
	for _, email := range []string{
		"king.arthur@camelot.bt",
		"King.Arthur@Camelot.bt",
		"KING.ARTHUR@CAMELOT.BT",
	} {
		t.Run(email, func(t *testing.T) {
			st := s.store(t)
			orig := mustCreateUser(t, st, newUser("king.arthur@camelot.bt"))
			dup := newUser(email)
			dup.IsSuperuser = true
			_, err := st.CreateUser(t.Context(), dup)
			checkErr(t, fmt.Sprintf("CreateUser(%q) after %q", email, orig.Email), err, core.ErrAlreadyExists)
			_, err = st.GetUser(t.Context(), dup.ID)
			checkErr(t, "GetUser(rejected duplicate)", err, core.ErrNotFound)
			got, err := st.GetUserByEmail(t.Context(), email)
			if err != nil {
				t.Fatalf("GetUserByEmail(%q): %v", email, err)
			}
			checkUser(t, "GetUserByEmail after duplicate", got, orig)
		})
	}
}

func (s suite) testGetUserNotFound(t *testing.T) {
	st := s.store(t)
	mustCreateUser(t, st, newUser("gawain@camelot.bt"))
	_, err := st.GetUser(t.Context(), uuid.New())
	checkErr(t, "GetUser(unknown id)", err, core.ErrNotFound)
}

func (s suite) testGetUserByEmailNotFound(t *testing.T) {
	st := s.store(t)
	mustCreateUser(t, st, newUser("gawain@camelot.bt"))
	for _, email := range []string{"galahad@camelot.bt", "gawain@camelot", "awain@camelot.bt", ""} {
		_, err := st.GetUserByEmail(t.Context(), email)
		checkErr(t, fmt.Sprintf("GetUserByEmail(%q)", email), err, core.ErrNotFound)
	}
}

func (s suite) testGetUserByEmailCaseInsensitive(t *testing.T) {
	tests := []struct {
		name, stored string
		lookups      []string
	}{
		{"StoredLower", "king.arthur@camelot.bt", []string{
			"King.Arthur@Camelot.bt", "KING.ARTHUR@CAMELOT.BT", "king.arthur@camelot.bt", "kInG.aRtHuR@cAmElOt.Bt",
		}},
		{"StoredMixed", "King.Arthur@Camelot.bt", []string{
			"king.arthur@camelot.bt", "KING.ARTHUR@CAMELOT.BT", "King.Arthur@Camelot.bt",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := s.store(t)
			u := mustCreateUser(t, st, newUser(tt.stored))
			for _, email := range tt.lookups {
				got, err := st.GetUserByEmail(t.Context(), email)
				if err != nil {
					t.Errorf("GetUserByEmail(%q) with %q stored: %v", email, tt.stored, err)
					continue
				}
				// The stored email keeps the case it was created with.
				checkUser(t, fmt.Sprintf("GetUserByEmail(%q)", email), got, u)
			}
		})
	}
}

func (s suite) testUpdateUserPatch(t *testing.T) {
	orig := core.User{
		ID:             uuid.New(),
		Email:          "lancelot@camelot.bt",
		HashedPassword: "hash-1",
		IsActive:       true,
		IsSuperuser:    false,
		IsVerified:     false,
		TokenVersion:   3,
	}
	tests := []struct {
		name  string
		patch core.UserPatch
		want  func(u *core.User)
	}{
		{"Empty", core.UserPatch{}, func(u *core.User) {}},
		{"Email", core.UserPatch{Email: ptr("Lancelot.du.Lac@Benoic.fr")}, func(u *core.User) {
			u.Email = "Lancelot.du.Lac@Benoic.fr"
		}},
		{"HashedPassword", core.UserPatch{HashedPassword: ptr("hash-2")}, func(u *core.User) {
			u.HashedPassword = "hash-2"
		}},
		{"IsActive", core.UserPatch{IsActive: ptr(false)}, func(u *core.User) { u.IsActive = false }},
		{"IsActiveUnchanged", core.UserPatch{IsActive: ptr(true)}, func(u *core.User) {}},
		{"IsSuperuser", core.UserPatch{IsSuperuser: ptr(true)}, func(u *core.User) { u.IsSuperuser = true }},
		{"IsVerified", core.UserPatch{IsVerified: ptr(true)}, func(u *core.User) { u.IsVerified = true }},
		{"BumpTokenVersion", core.UserPatch{BumpTokenVersion: true}, func(u *core.User) { u.TokenVersion++ }},
		{"ExpectHashedPasswordMatches", core.UserPatch{
			HashedPassword: ptr("hash-2"), BumpTokenVersion: true, ExpectHashedPassword: ptr("hash-1"),
		}, func(u *core.User) {
			u.HashedPassword = "hash-2"
			u.TokenVersion++
		}},
		{"ExpectIsVerifiedMatches", core.UserPatch{
			IsVerified: ptr(true), ExpectIsVerified: ptr(false),
		}, func(u *core.User) { u.IsVerified = true }},
		{"Everything", core.UserPatch{
			Email:                ptr("sir.lancelot@camelot.bt"),
			HashedPassword:       ptr("hash-3"),
			IsActive:             ptr(false),
			IsSuperuser:          ptr(true),
			IsVerified:           ptr(true),
			BumpTokenVersion:     true,
			ExpectHashedPassword: ptr("hash-1"),
			ExpectIsVerified:     ptr(false),
		}, func(u *core.User) {
			*u = core.User{
				ID: u.ID, Email: "sir.lancelot@camelot.bt", HashedPassword: "hash-3",
				IsActive: false, IsSuperuser: true, IsVerified: true, TokenVersion: u.TokenVersion + 1,
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := s.store(t)
			mustCreateUser(t, st, orig)
			bystander := mustCreateUser(t, st, newUser("bedivere@camelot.bt"))
			want := orig
			tt.want(&want)

			got, err := st.UpdateUser(t.Context(), orig.ID, tt.patch)
			if err != nil {
				t.Fatalf("UpdateUser: %v", err)
			}
			checkUser(t, "UpdateUser returned", got, want)
			checkUser(t, "GetUser after UpdateUser", mustGetUser(t, st, orig.ID), want)
			byEmail, err := st.GetUserByEmail(t.Context(), want.Email)
			if err != nil {
				t.Fatalf("GetUserByEmail(%q) after UpdateUser: %v", want.Email, err)
			}
			checkUser(t, "GetUserByEmail after UpdateUser", byEmail, want)
			checkUser(t, "other user after UpdateUser", mustGetUser(t, st, bystander.ID), bystander)
		})
	}
}

func (s suite) testUpdateUserBumpTwice(t *testing.T) {
	st := s.store(t)
	u := newUser("tristan@lyonesse.bt")
	u.TokenVersion = 5
	mustCreateUser(t, st, u)
	for i, want := range []int64{6, 7} {
		got, err := st.UpdateUser(t.Context(), u.ID, core.UserPatch{BumpTokenVersion: true})
		if err != nil {
			t.Fatalf("UpdateUser #%d: %v", i+1, err)
		}
		if got.TokenVersion != want {
			t.Errorf("UpdateUser #%d returned TokenVersion %d, want %d", i+1, got.TokenVersion, want)
		}
	}
	if got := mustGetUser(t, st, u.ID).TokenVersion; got != 7 {
		t.Errorf("stored TokenVersion = %d after two bumps from 5, want 7", got)
	}
}

func (s suite) testUpdateUserPreconditionFails(t *testing.T) {
	orig := core.User{
		ID:             uuid.New(),
		Email:          "galahad@camelot.bt",
		HashedPassword: "hash-1",
		IsActive:       true,
		TokenVersion:   2,
	}
	// Every patch would change every field and claim a free email if it
	// were applied.
	change := core.UserPatch{
		Email:            ptr("pure.galahad@camelot.bt"),
		HashedPassword:   ptr("hash-2"),
		IsActive:         ptr(false),
		IsSuperuser:      ptr(true),
		IsVerified:       ptr(true),
		BumpTokenVersion: true,
	}
	tests := []struct {
		name                 string
		expectHashedPassword *string
		expectIsVerified     *bool
	}{
		{"ExpectHashedPasswordMismatch", ptr("hash-0"), nil},
		{"ExpectHashedPasswordEmpty", ptr(""), nil},
		{"ExpectIsVerifiedMismatch", nil, ptr(true)},
		{"OneOfTwoMismatches", ptr("hash-1"), ptr(true)},
		{"BothMismatch", ptr("hash-0"), ptr(true)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := s.store(t)
			mustCreateUser(t, st, orig)
			p := change
			p.ExpectHashedPassword = tt.expectHashedPassword
			p.ExpectIsVerified = tt.expectIsVerified
			_, err := st.UpdateUser(t.Context(), orig.ID, p)
			checkErr(t, "UpdateUser with a failing precondition", err, core.ErrConflict)
			checkUser(t, "GetUser after failed UpdateUser (nothing may be written)", mustGetUser(t, st, orig.ID), orig)
			_, err = st.GetUserByEmail(t.Context(), *change.Email)
			checkErr(t, "GetUserByEmail(email of the failed patch)", err, core.ErrNotFound)
		})
	}
}

func (s suite) testUpdateUserEmailTaken(t *testing.T) {
	for _, email := range []string{"gawain@camelot.bt", "Gawain@Camelot.bt", "GAWAIN@CAMELOT.BT"} {
		t.Run(email, func(t *testing.T) {
			st := s.store(t)
			u := mustCreateUser(t, st, newUser("gareth@camelot.bt"))
			other := mustCreateUser(t, st, newUser("gawain@camelot.bt"))
			_, err := st.UpdateUser(t.Context(), u.ID, core.UserPatch{
				Email:            ptr(email),
				IsSuperuser:      ptr(true),
				BumpTokenVersion: true,
			})
			checkErr(t, fmt.Sprintf("UpdateUser(email %q taken by %q)", email, other.Email), err, core.ErrAlreadyExists)
			checkUser(t, "user after failed email change (nothing may be written)", mustGetUser(t, st, u.ID), u)
			checkUser(t, "owner of the email after failed change", mustGetUser(t, st, other.ID), other)
			got, err := st.GetUserByEmail(t.Context(), email)
			if err != nil {
				t.Fatalf("GetUserByEmail(%q): %v", email, err)
			}
			checkUser(t, "GetUserByEmail of the taken email", got, other)
		})
	}
}

func (s suite) testUpdateUserOwnEmailOtherCase(t *testing.T) {
	st := s.store(t)
	u := mustCreateUser(t, st, newUser("lancelot@camelot.bt"))
	want := u
	want.Email = "Lancelot@Camelot.BT"
	got, err := st.UpdateUser(t.Context(), u.ID, core.UserPatch{Email: ptr(want.Email)})
	if err != nil {
		t.Fatalf("UpdateUser(own email in another case): %v", err)
	}
	checkUser(t, "UpdateUser returned", got, want)
	checkUser(t, "GetUser", mustGetUser(t, st, u.ID), want)
	byEmail, err := st.GetUserByEmail(t.Context(), "lancelot@camelot.bt")
	if err != nil {
		t.Fatalf("GetUserByEmail(old spelling): %v", err)
	}
	checkUser(t, "GetUserByEmail(old spelling)", byEmail, want)
	// Setting the email to exactly its current value is allowed too.
	got, err = st.UpdateUser(t.Context(), u.ID, core.UserPatch{Email: ptr(want.Email)})
	if err != nil {
		t.Fatalf("UpdateUser(own email unchanged): %v", err)
	}
	checkUser(t, "UpdateUser(own email unchanged) returned", got, want)
}

func (s suite) testUpdateUserFreesOldEmail(t *testing.T) {
	st := s.store(t)
	u := mustCreateUser(t, st, newUser("kay@camelot.bt"))
	if _, err := st.UpdateUser(t.Context(), u.ID, core.UserPatch{Email: ptr("sir.kay@camelot.bt")}); err != nil {
		t.Fatalf("UpdateUser(email): %v", err)
	}
	_, err := st.GetUserByEmail(t.Context(), "kay@camelot.bt")
	checkErr(t, "GetUserByEmail(old email)", err, core.ErrNotFound)
	newcomer := mustCreateUser(t, st, newUser("Kay@Camelot.bt"))
	got, err := st.GetUserByEmail(t.Context(), "kay@camelot.bt")
	if err != nil {
		t.Fatalf("GetUserByEmail(reused email): %v", err)
	}
	checkUser(t, "GetUserByEmail(reused email)", got, newcomer)
}

func (s suite) testUpdateUserNotFound(t *testing.T) {
	tests := []struct {
		name  string
		patch core.UserPatch
	}{
		{"Empty", core.UserPatch{}},
		{"Field", core.UserPatch{IsActive: ptr(false)}},
		{"Email", core.UserPatch{Email: ptr("nobody@camelot.bt")}},
		{"WithExpect", core.UserPatch{
			HashedPassword: ptr("x"), ExpectHashedPassword: ptr(fakeHash), ExpectIsVerified: ptr(false),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := s.store(t)
			mustCreateUser(t, st, newUser("bors@camelot.bt"))
			_, err := st.UpdateUser(t.Context(), uuid.New(), tt.patch)
			checkErr(t, "UpdateUser(unknown id)", err, core.ErrNotFound)
		})
	}
}

func (s suite) testDeleteUser(t *testing.T) {
	st := s.store(t)
	u := mustCreateUser(t, st, newUser("Agravain@Camelot.bt"))
	other := mustCreateUser(t, st, newUser("gaheris@camelot.bt"))
	if err := st.DeleteUser(t.Context(), u.ID); err != nil {
		t.Fatalf("DeleteUser: %v", err)
	}
	_, err := st.GetUser(t.Context(), u.ID)
	checkErr(t, "GetUser(deleted)", err, core.ErrNotFound)
	_, err = st.GetUserByEmail(t.Context(), "agravain@camelot.bt")
	checkErr(t, "GetUserByEmail(deleted)", err, core.ErrNotFound)
	checkErr(t, "DeleteUser(deleted)", st.DeleteUser(t.Context(), u.ID), core.ErrNotFound)
	checkUser(t, "other user after DeleteUser", mustGetUser(t, st, other.ID), other)
	// The email is free again.
	again := mustCreateUser(t, st, newUser("agravain@camelot.bt"))
	checkUser(t, "GetUser(re-registered)", mustGetUser(t, st, again.ID), again)
}

func (s suite) testDeleteUserNotFound(t *testing.T) {
	st := s.store(t)
	mustCreateUser(t, st, newUser("pelleas@camelot.bt"))
	checkErr(t, "DeleteUser(unknown id)", st.DeleteUser(t.Context(), uuid.New()), core.ErrNotFound)
}

func (s suite) testDeleteUserKeepsChallenge(t *testing.T) {
	st := s.store(t)
	u := mustCreateUser(t, st, newUser("merlin@camelot.bt"))
	keep := mustCreateUser(t, st, newUser("nimue@avalon.bt"))
	mustCreateChallenge(t, st, newChallenge("APPROVED"))
	mustCreateChallenge(t, st, newChallenge("REDEEMED"))
	mustCreateChallenge(t, st, newChallenge("OTHERUSR"))
	approved := mustApprove(t, st, "APPROVED", u.ID)
	mustApprove(t, st, "REDEEMED", u.ID)
	redeemed := mustGetChallenge(t, st, "REDEEMED")
	redeemed.Status = core.ChallengeRedeemed
	redeemed.SecretHash = ""
	mustRedeem(t, st, "REDEEMED")
	other := mustApprove(t, st, "OTHERUSR", keep.ID)

	if err := st.DeleteUser(t.Context(), u.ID); err != nil {
		t.Fatalf("DeleteUser(approver): %v", err)
	}
	approved.UserID = nil
	checkChallenge(t, "approved challenge after its approver was deleted", mustGetChallenge(t, st, "APPROVED"), approved)
	redeemed.UserID = nil
	checkChallenge(t, "redeemed challenge after its approver was deleted", mustGetChallenge(t, st, "REDEEMED"), redeemed)
	checkChallenge(t, "challenge approved by another user", mustGetChallenge(t, st, "OTHERUSR"), other)
}
