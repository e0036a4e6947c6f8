package hardening_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/google/uuid"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/internal/barrier"
	bunstore "github.com/zincware/zndraw-auth-go/storage/bun"
)

// TestTwoInstancesShareRevocation: two instances (two services, two
// servers, two connection pools) on one database whose change feed they do
// not see (a store without one; feed_test.go has the same with the feed).
// What is revoked on one is rejected on the other: a logout at once in
// every mode; password change, "logout everywhere" and deactivation at
// once without a cache (UserCacheTTL 0) and within the documented
// staleness bound UserCacheTTL with one (the test advances the shared
// clock by exactly that bound); superuser demotion at once in both modes,
// as superuser checks always read the store. PostgreSQL with
// ZNDRAW_AUTH_TEST_POSTGRES_DSN, else one SQLite file.
func TestTwoInstancesShareRevocation(t *testing.T) {
	for _, ttl := range cacheTTLs {
		t.Run(fmt.Sprintf("UserCacheTTL %v", ttl), func(t *testing.T) {
			sa, sb, kind := sharedStores(t)
			sa, sb = feedless{sa}, feedless{sb}
			clk := newClock()
			a := newServer(t, sa, withClock(clk), withCacheTTL(ttl))
			b := newServer(t, sb, withClock(clk), withCacheTTL(ttl))
			// rejected asserts that other rejects tok once the staleness
			// bound has passed (at once without a cache).
			rejected := func(what string, other *server, tok string) {
				t.Helper()
				clk.Advance(ttl)
				if r := other.me(tok); r.status != http.StatusUnauthorized {
					t.Fatalf("%s: the other instance answers %s %v later, want 401", what, r, ttl)
				}
			}
			admin := a.user("admin@example.com", true)
			adminB := b.token(admin.Email, userPassword)

			u := a.user("user@example.com", false)
			tok := a.token(u.Email, userPassword)
			requireStatus(t, b.me(tok), http.StatusOK, "") // B has seen (and may cache) the token
			requireStatus(t, a.do(request{method: "POST", path: "/auth/jwt/logout", token: tok}), http.StatusNoContent, "")
			requireStatus(t, a.me(tok), http.StatusUnauthorized, "Unauthorized") // the revoking instance: at once
			requireStatus(t, b.me(tok), http.StatusUnauthorized, "Unauthorized") // and the other one too, whatever the TTL

			tok = a.token(u.Email, userPassword)
			requireStatus(t, a.me(tok), http.StatusOK, "")
			requireStatus(t, b.do(request{method: "PATCH", path: "/users/me", token: b.token(u.Email, userPassword), json: map[string]string{"password": "changed on b 123"}}), http.StatusOK, "")
			rejected("password change on B", a, tok)
			tok = b.token(u.Email, "changed on b 123")
			requireStatus(t, a.me(tok), http.StatusOK, "")

			if err := b.svc.LogoutEverywhere(context.Background(), u, core.RequestMeta{}); err != nil {
				t.Fatal(err)
			}
			rejected("logout everywhere on B", a, tok)

			tok = a.token(u.Email, "changed on b 123")
			requireStatus(t, a.me(tok), http.StatusOK, "")
			requireStatus(t, b.do(request{method: "PATCH", path: "/users/" + u.ID.String(), token: adminB, json: map[string]bool{"is_active": false}}), http.StatusOK, "")
			rejected("deactivation on B", a, tok)

			second := a.user("second@example.com", true)
			secondA := a.token(second.Email, userPassword)
			requireStatus(t, a.do(request{method: "GET", path: "/users/" + u.ID.String(), token: secondA}), http.StatusOK, "")
			requireStatus(t, b.do(request{method: "PATCH", path: "/users/" + second.ID.String(), token: adminB, json: map[string]bool{"is_superuser": false}}), http.StatusOK, "")
			// A demotion ends the admin's sessions; superuser checks read
			// the store, so instance A refuses at once.
			requireStatus(t, a.do(request{method: "GET", path: "/users/" + u.ID.String(), token: secondA}), http.StatusUnauthorized, "Unauthorized")
			t.Logf("%s, UserCacheTTL %v: logout on A → 401 on B at once; password change, logout-everywhere, deactivation on B → 401 on A, each within %v; demotion on B → 401 on A at once",
				kind, ttl, ttl)
		})
	}
}

// TestConcurrentMigrate: two instances migrating one fresh database at the
// same moment both succeed, and both serve afterwards. SQLite file
// always, PostgreSQL (fresh schema) with ZNDRAW_AUTH_TEST_POSTGRES_DSN.
func TestConcurrentMigrate(t *testing.T) {
	for _, tc := range []struct {
		name string
		url  func(t *testing.T) string
	}{{"sqlite-file", sqliteFileURL}, {"postgres", pgSchemaURL}} {
		t.Run(tc.name, func(t *testing.T) {
			rawURL := tc.url(t)
			const instances = 4
			errs := make([]error, instances)
			stores := make([]*bunstore.Store, instances)
			barrier.Run(instances, func(i int) {
				db, err := bunstore.Open(context.Background(), rawURL)
				if err != nil {
					errs[i] = err
					return
				}
				t.Cleanup(func() { _ = db.Close() })
				errs[i] = bunstore.Migrate(context.Background(), db)
				stores[i] = bunstore.New(db)
			})
			for i, err := range errs {
				if err != nil {
					t.Fatalf("instance %d: %v", i, err)
				}
			}
			// Every instance sees the schema and the others' writes.
			id := uuid.New()
			if _, err := stores[0].CreateUser(context.Background(), core.User{ID: id, Email: "m@example.com", HashedPassword: "x", IsActive: true}); err != nil {
				t.Fatal(err)
			}
			for i, st := range stores {
				if u, err := st.GetUserByEmail(context.Background(), "M@example.com"); err != nil || u.ID != id {
					t.Fatalf("instance %d: %v, %v", i, u.ID, err)
				}
			}
			t.Logf("%s: %d instances migrated one fresh database concurrently without error; all read the same user", tc.name, instances)
		})
	}
}
