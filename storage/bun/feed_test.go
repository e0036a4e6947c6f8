package bunstore_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/zincware/zndraw-auth-go/core"
	bunstore "github.com/zincware/zndraw-auth-go/storage/bun"
)

// feedBackends are the backends with a change feed.
var feedBackends = []backend{
	{"SQLiteFile", sqliteFileURL},
	{"PostgreSQL", pgSchemaURL},
}

// nextChange waits (at most 20 s) for the next change of sub that is not a
// heartbeat.
func nextChange(t *testing.T, sub core.ChangeSubscription) core.Change {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	for {
		ch, err := sub.Next(ctx)
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		if ch.Kind != core.ChangeHeartbeat {
			return ch
		}
	}
}

// subscribe subscribes to st, closing the subscription when t ends.
func subscribe(t *testing.T, st *bunstore.Store) core.ChangeSubscription {
	t.Helper()
	sub, err := st.SubscribeChanges(t.Context(), 100*time.Millisecond) // the Service's interval
	if err != nil {
		t.Fatalf("SubscribeChanges: %v", err)
	}
	t.Cleanup(func() { _ = sub.Close() })
	return sub
}

// TestChangeFeedForeignWrites: writes by other programs, as plain SQL on
// connections of their own, reach a subscription: an operator's UPDATE and
// DELETE, a revocation, and on PostgreSQL a writer whose search_path does
// not contain the kit's schema (it names the tables with their schema), a
// TRUNCATE and a jti too long for a notification (both a resync).
func TestChangeFeedForeignWrites(t *testing.T) {
	for _, b := range feedBackends {
		t.Run(b.name, func(t *testing.T) {
			rawURL := b.url(t)
			st := bunstore.New(migrated(t, rawURL))
			other := openDB(t, rawURL) // another program's pool
			ctx := t.Context()
			u, err := st.CreateUser(ctx, core.User{ID: uuid.New(), Email: "op@example.com", HashedPassword: "x", IsActive: true})
			if err != nil {
				t.Fatal(err)
			}
			sub := subscribe(t, st)
			exec := func(q string, args ...any) {
				t.Helper()
				if _, err := other.ExecContext(ctx, q, args...); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			want := func(what string, ch core.Change) {
				t.Helper()
				if got := nextChange(t, sub); got != ch {
					t.Fatalf("%s: got %+v, want %+v", what, got, ch)
				}
			}
			exec(`UPDATE "user" SET is_active = false WHERE id = ?`, u.ID.String())
			want("UPDATE", core.Change{Kind: core.ChangeUser, UserID: u.ID})
			exec(`INSERT INTO zndraw_auth_revoked_token (jti, expires_at) VALUES ('op-jti', ?)`, time.Now().UTC().Add(time.Hour))
			want("INSERT revocation", core.Change{Kind: core.ChangeRevocation, JTI: "op-jti"})
			exec(`DELETE FROM "user" WHERE id = ?`, u.ID.String())
			want("DELETE", core.Change{Kind: core.ChangeUser, UserID: u.ID})
			if b.name != "PostgreSQL" {
				return
			}
			schema := searchPath(t, rawURL)
			elsewhere := openDB(t, withSearchPath(t, rawURL, "public"))
			v, err := st.CreateUser(ctx, core.User{ID: uuid.New(), Email: "py@example.com", HashedPassword: "x", IsActive: true})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := elsewhere.ExecContext(ctx, `UPDATE "`+schema+`"."user" SET is_superuser = true WHERE id = ?`, v.ID.String()); err != nil {
				t.Fatal(err)
			}
			want("UPDATE from another search_path", core.Change{Kind: core.ChangeUser, UserID: v.ID})
			exec(`INSERT INTO zndraw_auth_revoked_token (jti, expires_at) VALUES (?, ?)`, strings.Repeat("j", 5000), time.Now().UTC().Add(time.Hour))
			want("a long jti", core.Change{Kind: core.ChangeResync})
			exec(`TRUNCATE zndraw_auth_revoked_token`)
			want("TRUNCATE", core.Change{Kind: core.ChangeResync})
		})
	}
}

// searchPath returns the search_path parameter of rawURL.
func searchPath(t *testing.T, rawURL string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("search_path")
}

// withSearchPath returns rawURL with another search_path.
func withSearchPath(t *testing.T, rawURL, path string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", path)
	u.RawQuery = q.Encode()
	return u.String()
}

// TestChangeFeedUnavailable: where the store can offer no feed it says so
// with core.ErrNoChangeFeed (the Service then keeps UserCacheTTL).
func TestChangeFeedUnavailable(t *testing.T) {
	check := func(t *testing.T, st *bunstore.Store) {
		t.Helper()
		sub, err := st.SubscribeChanges(t.Context(), time.Second)
		if !errors.Is(err, core.ErrNoChangeFeed) {
			if sub != nil {
				_ = sub.Close()
			}
			t.Fatalf("SubscribeChanges = %v, want ErrNoChangeFeed", err)
		}
	}
	t.Run("SQLiteMemory", func(t *testing.T) { check(t, bunstore.New(migrated(t, "sqlite://:memory:"))) })
	for _, b := range feedBackends {
		t.Run(b.name+"/Transaction", func(t *testing.T) {
			db := migrated(t, b.url(t))
			tx, err := db.BeginTx(t.Context(), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = tx.Rollback() }()
			check(t, bunstore.New(tx))
		})
		t.Run(b.name+"/TriggersDropped", func(t *testing.T) {
			db := migrated(t, b.url(t))
			drop := `DROP TRIGGER zndraw_auth_user_update`
			if b.name == "PostgreSQL" {
				drop = `DROP TRIGGER zndraw_auth_user_change ON "user"`
			}
			if _, err := db.ExecContext(t.Context(), drop); err != nil {
				t.Fatal(err)
			}
			check(t, bunstore.New(db))
		})
	}
}

// TestChangeFeedSQLiteLogPrunes: the change log keeps its last 10000 to
// 11000 entries, and a subscription that fell behind what was pruned gets
// a resync instead of silently skipping it.
func TestChangeFeedSQLiteLogPrunes(t *testing.T) {
	db := migrated(t, sqliteFileURL(t))
	st := bunstore.New(db)
	sub := subscribe(t, st) // it reads the log only when Next is called
	revoke := func(jti string) {
		t.Helper()
		if err := st.RevokeToken(t.Context(), jti, time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	revoke("first")
	revoke("second")
	// Pruned before the subscription read them.
	if _, err := db.ExecContext(t.Context(), `DELETE FROM zndraw_auth_change`); err != nil {
		t.Fatal(err)
	}
	revoke("third")
	if ch := nextChange(t, sub); ch.Kind != core.ChangeResync {
		t.Errorf("a subscription behind the pruned log got %+v first, want a resync", ch)
	}
	if ch := nextChange(t, sub); ch != (core.Change{Kind: core.ChangeRevocation, JTI: "third"}) {
		t.Errorf("then %+v, want the revocation of \"third\"", ch)
	}

	if _, err := db.ExecContext(t.Context(), `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12500)
		INSERT INTO zndraw_auth_change (kind, key) SELECT 'r', 'bulk-' || i FROM n`); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT count(*) FROM zndraw_auth_change`); n < 10000 || n > 11000 {
		t.Errorf("the change log holds %d entries after 12500 more, want 10000 to 11000", n)
	}
}

// TestChangeFeedTriggersGoneWhileLive: triggers dropped or disabled while a
// subscription is live (a migration rebuilding a table, an operator) would
// leave it silent; it reports the loss at its next heartbeat instead, and
// subscribing again says there is no feed.
func TestChangeFeedTriggersGoneWhileLive(t *testing.T) {
	for _, b := range feedBackends {
		t.Run(b.name, func(t *testing.T) {
			db := migrated(t, b.url(t))
			st := bunstore.New(db)
			sub := subscribe(t, st)
			untilLoss := func() error {
				ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
				defer cancel()
				for {
					if _, err := sub.Next(ctx); err != nil {
						return err
					}
				}
			}
			gone := `DROP TRIGGER zndraw_auth_revocation_insert`
			if b.name == "PostgreSQL" {
				gone = `ALTER TABLE zndraw_auth_revoked_token DISABLE TRIGGER zndraw_auth_revocation_change`
			}
			if _, err := db.ExecContext(t.Context(), gone); err != nil {
				t.Fatal(err)
			}
			if err := untilLoss(); err == nil || errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Next after the triggers went: %v, want the loss reported", err)
			}
			if _, err := st.SubscribeChanges(t.Context(), time.Second); !errors.Is(err, core.ErrNoChangeFeed) {
				t.Fatalf("SubscribeChanges without the triggers: %v, want ErrNoChangeFeed", err)
			}
		})
	}
}
