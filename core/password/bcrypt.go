package password

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"

	"golang.org/x/crypto/bcrypt"
)

// bcryptPattern is pwdlib's bcrypt pattern: what the reference identifies
// as a bcrypt hash.
var bcryptPattern = regexp.MustCompile(`^\$(?:2a|2b|2x|2y)\$\d{2}\$[./A-Za-z0-9]{53}$`)

// bcryptMaxPassword is the number of password bytes bcrypt uses; it ignores
// the rest.
const bcryptMaxPassword = 72

// checkBcrypt checks a string that matches bcryptPattern against lim.
// $2a$, $2b$ and $2y$ name the same algorithm for passwords of at most 72
// bytes (x/crypto computes all three alike); $2x$ is crypt_blowfish's
// emulation of its old sign-extension bug, which x/crypto does not
// implement.
func checkBcrypt(s string, lim Limits) error {
	if s[2] == 'x' {
		return fmt.Errorf("%w: bcrypt $2x$", ErrUnsupportedHash)
	}
	cost, _ := strconv.Atoi(s[4:6]) // two ASCII digits, by the pattern
	switch {
	case cost < bcrypt.MinCost:
		return fmt.Errorf("%w: bcrypt cost %d < %d", ErrInvalidHash, cost, bcrypt.MinCost)
	case cost > lim.MaxBcryptCost:
		return fmt.Errorf("%w: bcrypt cost %d exceeds the limit %d", ErrUnsupportedHash, cost, lim.MaxBcryptCost)
	}
	return nil
}

// compareBcrypt reports whether password matches the bcrypt hash s, which
// checkBcrypt accepted. The caller rejects passwords longer than
// bcryptMaxPassword, whose excess bytes x/crypto would ignore.
func compareBcrypt(s, password string) (bool, error) {
	err := bcrypt.CompareHashAndPassword([]byte(s), []byte(password))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, bcrypt.ErrMismatchedHashAndPassword):
		return false, nil
	default:
		return false, fmt.Errorf("%w: bcrypt: %v", ErrInvalidHash, err)
	}
}
