// Package core is the transport-free heart of zndraw-auth-go: the domain
// types, the Service that implements every operation of zndraw-auth (the
// fastapi-users UserManager plus zndraw's CLI login and admin token
// minting), tokens, the password policy, settings, rate limits and typed
// errors. It imports no HTTP framework and no database driver.
//
// # Layering
//
// An HTTP request travels
//
//	adapter (net/http, gin, fiber) → shared route table (httpapi) → core.Service → core.Store
//
// The adapters and the route table translate requests and map errors; the
// business rules live here, once. The Service persists through the Store
// interface (UserStore, ChallengeStore, RevocationStore, RateLimitStore),
// implemented by storage/memory, storage/bun or your own store (prove it
// with storage/storagetest). Everything the Service needs from outside is
// injected with an Option: the Hooks (lifecycle callbacks, see package
// hooks), the PasswordHasher (package core/password), the Clock and the
// slog.Logger.
//
// # Token checks, caches and the change feed
//
// CurrentUser answers repeated checks of a token from bounded caches
// (verified tokens, revocation answers, user state). Changes made through
// the Service apply to its own caches at once. How fast changes made
// elsewhere (another instance, another program writing the database,
// host code calling the Store) apply depends on the store:
//
//   - A store that implements ChangeFeed (storage/memory, storage/bun on
//     PostgreSQL or a SQLite file) tells the Service about every change;
//     while the subscription is live the caches are trusted without an
//     age limit, so checks need no store read, and a change applies as
//     soon as its event arrives (milliseconds). While the subscription is
//     down every check reads the store, and when it is back the caches are
//     dropped. New subscribes in the background; Close ends it.
//   - Any other store: a logout applies at once, other changes within
//     Settings.UserCacheTTL.
//   - Settings.UserCacheTTL = 0: every check reads the store, feed or not.
//
// Superuser access always reads the store. ChangeFeedStatus reports the
// subscription's state for health checks.
//
// # Errors
//
// Operations report zndraw-auth's errors as *Error values with a Code (compare
// with errors.Is against ErrBadCredentials, ErrUnauthorized, and the other
// Err* values); an invalid address is an *InvalidEmailError; a store
// outage is ErrServiceUnavailable, so callers fail closed. Anything else is
// an internal error.
//
// # Smallest use
//
// With memstore "github.com/zincware/zndraw-auth-go/storage/memory" (see
// the package example for the complete program):
//
//	svc, err := core.New(memstore.New(), core.DefaultSettings())
//	if err != nil { ... }
//	defer svc.Close() // ends the subscription to the store's change feed
//	_, err = svc.Register(ctx, core.UserCreate{Email: "king.arthur@camelot.bt", Password: "guinevere"}, core.RequestMeta{})
//	sess, err := svc.Login(ctx, "king.arthur@camelot.bt", "guinevere", core.RequestMeta{})
//	p, err := svc.CurrentUser(ctx, sess.AccessToken, core.AccessActive)
//	fmt.Println(p.User.Email)
//
// DefaultSettings is dev mode: no default admin, public default secrets
// (only a warning), and every user who registers becomes a superuser, as in
// zndraw-auth. For production, set DefaultAdminEmail (and
// DefaultAdminPassword) and random secrets of at least 32 bytes, usually
// with LoadSettingsFromEnv, and call EnsureDefaultAdmin at startup.
package core
