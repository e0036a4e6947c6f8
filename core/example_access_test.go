package core_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// Addresses are one account whatever their case or Unicode spelling: the
// Kelvin sign is K, "é" typed decomposed is "é", "É" is "é".
func ExampleEmailKey() {
	fmt.Println(core.EmailKey("Kelly@Example.com") == core.EmailKey("\u212Aelly@example.com"))
	fmt.Println(core.EmailKey("\u00c9mile@example.com") == core.EmailKey("e\u0301mile@example.com"))
	fmt.Println(core.EmailKey("strasse@example.com") == core.EmailKey("stra\u00dfe@example.com"))
	// Output:
	// true
	// true
	// false
}

// A host route behind the adapter's middleware passes the caller to the
// Service in its RequestMeta: hooks and security events then name who
// acted, and a request made with an impersonation token is held to what
// such a token may do.
func ExampleRequestMeta_WithActor() {
	ctx := context.Background()
	settings := core.DefaultSettings()
	settings.DefaultAdminEmail, settings.DefaultAdminPassword = "root@example.com", "root-password"
	settings.SecretKey = "example-secret-key-0123456789abcdefghij"
	settings.ResetPasswordTokenSecret = "example-reset-secret-0123456789abcdefgh"
	settings.VerificationTokenSecret = "example-verify-secret-0123456789abcdefg"
	svc, err := core.New(memstore.New(), settings, core.WithHasher(password.New(password.TestParams)),
		core.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		panic(err)
	}
	defer svc.Close() // stops the memory store's change-feed subscription
	if err := svc.EnsureDefaultAdmin(ctx); err != nil {
		panic(err)
	}
	user, err := svc.Register(ctx, core.UserCreate{Email: "arthur@camelot.bt", Password: "guinevere"}, core.RequestMeta{})
	if err != nil {
		panic(err)
	}
	sess, err := svc.Login(ctx, "root@example.com", "root-password", core.RequestMeta{})
	if err != nil {
		panic(err)
	}
	admin, err := svc.CurrentUser(ctx, sess.AccessToken, core.AccessSuperuser)
	if err != nil {
		panic(err)
	}
	tok, err := svc.MintImpersonationToken(ctx, admin, user.ID, core.RequestMeta{})
	if err != nil {
		panic(err)
	}
	imp, err := svc.CurrentUser(ctx, tok, core.AccessActive)
	if err != nil {
		panic(err)
	}

	meta := core.RequestMeta{ClientIP: "192.0.2.7"}.WithActor(imp)
	fmt.Println(meta.ActorID == user.ID, meta.ImpersonatedBy == admin.User.ID)
	err = svc.DeleteUser(ctx, user, meta)
	fmt.Println(errors.Is(err, core.ErrForbidden))
	// Output:
	// true true
	// true
}
