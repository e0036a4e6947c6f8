package hardening_test

import (
	"net/http"
	"testing"

	"github.com/zincware/zndraw-auth-go/core"
)

// TestLookalikeAddressesAreOneAccount: on every store, an address is
// stored in NFC and is one account whatever its case or Unicode spelling:
// the Kelvin sign for K, "é" typed decomposed, "É" in capitals are all
// REGISTER_USER_ALREADY_EXISTS next to the first registration, log in to
// it, and cannot be taken over by an email change.
func TestLookalikeAddressesAreOneAccount(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			store, _ := be.open(t)
			s := newServer(t, store)
			register := func(email string) reply {
				return s.do(request{method: "POST", path: "/auth/register", json: map[string]string{"email": email, "password": userPassword}})
			}
			for _, group := range [][]string{
				{"Kelly@example.com", "\u212Aelly@example.com", "kelly@example.com"},
				{"e\u0301mile@example.com", "\u00e9mile@example.com", "\u00c9mile@example.com", "E\u0301MILE@EXAMPLE.COM"},
				{"\u00f8rjan@example.com", "\u00d8rjan@example.com", "\u00d8RJAN@example.com"},
			} {
				first := register(group[0])
				if first.status != http.StatusCreated {
					t.Fatalf("register %+q: %s", group[0], first)
				}
				stored := first.field("email")
				for _, email := range group[1:] {
					requireStatus(t, register(email), http.StatusBadRequest, core.CodeRegisterUserAlreadyExists)
					tok := s.token(email, userPassword)
					if me := s.me(tok); me.field("email") != stored {
						t.Errorf("login as %+q reached %s, want %q", email, me, stored)
					}
				}
				t.Logf("%+q stored as %+q; %d lookalikes refused and log in to it", group[0], stored, len(group)-1)
			}
			if r := register("Re\u0301my@example.com"); r.field("email") != "R\u00e9my@example.com" {
				t.Errorf("a decomposed address is stored as %s, want NFC", r)
			}
			other := s.token("R\u00e9my@example.com", userPassword)
			r := s.do(request{method: "PATCH", path: "/users/me", token: other, json: map[string]string{"email": "\u00c9MILE@example.com"}})
			requireStatus(t, r, http.StatusBadRequest, core.CodeUpdateUserEmailAlreadyExists)
		})
	}
}
