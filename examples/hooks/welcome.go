package main

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/zincware/zndraw-auth-go/core"
)

// welcomeSubject is the subject of the welcome message.
const welcomeSubject = "Welcome to ZnDraw"

// welcomeMail sends a welcome message to every new user through sender:
// fastapi-users' on_after_register. It runs after the user row is
// committed; an error here is logged by the Service, and the registration
// still answers 201.
func welcomeMail(sender Sender) core.Hooks {
	return core.Hooks{
		OnAfterRegister: func(ctx context.Context, u core.User, _ core.RequestMeta) error {
			body := fmt.Sprintf("Hello %s,\n\nyour ZnDraw account is ready.\n", u.Email)
			if err := sender.Send(ctx, u.Email, welcomeSubject, body); err != nil {
				return fmt.Errorf("welcome mail to user %s: %w", u.ID, err)
			}
			return nil
		},
	}
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

// welcomeLogHook records every registration in welcome_log. Only the hook
// funcs that are set run; the others are nil and cost nothing.
func welcomeLogHook(db bun.IDB) core.Hooks {
	return core.Hooks{
		OnAfterRegister: func(ctx context.Context, u core.User, m core.RequestMeta) error {
			row := &WelcomeLog{UserID: u.ID.String(), Email: u.Email, ClientIP: m.ClientIP, At: time.Now().UTC()}
			_, err := db.NewInsert().Model(row).Exec(ctx)
			return err
		},
	}
}
