package core

import "context"

// PasswordHasher hashes and verifies passwords. The default is
// password.New(password.DefaultParams) (argon2id, byte-compatible with
// pwdlib); tests inject cheaper parameters.
type PasswordHasher interface {
	// Hash returns a new PHC hash of password.
	Hash(ctx context.Context, password string) (string, error)
	// Verify checks password against hash. ok reports a match; when it
	// matches and the hash should be upgraded (bcrypt, or other parameters
	// than the current ones) newHash is a fresh hash to store, else "".
	// An unrecognised hash format returns an error (never a panic).
	Verify(ctx context.Context, password, hash string) (ok bool, newHash string, err error)
}
