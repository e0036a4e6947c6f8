package main

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/hooks"
)

// welcomeSubject is the subject of the welcome message.
const welcomeSubject = "Welcome to ZnDraw"

// welcomeMail sends a welcome message to every new user. It embeds
// hooks.Base, so it implements core.Hooks with only OnAfterRegister
// written out.
type welcomeMail struct {
	hooks.Base
	sender Sender
}

// OnAfterRegister runs after the user row is committed. An error here is
// logged by the Service; the registration still answers 201.
func (w welcomeMail) OnAfterRegister(ctx context.Context, u core.User, _ core.RequestMeta) error {
	body := fmt.Sprintf("Hello %s,\n\nyour ZnDraw account is ready.\n", u.Email)
	if err := w.sender.Send(ctx, u.Email, welcomeSubject, body); err != nil {
		return fmt.Errorf("welcome mail to user %s: %w", u.ID, err)
	}
	return nil
}

// WelcomeLog is a row of the host application's own welcome_log table,
// written by the OnAfterRegister hook in the database the kit uses.
type WelcomeLog struct {
	bun.BaseModel `bun:"table:welcome_log"`

	ID       int64     `bun:"id,pk,autoincrement"`
	UserID   string    `bun:"user_id,notnull"`
	Email    string    `bun:"email,notnull"`
	ClientIP string    `bun:"client_ip,notnull"`
	At       time.Time `bun:"at,notnull"`
}

// createWelcomeLog creates the welcome_log table if it does not exist. It
// is the host's own table, created through bun next to the kit's tables.
func createWelcomeLog(ctx context.Context, db bun.IDB) error {
	_, err := db.NewCreateTable().Model((*WelcomeLog)(nil)).IfNotExists().Exec(ctx)
	return err
}

// welcomeLogHook records every registration in welcome_log, written with
// hooks.FromFuncs: only the funcs that are set run.
func welcomeLogHook(db bun.IDB) core.Hooks {
	return hooks.FromFuncs(&hooks.Funcs{
		OnAfterRegister: func(ctx context.Context, u core.User, m core.RequestMeta) error {
			row := &WelcomeLog{UserID: u.ID.String(), Email: u.Email, ClientIP: m.ClientIP, At: time.Now().UTC()}
			_, err := db.NewInsert().Model(row).Exec(ctx)
			return err
		},
	})
}
