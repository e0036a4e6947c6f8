package core

import (
	"context"
	"errors"
	"fmt"
	"unicode/utf8"
)

// checkPassword runs the default length policy (Settings.PasswordMinLength
// characters, MaxPasswordBytes bytes) and then the ValidatePassword hook. A
// rejection becomes an *Error with the given code and the policy's reason;
// any other hook error is returned as is (an internal error).
func (s *Service) checkPassword(ctx context.Context, code, password, email string) error {
	reason := ""
	switch {
	case utf8.RuneCountInString(password) < s.settings.PasswordMinLength:
		reason = fmt.Sprintf("Password should be at least %d characters", s.settings.PasswordMinLength)
	case len(password) > MaxPasswordBytes:
		reason = fmt.Sprintf("Password should be at most %d bytes", MaxPasswordBytes)
	}
	if reason == "" {
		if s.hooks.ValidatePassword == nil {
			return nil
		}
		err := s.hooks.ValidatePassword(ctx, password, email)
		if err == nil {
			return nil
		}
		var inv *InvalidPasswordError
		if !errors.As(err, &inv) {
			return fmt.Errorf("zndraw-auth: ValidatePassword hook: %w", err)
		}
		reason = inv.Reason
	}
	return &Error{Code: code, Reason: reason}
}
