package storagetest

import (
	"testing"

	"github.com/google/uuid"

	"github.com/zincware/zndraw-auth-go/core"
)

// legacySecret is a secret as zndraw-auth draws it (secrets.token_urlsafe(32))
// and stores it: in the clear.
const legacySecret = "Jx3vT0c9QmZ8r1Ys-Ld2Kp_4WnGh7Ua5Eb6Fi0Oq2Rs"

// legacyChallenge is a challenge as a zndraw-auth service leaves it in a
// shared database when it has approved it: the plain secret, the token it
// minted, and no client metadata.
func legacyChallenge(code string, approver uuid.UUID) core.Challenge {
	c := newChallenge(code)
	c.SecretHash = legacySecret
	c.Status = core.ChallengeApproved
	c.UserID = &approver
	c.ClientIP, c.UserAgent = "", ""
	c.LegacyToken = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30." + code
	return c
}

// keepsLegacyTokens creates a zndraw-auth challenge and reports whether st
// keeps its LegacyToken. A store that never shares its database with
// zndraw-auth may drop it (the Service then mints a token at redemption);
// everything else about such a challenge must hold either way.
func keepsLegacyTokens(t *testing.T, st core.Store, c core.Challenge) (created core.Challenge, keeps bool) {
	t.Helper()
	created = mustCreateChallenge(t, st, c)
	if created.LegacyToken == "" {
		t.Logf("%T keeps no LegacyToken: only the rest of a zndraw-auth challenge is checked", st)
		return created, false
	}
	return created, true
}

// testLegacyChallenges checks the challenges zndraw-auth writes into a
// shared database: a plain secret matched exactly, and a stored token that
// redemption hands to one caller and clears, as rejection does.
func (s suite) testLegacyChallenges(t *testing.T) {
	setup := func(t *testing.T, code string) (core.Store, core.Challenge, bool) {
		st := s.store(t)
		u := mustCreateUser(t, st, newUser("approver@camelot.bt"))
		c, keeps := keepsLegacyTokens(t, st, legacyChallenge(code, u.ID))
		want := legacyChallenge(code, u.ID)
		want.ID = c.ID
		if !keeps {
			want.LegacyToken = ""
		}
		checkChallenge(t, "CreateChallenge(zndraw-auth challenge) returned", c, want)
		checkChallenge(t, "GetChallenge(zndraw-auth challenge)", mustGetChallenge(t, st, code), want)
		return st, want, keeps
	}

	t.Run("Redeem", func(t *testing.T) {
		const code = "LEGRDM01"
		st, before, _ := setup(t, code)
		// The stored value is compared as it is: a digest of the plain
		// secret is not the secret.
		_, err := st.RedeemChallenge(t.Context(), code, secretHash(legacySecret), base)
		checkErr(t, "RedeemChallenge(digest of a plain secret)", err, core.ErrNotFound)
		got, err := st.RedeemChallenge(t.Context(), code, legacySecret, base)
		if err != nil {
			t.Fatalf("RedeemChallenge(plain secret): %v", err)
		}
		want := before
		want.Status = core.ChallengeRedeemed
		checkChallenge(t, "RedeemChallenge returned (secret and token as they were)", got, want)
		want.SecretHash, want.LegacyToken = "", ""
		checkChallenge(t, "GetChallenge after RedeemChallenge (secret and token cleared)", mustGetChallenge(t, st, code), want)
		_, err = st.RedeemChallenge(t.Context(), code, legacySecret, base)
		checkErr(t, "second RedeemChallenge", err, core.ErrNotFound)
	})

	t.Run("Reject", func(t *testing.T) {
		const code = "LEGREJ01"
		st, before, _ := setup(t, code)
		got, err := st.RejectChallenge(t.Context(), code, before.UserID, base) // by its approver
		if err != nil {
			t.Fatalf("RejectChallenge: %v", err)
		}
		want := before
		want.Status, want.LegacyToken = core.ChallengeRejected, ""
		checkChallenge(t, "RejectChallenge returned (token cleared)", got, want)
		checkChallenge(t, "GetChallenge after RejectChallenge (token cleared)", mustGetChallenge(t, st, code), want)
	})

	t.Run("RedeemRace", func(t *testing.T) {
		const code = "LEGRACE1"
		st, before, _ := setup(t, code)
		tokens := make([]string, concurrency)
		o := race("RedeemChallenge of one zndraw-auth challenge", core.ErrNotFound, func(i int) error {
			c, err := st.RedeemChallenge(t.Context(), code, legacySecret, base)
			tokens[i] = c.LegacyToken
			return err
		})
		w := o.check(t, core.ErrNotFound)
		if w < 0 {
			return
		}
		if tokens[w] != before.LegacyToken {
			t.Errorf("the winner got LegacyToken %q, want %q", tokens[w], before.LegacyToken)
		}
		if got := mustGetChallenge(t, st, code); got.LegacyToken != "" || got.SecretHash != "" {
			t.Errorf("after the race: SecretHash %q, LegacyToken %q; want both cleared", got.SecretHash, got.LegacyToken)
		}
	})
}
