package core_test

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// The smallest complete program: an in-memory store, a Service in dev mode,
// and a user who registers, logs in and is resolved from the token.
func Example() {
	ctx := context.Background()
	svc, err := core.New(memstore.New(), core.DefaultSettings(),
		core.WithHasher(password.New(password.TestParams)), // cheap hashing, for examples and tests only
		core.WithLogger(slog.New(slog.DiscardHandler)),
	)
	if err != nil {
		panic(err)
	}
	defer svc.Close() // the memory store has a change feed: stop the subscription when done

	_, err = svc.Register(ctx, core.UserCreate{Email: "King.Arthur@Camelot.BT", Password: "guinevere"}, core.RequestMeta{})
	if err != nil {
		panic(err)
	}
	sess, err := svc.Login(ctx, "king.arthur@camelot.bt", "guinevere", core.RequestMeta{})
	if err != nil {
		panic(err)
	}
	p, err := svc.CurrentUser(ctx, sess.AccessToken, core.AccessActive)
	if err != nil {
		panic(err)
	}
	fmt.Println(p.User.Email, p.User.IsSuperuser)
	// Output: King.Arthur@camelot.bt true
}
