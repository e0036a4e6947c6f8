package core_test

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// How the default login lockout splits an account's 100 wrong passwords an
// hour: 10 for each of up to 5 familiar sources, 50 shared by everyone
// else.
func ExampleRateLimitSettings_LoginBudgets() {
	rl := core.DefaultSettings().RateLimit
	perFamiliar, shared := rl.LoginBudgets()
	fmt.Println(perFamiliar, rl.FamiliarSourcesPerAccount, shared)
	// Output: 10 5 50
}

// Delivery hooks run in the background; Drain waits for them, at shutdown
// or before a test reads what was delivered.
func ExampleService_Drain() {
	ctx := context.Background()
	sent := make(chan string, 1)
	svc, err := core.New(memstore.New(), core.DefaultSettings(),
		core.WithHasher(password.New(password.TestParams)),
		core.WithLogger(slog.New(slog.DiscardHandler)),
		core.WithHooks(core.Hooks{OnAfterForgotPassword: func(_ context.Context, u core.User, _ string, _ core.RequestMeta) error {
			sent <- "reset mail to " + u.Email
			return nil
		}}),
	)
	if err != nil {
		panic(err)
	}
	defer svc.Close() // after Drain: stops the memory store's change-feed subscription
	if _, err := svc.Register(ctx, core.UserCreate{Email: "arthur@camelot.bt", Password: "guinevere"}, core.RequestMeta{}); err != nil {
		panic(err)
	}
	if err := svc.ForgotPassword(ctx, "arthur@camelot.bt", core.RequestMeta{}); err != nil {
		panic(err)
	}
	if err := svc.Drain(ctx); err != nil {
		panic(err)
	}
	fmt.Println(<-sent)
	// Output: reset mail to arthur@camelot.bt
}
