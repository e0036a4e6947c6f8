package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/zincware/zndraw-auth-go/core"
)

// protectAccounts vetoes deleting the accounts whose emails are listed
// (compared case-insensitively), for example the operators' own.
//
// OnBeforeDelete runs before anything is written; a non-nil error keeps the
// user. What the client sees depends on the error:
//
//   - an error wrapping a *core.Error is answered like that error: here
//     core.ErrForbidden, so DELETE /users/{id} answers
//     403 {"detail":"Forbidden"};
//   - any other error is an internal error: the HTTP layer logs it and
//     answers 500 {"detail":"Internal Server Error"} (the user is kept all
//     the same).
func protectAccounts(emails []string) core.Hooks {
	protected := make(map[string]bool, len(emails))
	for _, e := range emails {
		if e = strings.TrimSpace(e); e != "" {
			protected[strings.ToLower(e)] = true
		}
	}
	return core.Hooks{
		OnBeforeDelete: func(_ context.Context, u core.User, _ core.RequestMeta) error {
			if protected[strings.ToLower(u.Email)] {
				return fmt.Errorf("account %s is protected: %w", u.ID, core.ErrForbidden)
			}
			return nil
		},
	}
}
