package hooks_test

import (
	"context"
	"fmt"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/hooks"
)

func Example() {
	var sent []string
	welcome := core.Hooks{
		// fastapi-users' on_after_register.
		OnAfterRegister: func(_ context.Context, u core.User, _ core.RequestMeta) error {
			sent = append(sent, "welcome "+u.Email)
			return nil
		},
	}
	policy := core.Hooks{
		ValidatePassword: func(_ context.Context, password, _ string) error {
			if password == "password123" {
				return &core.InvalidPasswordError{Reason: "Password is too common"}
			}
			return nil
		},
	}
	h := hooks.Compose(policy, welcome) // pass to core.New with core.WithHooks(h)

	fmt.Println(h.ValidatePassword(context.Background(), "password123", "a@example.com"))
	_ = h.OnAfterRegister(context.Background(), core.User{Email: "a@example.com"}, core.RequestMeta{})
	fmt.Println(sent)
	// Output:
	// invalid password: Password is too common
	// [welcome a@example.com]
}
