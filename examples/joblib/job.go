package main

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// StatusPending is the status of a new job (the reference's default).
const StatusPending = "pending"

// Job is a compute job owned by a user: the zndraw-joblib model of the
// reference README, as a bun model in the host application. Its user_id
// references the kit's "user" table, and deleting the user deletes the
// user's jobs (ON DELETE CASCADE).
type Job struct {
	bun.BaseModel `bun:"table:job"`

	ID     uuid.UUID `bun:"id,pk"`
	Name   string    `bun:"name,notnull"`
	Status string    `bun:"status,notnull"`
	UserID uuid.UUID `bun:"user_id,notnull"`
}

// maxJobName is the length of the name column (String(255)).
const maxJobName = 255

// createJobTable creates the job table next to the kit's tables, through
// bun, after bunstore.Migrate. The statement is written per dialect because
// the foreign key column must have the type of "user".id, which is CHAR(36)
// text on SQLite and uuid on PostgreSQL (see storage/bun's Schema). On
// SQLite the foreign key is enforced because bunstore.Open turns on
// PRAGMA foreign_keys for every connection; PostgreSQL always enforces it.
func createJobTable(ctx context.Context, db bun.IDB) error {
	idType := "CHAR(36)"
	switch name := db.Dialect().Name(); name {
	case dialect.PG:
		idType = "UUID"
	case dialect.SQLite:
	default:
		return fmt.Errorf("createJobTable: unsupported dialect %s", name)
	}
	_, err := db.ExecContext(ctx, fmt.Sprintf(`CREATE TABLE IF NOT EXISTS job (
		id %[1]s NOT NULL PRIMARY KEY,
		name VARCHAR(%[2]d) NOT NULL,
		status VARCHAR(50) NOT NULL DEFAULT '%[3]s',
		user_id %[1]s NOT NULL REFERENCES "user" (id) ON DELETE CASCADE
	)`, idType, maxJobName, StatusPending))
	if err != nil {
		return fmt.Errorf("create table job: %w", err)
	}
	if _, err := db.ExecContext(ctx, `CREATE INDEX IF NOT EXISTS ix_job_user_id ON job (user_id)`); err != nil {
		return fmt.Errorf("create index ix_job_user_id: %w", err)
	}
	return nil
}
