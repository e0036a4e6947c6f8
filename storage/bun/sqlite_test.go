package bunstore_test

import (
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/driver/sqliteshim"

	"github.com/zincware/zndraw-auth-go/core"
	bunstore "github.com/zincware/zndraw-auth-go/storage/bun"
)

// TestSQLiteFileConcurrentWrites: 32 concurrent CreateUser calls, split over
// two instances (pools) on one SQLite file, half of them racing for one
// email, never fail with "database is locked": the only error is
// ErrAlreadyExists. Concurrent counter increments from both are all counted.
func TestSQLiteFileConcurrentWrites(t *testing.T) {
	u := sqliteFileURL(t)
	stores := []*bunstore.Store{bunstore.New(migrated(t, u)), bunstore.New(openDB(t, u))}
	const n = 32
	errs := make([]error, n)
	var ready, done sync.WaitGroup
	gate := make(chan struct{})
	ready.Add(n)
	began := time.Now()
	for i := range n {
		done.Go(func() {
			ready.Done()
			<-gate
			email := fmt.Sprintf("user%d@example.com", i)
			if i%2 == 0 { // one email, in two spellings
				email = []string{"dup@example.com", "Dup@Example.COM"}[i%4/2]
			}
			st := stores[i%2]
			_, errs[i] = st.CreateUser(t.Context(), core.User{ID: uuid.New(), Email: email, HashedPassword: "h", IsActive: true})
			if errs[i] == nil || errors.Is(errs[i], core.ErrAlreadyExists) {
				if _, _, err := st.IncrementCounter(t.Context(), "k", time.Hour, time.Unix(0, 0)); err != nil {
					errs[i] = err
				}
			}
		})
	}
	ready.Wait()
	close(gate)
	done.Wait()
	t.Logf("%d concurrent writers on two pools took %v", n, time.Since(began))
	ok, dup := 0, 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, core.ErrAlreadyExists):
			dup++
		default:
			t.Errorf("writer %d: %v", i, err)
		}
	}
	if ok != n/2+1 || dup != n/2-1 {
		t.Errorf("%d created, %d ErrAlreadyExists; want %d and %d", ok, dup, n/2+1, n/2-1)
	}
	if got, err := stores[0].CounterValue(t.Context(), "k", time.Hour, time.Unix(0, 0)); err != nil || got != n {
		t.Errorf("counter after %d concurrent increments = %d, %v", n, got, err)
	}
}

// TestSQLiteBusyIsUnavailable: a write that finds the database locked by
// another process beyond busy_timeout fails with ErrUnavailable (a
// retryable 503), and the store recovers once the lock is gone.
func TestSQLiteBusyIsUnavailable(t *testing.T) {
	u := sqliteFileURL(t)
	migrated(t, u)
	path := strings.TrimPrefix(u, "sqlite:///")

	locker, err := sql.Open(sqliteshim.ShimName, path)
	if err != nil {
		t.Fatal(err)
	}
	defer locker.Close()
	conn, err := locker.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(t.Context(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}

	// A store whose connections give up after 20 ms.
	sqldb, err := sql.Open(sqliteshim.ShimName, "file:"+path+"?_pragma=busy_timeout(20)")
	if err != nil {
		t.Fatal(err)
	}
	db := bun.NewDB(sqldb, sqlitedialect.New())
	defer db.Close()
	st := bunstore.New(db)
	user := core.User{ID: uuid.New(), Email: "a@example.com", HashedPassword: "h"}
	if _, err := st.CreateUser(t.Context(), user); !errors.Is(err, core.ErrUnavailable) {
		t.Fatalf("CreateUser on a locked database = %v, want ErrUnavailable", err)
	}
	if _, err := conn.ExecContext(t.Context(), "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(t.Context(), user); err != nil {
		t.Fatalf("CreateUser after the lock is released: %v", err)
	}
}

// TestSQLiteStorageFormat checks the bytes the store writes on SQLite: the
// forms zndraw-auth reads.
func TestSQLiteStorageFormat(t *testing.T) {
	db := migrated(t, sqliteFileURL(t))
	st := bunstore.New(db)
	ctx := t.Context()
	u := core.User{ID: uuid.New(), Email: "Percival@Camelot.bt", HashedPassword: "h", IsActive: true}
	if _, err := st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	created := time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.FixedZone("CET", 3600))
	if _, err := st.CreateChallenge(ctx, core.Challenge{Code: "FMT00001", CreatedAt: created, ExpiresAt: created.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ApproveChallenge(ctx, "FMT00001", u.ID, created); err != nil {
		t.Fatal(err)
	}
	var id, active, userID, createdAt, expiresAt, createdType string
	var secretNull, ipNull, tokenNull bool
	if err := db.DB.QueryRowContext(ctx, `SELECT id, CAST(is_active AS TEXT) FROM "user"`).Scan(&id, &active); err != nil {
		t.Fatal(err)
	}
	if err := db.DB.QueryRowContext(ctx, `SELECT user_id, CAST(created_at AS TEXT), typeof(created_at), CAST(expires_at AS TEXT),
		secret IS NULL, client_ip IS NULL, token IS NULL FROM cliloginchallenge`).
		Scan(&userID, &createdAt, &createdType, &expiresAt, &secretNull, &ipNull, &tokenNull); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		what, got, want string
	}{
		{"user.id", id, u.ID.String()},
		{"user.is_active", active, "1"},
		{"cliloginchallenge.user_id", userID, u.ID.String()},
		{"cliloginchallenge.created_at", createdAt, "2026-01-02 02:04:05.123456"},
		{"typeof(created_at)", createdType, "text"},
		{"cliloginchallenge.expires_at", expiresAt, "2026-01-02 02:05:05.123456"},
		{"secret, client_ip, token IS NULL", fmt.Sprint(secretNull, ipNull, tokenNull), "true true true"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
		}
	}
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`).MatchString(id) {
		t.Errorf("user.id %q is not lowercase hyphenated", id)
	}
}

// TestSQLiteUserIDSpellings: a user row whose id another tool wrote as 32
// hex digits is found, updated and deleted by its UUID.
func TestSQLiteUserIDSpellings(t *testing.T) {
	db := migrated(t, "sqlite://:memory:")
	id := uuid.New()
	if _, err := db.DB.ExecContext(t.Context(),
		`INSERT INTO "user" (id, email, hashed_password, is_active, is_superuser, is_verified) VALUES (?, 'hex@example.com', 'h', 1, 0, 0)`,
		strings.ReplaceAll(id.String(), "-", "")); err != nil {
		t.Fatal(err)
	}
	st := bunstore.New(db)
	want := core.User{ID: id, Email: "hex@example.com", HashedPassword: "h", IsActive: true}
	if got, err := st.GetUser(t.Context(), id); err != nil || got != want {
		t.Fatalf("GetUser = %+v, %v; want %+v", got, err, want)
	}
	want.IsVerified, want.TokenVersion = true, 1
	if got, err := st.UpdateUser(t.Context(), id, core.UserPatch{IsVerified: ptr(true), ExpectIsVerified: ptr(false), BumpTokenVersion: true}); err != nil || got != want {
		t.Fatalf("UpdateUser = %+v, %v; want %+v", got, err, want)
	}
	if err := st.DeleteUser(t.Context(), id); err != nil {
		t.Fatalf("DeleteUser: %v", err)
	}
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }
