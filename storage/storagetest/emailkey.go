package storagetest

import (
	"errors"
	"fmt"
	"testing"

	"github.com/zincware/zndraw-auth-go/core"
)

// emailKeyGroups are addresses, each group one account by core.EmailKey:
// Unicode case variants, NFC and NFD spellings, the Kelvin and Angstrom
// signs, the Turkish dotted and dotless i, the Greek final sigma. The first
// of each group is what is stored.
var emailKeyGroups = [][]string{
	{"\u00e9mile@camelot.bt", "\u00c9mile@camelot.bt", "e\u0301mile@camelot.bt", "E\u0301MILE@CAMELOT.BT"},
	{"Kay@camelot.bt", "\u212Aay@camelot.bt", "kay@camelot.bt"},
	{"\u00c5sa@camelot.bt", "\u212Bsa@camelot.bt", "\u00e5sa@camelot.bt", "A\u030asa@camelot.bt"},
	{"ilker@camelot.bt", "\u0130lker@camelot.bt", "\u0131lker@camelot.bt", "ILKER@camelot.bt"},
	{"\u03c3\u03bf\u03c6\u03af\u03b1@camelot.bt", "\u03a3\u039f\u03a6\u038a\u0391@camelot.bt"},
	{"\u00fcber@camelot.bt", "\u00dcBER@camelot.bt", "u\u0308ber@camelot.bt"},
}

// emailKeyDistinct are pairs of addresses that are two accounts on every
// store.
var emailKeyDistinct = [][2]string{
	{"emile@camelot.bt", "\u00e9mile@camelot.bt"},
	{"strasse@camelot.bt", "stra\u00dfe@camelot.bt"},
	{"\uff41@camelot.bt", "a@camelot.bt"},
}

// testEmailKey checks that uniqueness and lookups follow core.EmailKey,
// beyond ASCII, so that every store gives the same answer.
func (s suite) testEmailKey(t *testing.T) {
	t.Run("Create", func(t *testing.T) {
		for _, group := range emailKeyGroups {
			t.Run(group[0], func(t *testing.T) {
				st := s.store(t)
				orig := mustCreateUser(t, st, newUser(group[0]))
				for _, email := range group {
					_, err := st.CreateUser(t.Context(), newUser(email))
					checkErr(t, fmt.Sprintf("CreateUser(%+q) with %+q stored", email, group[0]), err, core.ErrAlreadyExists)
					got, err := st.GetUserByEmail(t.Context(), email)
					if err != nil {
						t.Errorf("GetUserByEmail(%+q) with %+q stored: %v", email, group[0], err)
						continue
					}
					checkUser(t, fmt.Sprintf("GetUserByEmail(%+q)", email), got, orig)
				}
			})
		}
	})
	t.Run("Distinct", func(t *testing.T) {
		for _, pair := range emailKeyDistinct {
			t.Run(pair[0], func(t *testing.T) {
				st := s.store(t)
				a := mustCreateUser(t, st, newUser(pair[0]))
				b := mustCreateUser(t, st, newUser(pair[1]))
				for _, u := range []core.User{a, b} {
					got, err := st.GetUserByEmail(t.Context(), u.Email)
					if err != nil {
						t.Fatalf("GetUserByEmail(%+q): %v", u.Email, err)
					}
					checkUser(t, fmt.Sprintf("GetUserByEmail(%+q)", u.Email), got, u)
				}
			})
		}
	})
	t.Run("Update", func(t *testing.T) {
		for _, group := range emailKeyGroups {
			t.Run(group[0], func(t *testing.T) {
				st := s.store(t)
				taken := mustCreateUser(t, st, newUser(group[0]))
				other := mustCreateUser(t, st, newUser("other@camelot.bt"))
				for _, email := range group {
					_, err := st.UpdateUser(t.Context(), other.ID, core.UserPatch{Email: ptr(email)})
					checkErr(t, fmt.Sprintf("UpdateUser(email %+q) with %+q taken", email, group[0]), err, core.ErrAlreadyExists)
				}
				// The owner may switch between the spellings of their own
				// address; every spelling still finds them.
				for _, email := range append(group[1:], group[0]) {
					got, err := st.UpdateUser(t.Context(), taken.ID, core.UserPatch{Email: ptr(email)})
					if err != nil {
						t.Fatalf("UpdateUser(own email as %+q): %v", email, err)
					}
					if got.Email != email {
						t.Errorf("UpdateUser(own email as %+q) stored %+q", email, got.Email)
					}
					for _, lookup := range group {
						if got, err := st.GetUserByEmail(t.Context(), lookup); err != nil || got.ID != taken.ID {
							t.Errorf("GetUserByEmail(%+q) after the change to %+q: %v %v", lookup, email, got.ID, err)
						}
					}
				}
				// Moving away frees every spelling.
				if _, err := st.UpdateUser(t.Context(), taken.ID, core.UserPatch{Email: ptr("moved@camelot.bt")}); err != nil {
					t.Fatal(err)
				}
				for _, email := range group {
					if _, err := st.GetUserByEmail(t.Context(), email); !errors.Is(err, core.ErrNotFound) {
						t.Errorf("GetUserByEmail(%+q) after the owner moved: %v, want ErrNotFound", email, err)
					}
				}
				mustCreateUser(t, st, newUser(group[len(group)-1]))
			})
		}
	})
	t.Run("RaceOfSpellings", func(t *testing.T) {
		st := s.store(t)
		group := emailKeyGroups[0]
		users := make([]core.User, concurrency)
		for i := range users {
			users[i] = newUser(group[i%len(group)])
		}
		o := race("CreateUser of one address in Unicode spellings", core.ErrAlreadyExists, func(i int) error {
			_, err := st.CreateUser(t.Context(), users[i])
			return err
		})
		if w := o.check(t, core.ErrAlreadyExists); w >= 0 {
			got, err := st.GetUserByEmail(t.Context(), group[0])
			if err != nil {
				t.Fatalf("GetUserByEmail after the race: %v", err)
			}
			checkUser(t, "GetUserByEmail after the race (the winner)", got, users[w])
		}
	})
}
