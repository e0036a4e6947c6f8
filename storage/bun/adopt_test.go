package bunstore_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/zincware/zndraw-auth-go/core"
	bunstore "github.com/zincware/zndraw-auth-go/storage/bun"
)

// The fixture rows of testdata/reference_*.sql.
var (
	refAdmin = core.User{
		ID:             uuid.MustParse("6f1f7a52-3b8e-4c1a-9d2e-0a1b2c3d4e5f"),
		Email:          "admin@example.com",
		HashedPassword: "$argon2id$v=19$m=65536,t=3,p=4$em5kcmF3c2FsdHNhbHQxNg$IC9HcVFsQsVIjypgOIy1BqeFRd3nwN6UbDChX3R+2nU",
		IsActive:       true, IsSuperuser: true, IsVerified: true,
	}
	refBob = core.User{
		ID:             uuid.MustParse("0b8e2c1d-4f5a-4b6c-8d7e-9f0a1b2c3d4e"),
		Email:          "Bob@Example.com",
		HashedPassword: "$2b$10$dwwAAtZOvX1JCLnPfZNRUePQyRTXLYx/YgsJNoYISJ8HtgAAXRSpK",
		IsActive:       true,
	}
	refCarol = core.User{
		ID:             uuid.MustParse("d2c3b4a5-9687-4a1b-b2c3-d4e5f6a7b8c9"),
		Email:          "carol@example.com",
		HashedPassword: refAdmin.HashedPassword,
		IsVerified:     true,
	}
	refCreated = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
)

// legacySecretHash is the digest the kit compares a zndraw-auth secret
// against.
func legacySecretHash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// referenceDB is a zndraw-auth database of one dialect.
type referenceDB struct {
	name string
	// url creates a reference database holding the fixture plus extra
	// statements and returns its URL.
	url func(t *testing.T, extra ...string) string
	// fresh returns the URL of an empty database of the same dialect.
	fresh func(t *testing.T) string
	// caseVariants are statements that add users whose emails differ from
	// the fixture's only in case.
	caseVariants []string
	sqlite       bool
}

var referenceDBs = []referenceDB{
	{
		name: "SQLite", url: referenceSQLiteURL, fresh: sqliteFileURL, sqlite: true,
		caseVariants: []string{
			`INSERT INTO user VALUES ('11111111-1111-4111-8111-111111111111', 'bob@example.com', 'x', 1, 0, 0)`,
			`INSERT INTO user VALUES ('22222222-2222-4222-8222-222222222222', 'ADMIN@EXAMPLE.COM', 'x', 1, 0, 0)`,
		},
	},
	{
		name: "PostgreSQL", url: referencePostgresURL, fresh: pgSchemaURL,
		caseVariants: []string{
			`INSERT INTO "user" VALUES ('11111111-1111-4111-8111-111111111111', 'bob@example.com', 'x', true, false, false)`,
			`INSERT INTO "user" VALUES ('22222222-2222-4222-8222-222222222222', 'ADMIN@EXAMPLE.COM', 'x', true, false, false)`,
		},
	},
}

// userRows returns the user table's reference columns as text, ordered by
// id.
func userRows(t *testing.T, db *bun.DB) []string {
	t.Helper()
	rows, err := db.DB.QueryContext(t.Context(), `SELECT id, email, hashed_password, is_active, is_superuser, is_verified FROM "user" ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c [6]string
		if err := rows.Scan(&c[0], &c[1], &c[2], &c[3], &c[4], &c[5]); err != nil {
			t.Fatal(err)
		}
		out = append(out, strings.Join(c[:], "|"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// count runs a SELECT count(*) ... query.
func count(t *testing.T, db *bun.DB, query string) int {
	t.Helper()
	var n int
	if err := db.DB.QueryRowContext(t.Context(), query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// TestAdoptReferenceDatabase migrates a database created by zndraw-auth and
// checks that its users are untouched and usable, that its challenges are
// readable in both UUID spellings, and that deleting an approver works.
func TestAdoptReferenceDatabase(t *testing.T) {
	for _, ref := range referenceDBs {
		t.Run(ref.name, func(t *testing.T) {
			db := openDB(t, ref.url(t))
			before := userRows(t, db)
			if len(before) != 3 {
				t.Fatalf("fixture holds %d users, want 3", len(before))
			}
			if err := bunstore.Migrate(t.Context(), db); err != nil {
				t.Fatalf("Migrate: %v", err)
			}
			if after := userRows(t, db); !slices.Equal(after, before) {
				t.Errorf("user rows changed by Migrate:\n%s", diffLines(after, before))
			}
			if n := count(t, db, `SELECT count(*) FROM "user" WHERE token_version <> 0`); n != 0 {
				t.Errorf("%d users with token_version <> 0 after adoption, want 0", n)
			}
			if n := count(t, db, `SELECT count(*) FROM cliloginchallenge WHERE token IS NOT NULL`); n != 0 {
				t.Errorf("%d plaintext tokens left after adoption, want 0", n)
			}

			st := bunstore.New(db)
			ctx := t.Context()
			for _, want := range []core.User{refAdmin, refBob, refCarol} {
				got, err := st.GetUser(ctx, want.ID)
				if err != nil || got != want {
					t.Errorf("GetUser(%s) = %+v, %v; want %+v", want.ID, got, err, want)
				}
				got, err = st.GetUserByEmail(ctx, strings.ToUpper(want.Email))
				if err != nil || got != want {
					t.Errorf("GetUserByEmail(%s) = %+v, %v; want %+v", strings.ToUpper(want.Email), got, err, want)
				}
			}

			// The approved challenge: approver read from the 32-hex
			// spelling (SQLite), secret now stored hashed.
			wantApproved := core.Challenge{
				ID: 1, Code: "APPRV123", SecretHash: legacySecretHash("legacy-secret-approved"),
				Status: core.ChallengeApproved, UserID: &refAdmin.ID,
				CreatedAt: refCreated, ExpiresAt: refCreated.Add(5 * time.Minute),
			}
			checkChallenge(t, st, wantApproved)
			pending := core.Challenge{
				ID: 2, Code: "PEND4567", SecretHash: legacySecretHash("legacy-secret-pending"),
				Status:    core.ChallengePending,
				CreatedAt: refCreated.Add(time.Minute + 250*time.Millisecond), ExpiresAt: refCreated.Add(6*time.Minute + 250*time.Millisecond),
			}
			checkChallenge(t, st, pending)
			checkChallenge(t, st, core.Challenge{
				ID: 3, Code: "REDM8901", Status: core.ChallengeRedeemed, UserID: &refBob.ID,
				CreatedAt: refCreated.Add(2 * time.Minute), ExpiresAt: refCreated.Add(7 * time.Minute),
			})
			if ref.sqlite {
				// Its approver no longer exists: the rebuild cleared it.
				checkChallenge(t, st, core.Challenge{
					ID: 4, Code: "GONE2345", Status: core.ChallengeRedeemed,
					CreatedAt: refCreated.Add(3 * time.Minute), ExpiresAt: refCreated.Add(8 * time.Minute),
				})
			}

			// A challenge in flight during the upgrade can still be
			// redeemed with its secret.
			got, err := st.RedeemChallenge(ctx, "APPRV123", legacySecretHash("legacy-secret-approved"), refCreated.Add(4*time.Minute))
			if err != nil || got.Status != core.ChallengeRedeemed || got.UserID == nil || *got.UserID != refAdmin.ID {
				t.Errorf("RedeemChallenge(APPRV123) = %+v, %v", got, err)
			}
			// New challenges get fresh ids.
			lastID := int64(3)
			if ref.sqlite {
				lastID = 4
			}
			c, err := st.CreateChallenge(ctx, core.Challenge{Code: "NEW00001", CreatedAt: refCreated, ExpiresAt: refCreated.Add(time.Minute)})
			if err != nil || c.ID <= lastID {
				t.Errorf("CreateChallenge after adoption = id %d, %v; want a new id", c.ID, err)
			}

			// Deleting users who approved challenges works and keeps the
			// challenges (ON DELETE SET NULL).
			for _, u := range []core.User{refAdmin, refBob} {
				if err := st.DeleteUser(ctx, u.ID); err != nil {
					t.Fatalf("DeleteUser(%s): %v", u.Email, err)
				}
			}
			for _, code := range []string{"APPRV123", "REDM8901"} {
				c, err := st.GetChallenge(ctx, code)
				if err != nil || c.UserID != nil {
					t.Errorf("GetChallenge(%s) after deleting its approver = UserID %v, %v; want nil", code, c.UserID, err)
				}
			}

			// Migrating again changes nothing, and the adopted schema is
			// the schema of a fresh database.
			adopted := schemaOf(t, db)
			if err := bunstore.Migrate(t.Context(), db); err != nil {
				t.Fatalf("second Migrate: %v", err)
			}
			if d := diffLines(schemaOf(t, db), adopted); d != "" {
				t.Errorf("second Migrate changed the schema:\n%s", d)
			}
			fresh := migrated(t, ref.fresh(t))
			if d := diffLines(adopted, schemaOf(t, fresh)); d != "" {
				t.Errorf("adopted schema (+) differs from a fresh one (-):\n%s", d)
			}
		})
	}
}

// checkChallenge reads want.Code and compares every field.
func checkChallenge(t *testing.T, st *bunstore.Store, want core.Challenge) {
	t.Helper()
	got, err := st.GetChallenge(t.Context(), want.Code)
	if err != nil {
		t.Errorf("GetChallenge(%s): %v", want.Code, err)
		return
	}
	id := func(p *uuid.UUID) string {
		if p == nil {
			return "<nil>"
		}
		return p.String()
	}
	if got.ID != want.ID || got.SecretHash != want.SecretHash || got.Status != want.Status ||
		id(got.UserID) != id(want.UserID) || !got.CreatedAt.Equal(want.CreatedAt) || !got.ExpiresAt.Equal(want.ExpiresAt) ||
		got.ClientIP != want.ClientIP || got.UserAgent != want.UserAgent || !got.LastPolledAt.Equal(want.LastPolledAt) {
		t.Errorf("GetChallenge(%s):\n got %+v (user %s)\nwant %+v (user %s)", want.Code, got, id(got.UserID), want, id(want.UserID))
	}
}

// TestAdoptCaseVariantEmails: a zndraw-auth database holding emails that
// differ only in case cannot get the case-insensitive unique index; Migrate
// says so, naming them, and leaves the database exactly as it was.
func TestAdoptCaseVariantEmails(t *testing.T) {
	for _, ref := range referenceDBs {
		t.Run(ref.name, func(t *testing.T) {
			requireRefusedMigrate(t, openDB(t, ref.url(t, ref.caseVariants...)), "admin@example.com", "bob@example.com", "2 address")
		})
	}
}

// requireRefusedMigrate runs Migrate on db, which must fail with
// ErrCaseVariantEmails mentioning every want, and leave the schema and the
// user rows exactly as they were.
func requireRefusedMigrate(t *testing.T, db *bun.DB, want ...string) {
	t.Helper()
	schemaBefore, rowsBefore := schemaOf(t, db), userRows(t, db)
	err := bunstore.Migrate(t.Context(), db)
	if !errors.Is(err, bunstore.ErrCaseVariantEmails) {
		t.Fatalf("Migrate = %v, want ErrCaseVariantEmails", err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("Migrate error %q does not mention %q", err, w)
		}
	}
	t.Logf("Migrate: %v", err)
	if d := diffLines(schemaOf(t, db), schemaBefore); d != "" {
		t.Errorf("failed Migrate changed the schema:\n%s", d)
	}
	if after := userRows(t, db); !slices.Equal(after, rowsBefore) {
		t.Errorf("failed Migrate changed user rows:\n%s", diffLines(after, rowsBefore))
	}
}
