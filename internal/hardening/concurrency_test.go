package hardening_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/internal/barrier"
)

// racers is how many requests each race sends behind one barrier.
const racers = 64

// TestConcurrentOneTimeSecrets fires 64 concurrent HTTP requests at one
// one-time secret (CLI redemption, reset token, verification token) and 64
// registrations of one address in different letter cases, on the memory
// store, a SQLite file and PostgreSQL: exactly one wins each race, the
// others get the documented answer, none gets a 5xx, and the store shows
// one effect.
func TestConcurrentOneTimeSecrets(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			st, db := b.open(t)
			s := newServer(t, st)
			t.Run("CLI redeem", func(t *testing.T) { raceCLIRedeem(t, s) })
			t.Run("reset token", func(t *testing.T) { raceResetToken(t, s) })
			t.Run("verify token", func(t *testing.T) { raceVerifyToken(t, s) })
			t.Run("duplicate registration", func(t *testing.T) { raceRegistration(t, s, st, db) })
		})
	}
}

// raceSend sends one request per racer and tallies the replies; transport
// errors fail t.
func raceSend(t *testing.T, s *server, req func(i int) request, each func(i int, r reply)) *tally {
	t.Helper()
	var c tally
	barrier.Run(racers, func(i int) {
		r, err := s.try(context.Background(), req(i))
		if err != nil {
			t.Errorf("request %d: %v", i, err)
			return
		}
		c.add(r)
		if each != nil {
			each(i, r)
		}
	})
	return &c
}

func raceCLIRedeem(t *testing.T, s *server) {
	u := s.user("cli-race@example.com", false)
	code, secret := s.challenge()
	requireStatus(t, s.do(request{method: "PATCH", path: "/auth/cli-login/" + code, token: s.token(u.Email, userPassword)}), http.StatusOK, "")
	before := s.redeemed.Load()
	var mu sync.Mutex
	var tokens []string
	c := raceSend(t, s, func(int) request {
		return request{method: "GET", path: "/auth/cli-login/" + code + "?secret=" + secret}
	}, func(_ int, r reply) {
		if tok := r.field("token"); tok != "" {
			mu.Lock()
			tokens = append(tokens, tok)
			mu.Unlock()
		}
	})
	if len(tokens) != 1 || c.count(200) != 1 || c.count(404) != racers-1 || s.redeemed.Load()-before != 1 {
		t.Fatalf("%d concurrent polls: %s; tokens %d, redemptions %d; want exactly one token and %d× 404", racers, c, len(tokens), s.redeemed.Load()-before, racers-1)
	}
	requireStatus(t, s.me(tokens[0]), http.StatusOK, "")
	t.Logf("CLI redeem, %d concurrent polls: %s; tokens minted 1", racers, c)
}

func raceResetToken(t *testing.T, s *server) {
	u := s.user("reset-race@example.com", false)
	tok := s.resetToken(u.Email)
	before := s.resets.Load()
	winner := -1
	var mu sync.Mutex
	c := raceSend(t, s, func(i int) request {
		return request{method: "POST", path: "/auth/reset-password", json: map[string]string{"token": tok, "password": fmt.Sprintf("new password %02d", i)}}
	}, func(i int, r reply) {
		if r.status == http.StatusOK {
			mu.Lock()
			winner = i
			mu.Unlock()
		}
	})
	if c.count(200) != 1 || c.count(400) != racers-1 || c.fivexx() != 0 || s.resets.Load()-before != 1 {
		t.Fatalf("%d concurrent resets with one token: %s, OnAfterResetPassword ×%d; want exactly one 200", racers, c, s.resets.Load()-before)
	}
	if strings.Count(fmt.Sprint(c), core.CodeResetPasswordBadToken) != 1 {
		t.Fatalf("losers must get %s: %s", core.CodeResetPasswordBadToken, c)
	}
	// The stored password is the winner's, and only the winner's.
	requireStatus(t, s.login(u.Email, fmt.Sprintf("new password %02d", winner), nil), http.StatusOK, "")
	requireStatus(t, s.login(u.Email, fmt.Sprintf("new password %02d", (winner+1)%racers), nil), http.StatusBadRequest, core.CodeLoginBadCredentials)
	requireStatus(t, s.login(u.Email, userPassword, nil), http.StatusBadRequest, core.CodeLoginBadCredentials)
	t.Logf("reset token, %d concurrent uses: %s; stored password = winner #%d's", racers, c, winner)
}

func raceVerifyToken(t *testing.T, s *server) {
	u := s.user("verify-race@example.com", false)
	tok := s.verifyToken(u.Email)
	before := s.verifies.Load()
	c := raceSend(t, s, func(int) request {
		return request{method: "POST", path: "/auth/verify", json: map[string]string{"token": tok}}
	}, nil)
	if c.count(200) != 1 || c.count(400) != racers-1 || s.verifies.Load()-before != 1 {
		t.Fatalf("%d concurrent verifications: %s, OnAfterVerify ×%d; want exactly one 200", racers, c, s.verifies.Load()-before)
	}
	t.Logf("verify token, %d concurrent uses: %s", racers, c)
}

func raceRegistration(t *testing.T, s *server, st core.Store, db *bun.DB) {
	variants := []string{"race@example.com", "Race@Example.com", "RACE@EXAMPLE.COM", "race@EXAMPLE.com", "rAcE@example.COM"}
	var mu sync.Mutex
	var createdID string
	c := raceSend(t, s, func(i int) request {
		return request{method: "POST", path: "/auth/register", json: map[string]string{"email": variants[i%len(variants)], "password": userPassword}}
	}, func(_ int, r reply) {
		if r.status == http.StatusCreated {
			mu.Lock()
			createdID = r.field("id")
			mu.Unlock()
		}
	})
	if c.count(201) != 1 || c.count(400) != racers-1 || c.fivexx() != 0 {
		t.Fatalf("%d concurrent registrations: %s; want one 201 and %d× 400 %s", racers, c, racers-1, core.CodeRegisterUserAlreadyExists)
	}
	if strings.Count(fmt.Sprint(c), core.CodeRegisterUserAlreadyExists) != 1 {
		t.Fatalf("losers must get %s: %s", core.CodeRegisterUserAlreadyExists, c)
	}
	// One row: every case variant resolves to the created user.
	for _, v := range variants {
		got, err := st.GetUserByEmail(context.Background(), v)
		if err != nil || got.ID.String() != createdID {
			t.Fatalf("GetUserByEmail(%s) = %v, %v; want the one created user %s", v, got.ID, err, createdID)
		}
	}
	if _, err := st.GetUserByEmail(context.Background(), "other@example.com"); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("sanity: unknown address: %v", err)
	}
	rows := "(memory store: one map entry per folded address)"
	if db != nil {
		n := countUsers(t, db, "race@example.com")
		if n != 1 {
			t.Fatalf("%d user rows for race@example.com, want 1", n)
		}
		rows = fmt.Sprintf("%d row in the user table", n)
	}
	t.Logf("registration, %d concurrent requests in %d letter cases: %s; %s", racers, len(variants), c, rows)
}
