package main

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/zincware/zndraw-auth-go/core"
)

// minPasswordLength is the example policy's minimum length in characters.
// The kit's own check (ZNDRAW_AUTH_PASSWORD_MIN_LENGTH, default 8) runs
// first, so shorter passwords get its reason.
const minPasswordLength = 12

// minLocalPart is the shortest local part the policy looks for in a
// password: refusing every password that contains "al" would be silly.
const minLocalPart = 3

// passwordPolicy is a stricter ValidatePassword: at least
// minPasswordLength characters, and not containing the local part of the
// account's email (case-insensitively). A rejection is an
// *core.InvalidPasswordError, which the Service turns into
// REGISTER_INVALID_PASSWORD (UPDATE_USER_/RESET_PASSWORD_ on the other
// routes) with the reason the client sees.
func passwordPolicy() core.Hooks {
	return core.Hooks{
		ValidatePassword: func(_ context.Context, password, email string) error {
			if utf8.RuneCountInString(password) < minPasswordLength {
				return &core.InvalidPasswordError{Reason: fmt.Sprintf("Password should be at least %d characters", minPasswordLength)}
			}
			local, _, _ := strings.Cut(email, "@")
			if utf8.RuneCountInString(local) >= minLocalPart && strings.Contains(strings.ToLower(password), strings.ToLower(local)) {
				return &core.InvalidPasswordError{Reason: "Password should not contain e-mail"}
			}
			return nil
		},
	}
}
