package hooks_test

import (
	"context"
	"fmt"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/hooks"
)

// welcomeHooks embeds Base and overrides one hook.
type welcomeHooks struct {
	hooks.Base
	sent []string
}

func (w *welcomeHooks) OnAfterRegister(_ context.Context, u core.User, _ core.RequestMeta) error {
	w.sent = append(w.sent, "welcome "+u.Email)
	return nil
}

func Example() {
	welcome := &welcomeHooks{}
	policy := hooks.FromFuncs(&hooks.Funcs{
		ValidatePassword: func(_ context.Context, password, _ string) error {
			if password == "password123" {
				return &core.InvalidPasswordError{Reason: "Password is too common"}
			}
			return nil
		},
	})
	h := hooks.Compose(policy, welcome) // pass to core.New with core.WithHooks(h)

	fmt.Println(h.ValidatePassword(context.Background(), "password123", "a@example.com"))
	_ = h.OnAfterRegister(context.Background(), core.User{Email: "a@example.com"}, core.RequestMeta{})
	fmt.Println(welcome.sent)
	// Output:
	// invalid password: Password is too common
	// [welcome a@example.com]
}
