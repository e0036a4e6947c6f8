package fleet_test

import (
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/driver/sqliteshim"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/internal/pgtest"
	bunstore "github.com/zincware/zndraw-auth-go/storage/bun"
)

// pyTimeLayout is how SQLAlchemy writes a DateTime: UTC wall time with six
// fractional digits, the offset dropped.
const pyTimeLayout = "2006-01-02 15:04:05.000000"

// sharedDB is one database of the fleet: the Go instance's handle and the
// connection a zndraw-auth instance writes through.
type sharedDB struct {
	sqlite bool
	db     *bun.DB // the Go instance's (migrated: the database was adopted)
	py     *sql.DB // zndraw-auth's: on SQLite without foreign-key enforcement, as aiosqlite opens it
}

// sharedDBs are the databases to run on: a SQLite file, and a PostgreSQL
// schema (skipped unless ZNDRAW_AUTH_TEST_POSTGRES_DSN is set). Each opens
// a fresh, adopted database for t.
var sharedDBs = []struct {
	name string
	open func(t *testing.T) *sharedDB
}{
	{"SQLite", func(t *testing.T) *sharedDB {
		path := filepath.Join(t.TempDir(), "zndraw.db")
		db := openMigrated(t, "sqlite:///"+path)
		py, err := sql.Open(sqliteshim.ShimName, "file:"+path+"?_pragma=busy_timeout(5000)")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = py.Close() })
		return &sharedDB{sqlite: true, db: db, py: py}
	}},
	{"PostgreSQL", func(t *testing.T) *sharedDB {
		db := openMigrated(t, pgtest.DSN(t))
		return &sharedDB{db: db, py: db.DB}
	}},
}

// openMigrated opens rawURL and migrates it.
func openMigrated(t *testing.T, rawURL string) *bun.DB {
	t.Helper()
	db, err := bunstore.Open(t.Context(), rawURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := bunstore.Migrate(t.Context(), db); err != nil {
		t.Fatal(err)
	}
	return db
}

// q adapts a query written with ? to the dialect of the Python connection.
func (d *sharedDB) q(query string) string {
	if d.sqlite {
		return query
	}
	n := 0
	var b strings.Builder
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + string(rune('0'+n)))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// pyCreate writes a challenge the way zndraw-auth's POST /auth/cli-login
// does: the secret in the clear, status pending, no token and no user,
// created now and expiring 300 s later.
func (d *sharedDB) pyCreate(t *testing.T, code, secret string, created time.Time) {
	t.Helper()
	if _, err := d.py.ExecContext(t.Context(), d.q(`INSERT INTO cliloginchallenge (code, secret, status, token, user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
		code, secret, "pending", nil, nil, created.UTC().Format(pyTimeLayout), created.Add(300*time.Second).UTC().Format(pyTimeLayout)); err != nil {
		t.Fatalf("zndraw-auth create: %v", err)
	}
}

// pyApprove approves a challenge the way zndraw-auth's PATCH does: it
// reads the row, then stores the token it minted, the approver (32 hex
// digits on SQLite, SQLAlchemy's Uuid there; a uuid on PostgreSQL) and the
// status approved.
func (d *sharedDB) pyApprove(t *testing.T, code, token string, approver uuid.UUID) {
	t.Helper()
	var id int64
	var status string
	if err := d.py.QueryRowContext(t.Context(), d.q(`SELECT id, status FROM cliloginchallenge WHERE code = ?`), code).Scan(&id, &status); err != nil {
		t.Fatalf("zndraw-auth approve: %v", err)
	}
	if status != "pending" {
		t.Fatalf("zndraw-auth approve: status %s", status)
	}
	var user any = approver.String()
	if d.sqlite {
		user = strings.ReplaceAll(approver.String(), "-", "")
	}
	if _, err := d.py.ExecContext(t.Context(), d.q(`UPDATE cliloginchallenge SET status=?, token=?, user_id=? WHERE cliloginchallenge.id = ?`),
		"approved", token, user, id); err != nil {
		t.Fatalf("zndraw-auth approve: %v", err)
	}
}

// row reads the columns zndraw-auth reads.
func (d *sharedDB) row(t *testing.T, code string) (status string, secret, token sql.NullString) {
	t.Helper()
	if err := d.py.QueryRowContext(t.Context(), d.q(`SELECT status, secret, token FROM cliloginchallenge WHERE code = ?`), code).Scan(&status, &secret, &token); err != nil {
		t.Fatalf("read %s: %v", code, err)
	}
	return status, secret, token
}

// wantRedeemed checks that the row of code is redeemed, its secret and
// token cleared, as zndraw-auth reads it.
func (d *sharedDB) wantRedeemed(t *testing.T, code string) {
	t.Helper()
	if status, secret, token := d.row(t, code); status != "redeemed" || secret.Valid || token.Valid {
		t.Errorf("row after redemption: status %s, secret %v, token %v; want redeemed, NULL, NULL", status, secret, token)
	}
}

// pyMint is zndraw-auth's token for a CLI login: sub, aud (a string), iat,
// exp, signed with secret.
func pyMint(t *testing.T, sub uuid.UUID, now time.Time, secret string) string {
	t.Helper()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"sub": sub.String(), "aud": core.AudienceAuth, "iat": now.Unix(), "exp": now.Add(lifetime).Unix(),
	}).SignedString([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// plainSecret is a secret as secrets.token_urlsafe(32) makes it.
const plainSecret = "Jx3vT0c9QmZ8r1Ys-Ld2Kp_4WnGh7Ua5Eb6Fi0Oq2Rs"

// TestPythonChallengesCompleteOnGo writes CLI-login challenges into an
// adopted database the way zndraw-auth does, after adoption, and completes
// them on a Go instance.
func TestPythonChallengesCompleteOnGo(t *testing.T) {
	for _, sdb := range sharedDBs {
		t.Run(sdb.name, func(t *testing.T) {
			now := time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)
			setup := func(t *testing.T) (*sharedDB, *kit, core.User) {
				d := sdb.open(t)
				k := newKit(t, bunstore.New(d.db), now)
				return d, k, k.user(t, "browser@example.com", false)
			}
			poll := func(t *testing.T, k *kit, code, secret string) (core.CLIPollResult, error) {
				return k.svc.PollCLIChallenge(t.Context(), code, secret, core.RequestMeta{})
			}
			t.Run("CreatedByPythonApprovedByGo", func(t *testing.T) {
				d, k, u := setup(t)
				d.pyCreate(t, "PYGO0001", plainSecret, now.Add(-10*time.Second))
				if _, err := poll(t, k, "PYGO0001", plainSecret[:42]+"x"); !errors.Is(err, core.ErrChallengeNotFound) {
					t.Errorf("poll with a wrong secret: %v, want ErrChallengeNotFound", err)
				}
				if r, err := poll(t, k, "PYGO0001", plainSecret); err != nil || r.Status != core.ChallengePending {
					t.Fatalf("poll of the pending challenge: %+v, %v", r, err)
				}
				p := k.principal(t, k.login(t, u.Email), core.AccessActive)
				if err := k.svc.ApproveCLIChallenge(t.Context(), p, "PYGO0001", core.RequestMeta{}); err != nil {
					t.Fatalf("approve on Go: %v", err)
				}
				r, err := poll(t, k, "PYGO0001", plainSecret)
				if err != nil || r.Token == "" {
					t.Fatalf("poll of the approved challenge: %+v, %v", r, err)
				}
				if got := k.principal(t, r.Token, core.AccessActive); got.User.ID != u.ID {
					t.Errorf("the token is %s's, want the approver's", got.User.Email)
				}
				if _, err := poll(t, k, "PYGO0001", plainSecret); !errors.Is(err, core.ErrChallengeNotFound) {
					t.Errorf("second poll: %v, want ErrChallengeNotFound", err)
				}
				d.wantRedeemed(t, "PYGO0001")
			})

			t.Run("CreatedAndApprovedByPython", func(t *testing.T) {
				d, k, u := setup(t)
				d.pyCreate(t, "PYPY0001", plainSecret, now.Add(-10*time.Second))
				stored := pyMint(t, u.ID, now.Add(-5*time.Second), accessSecret)
				d.pyApprove(t, "PYPY0001", stored, u.ID)
				r, err := poll(t, k, "PYPY0001", plainSecret)
				if err != nil || r.Status != core.ChallengeApproved {
					t.Fatalf("poll: %+v, %v", r, err)
				}
				if r.Token != stored {
					t.Errorf("poll handed out %q, want the token zndraw-auth stored", r.Token)
				}
				k.principal(t, r.Token, core.AccessActive)
				d.wantRedeemed(t, "PYPY0001")
				if _, err := poll(t, k, "PYPY0001", plainSecret); !errors.Is(err, core.ErrChallengeNotFound) {
					t.Errorf("second poll: %v, want ErrChallengeNotFound", err)
				}
			})

			t.Run("CreatedByGoApprovedByPython", func(t *testing.T) {
				d, k, u := setup(t)
				ch, err := k.svc.CreateCLIChallenge(t.Context(), core.RequestMeta{})
				if err != nil {
					t.Fatal(err)
				}
				stored := pyMint(t, u.ID, now, accessSecret)
				d.pyApprove(t, ch.Code, stored, u.ID)
				if r, err := poll(t, k, ch.Code, ch.Secret); err != nil || r.Token != stored {
					t.Errorf("poll: %+v, %v; want the token zndraw-auth stored", r, err)
				}
				d.wantRedeemed(t, ch.Code)
			})

			t.Run("StoredTokenHandedOutOnce", func(t *testing.T) {
				d, k, u := setup(t)
				d.pyCreate(t, "PYONCE01", plainSecret, now.Add(-10*time.Second))
				stored := pyMint(t, u.ID, now.Add(-5*time.Second), accessSecret)
				d.pyApprove(t, "PYONCE01", stored, u.ID)
				// Two Go instances on the database, 16 polls each.
				k2 := newKit(t, bunstore.New(d.db), now)
				var mu sync.Mutex
				var got []string
				var wg sync.WaitGroup
				start := make(chan struct{})
				for i := range 32 {
					wg.Go(func() {
						<-start
						kk := k
						if i%2 == 1 {
							kk = k2
						}
						r, err := poll(t, kk, "PYONCE01", plainSecret)
						if err == nil && r.Token != "" {
							mu.Lock()
							got = append(got, r.Token)
							mu.Unlock()
						} else if err != nil && !errors.Is(err, core.ErrChallengeNotFound) {
							t.Errorf("poll: %v", err)
						}
					})
				}
				close(start)
				wg.Wait()
				if len(got) != 1 || got[0] != stored {
					t.Errorf("32 concurrent polls handed out %d tokens, want exactly the stored one once", len(got))
				}
			})

			t.Run("StoredTokenUnusable", func(t *testing.T) {
				// A token the kit cannot verify (signed with another secret)
				// is not handed out: the approver gets a token minted now.
				d, k, u := setup(t)
				d.pyCreate(t, "PYBAD001", plainSecret, now.Add(-10*time.Second))
				d.pyApprove(t, "PYBAD001", pyMint(t, u.ID, now, "another-secret-0123456789abcdefghijkl"), u.ID)
				r, err := poll(t, k, "PYBAD001", plainSecret)
				if err != nil || r.Token == "" {
					t.Fatalf("poll: %+v, %v", r, err)
				}
				if got := k.principal(t, r.Token, core.AccessActive); got.User.ID != u.ID {
					t.Errorf("the token is %s's, want the approver's", got.User.Email)
				}
			})

			t.Run("ApproverGone", func(t *testing.T) {
				d, k, u := setup(t)
				d.pyCreate(t, "PYGONE01", plainSecret, now.Add(-10*time.Second))
				d.pyApprove(t, "PYGONE01", pyMint(t, u.ID, now, accessSecret), u.ID)
				if err := k.svc.DeleteUser(t.Context(), u, core.RequestMeta{}); err != nil {
					t.Fatalf("delete the approver: %v", err)
				}
				if r, err := poll(t, k, "PYGONE01", plainSecret); !errors.Is(err, core.ErrChallengeNotFound) {
					t.Errorf("poll after the approver was deleted: %+v, %v; want ErrChallengeNotFound", r, err)
				}
			})

			t.Run("RejectedByGo", func(t *testing.T) {
				// Rejecting clears a stored token too: no token stays at rest.
				d, k, u := setup(t)
				d.pyCreate(t, "PYREJ001", plainSecret, now.Add(-10*time.Second))
				d.pyApprove(t, "PYREJ001", pyMint(t, u.ID, now, accessSecret), u.ID)
				p := k.principal(t, k.login(t, u.Email), core.AccessActive)
				if err := k.svc.RejectCLIChallenge(t.Context(), p, "PYREJ001", core.RequestMeta{}); err != nil {
					t.Fatal(err)
				}
				if status, _, token := d.row(t, "PYREJ001"); status != "rejected" || token.Valid {
					t.Errorf("row after rejection: status %s, token %v; want rejected, NULL", status, token)
				}
				if _, err := poll(t, k, "PYREJ001", plainSecret); !errors.Is(err, core.ErrChallengeNotFound) {
					t.Errorf("poll after rejection: %v, want ErrChallengeNotFound", err)
				}
			})

			t.Run("Expired", func(t *testing.T) {
				d, k, u := setup(t)
				d.pyCreate(t, "PYEXP001", plainSecret, now.Add(-301*time.Second))
				d.pyApprove(t, "PYEXP001", pyMint(t, u.ID, now, accessSecret), u.ID)
				if _, err := poll(t, k, "PYEXP001", plainSecret); !errors.Is(err, core.ErrChallengeExpired) {
					t.Errorf("poll of an expired approved challenge: %v, want ErrChallengeExpired", err)
				}
			})
		})
	}
}
