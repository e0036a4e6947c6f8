package bunstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/uptrace/bun"
)

// emailLowerIndex (migration 3) adds the unique index ux_user_email_lower on
// lower(email), next to zndraw-auth's case-sensitive ix_user_email. It first
// looks for emails that differ only in case, which the index cannot allow,
// and fails with ErrCaseVariantEmails naming them (the transaction then
// rolls back everything).
func emailLowerIndex(ctx context.Context, db bun.IDB) error {
	rows, err := db.QueryContext(ctx, `SELECT lower(email) FROM "user"
		GROUP BY lower(email) HAVING count(*) > 1 ORDER BY lower(email)`)
	if err != nil {
		return err
	}
	var dups []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			rows.Close()
			return err
		}
		dups = append(dups, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(dups) > 0 {
		shown := dups
		if len(shown) > 5 {
			shown = shown[:5]
		}
		return fmt.Errorf("%w: %d address(es) belong to more than one user: %s; rename or merge those accounts so that emails are unique regardless of case, then run Migrate again (nothing was changed)",
			ErrCaseVariantEmails, len(dups), strings.Join(shown, ", "))
	}
	return execAll(ctx, db, `CREATE UNIQUE INDEX IF NOT EXISTS ux_user_email_lower ON "user" (lower(email))`)
}

// legacySecretPrefix marks a secret column holding a SHA-256 digest, as the
// kit stores it; zndraw-auth stored the secret itself.
const legacySecretPrefix = "sha256:"

// hashLegacySecrets replaces every plaintext challenge secret zndraw-auth
// stored with its "sha256:<hex>" digest, the form the kit compares against,
// so no secret stays at rest in the clear and challenges in flight during
// an upgrade can still be redeemed.
func hashLegacySecrets(ctx context.Context, db bun.IDB) error {
	type row struct {
		id     int64
		secret string
	}
	rows, err := db.QueryContext(ctx, `SELECT id, secret FROM cliloginchallenge
		WHERE secret IS NOT NULL AND substr(secret, 1, 7) <> 'sha256:'`)
	if err != nil {
		return err
	}
	var todo []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.secret); err != nil {
			rows.Close()
			return err
		}
		todo = append(todo, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range todo {
		sum := sha256.Sum256([]byte(r.secret))
		if _, err := db.ExecContext(ctx, `UPDATE cliloginchallenge SET secret = ? WHERE id = ?`,
			legacySecretPrefix+hex.EncodeToString(sum[:]), r.id); err != nil {
			return err
		}
	}
	return nil
}
