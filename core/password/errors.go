package password

import (
	"errors"
	"fmt"
)

// ErrUnknownHash is returned by Verify for a stored hash it cannot use. A
// string in neither pwdlib's argon2 nor its bcrypt format gives ErrUnknownHash
// itself (pwdlib's UnknownHashError); ErrUnsupportedHash and ErrInvalidHash
// wrap it, so errors.Is(err, ErrUnknownHash) holds for every hash-format
// error Verify returns.
var ErrUnknownHash = errors.New("password: unknown hash format")

// ErrUnsupportedHash is returned by Verify for a hash in a recognised format
// that this package does not compute (argon2d, argon2 versions other than 19,
// bcrypt $2x$) or whose cost exceeds the hasher's Limits. It wraps
// ErrUnknownHash.
var ErrUnsupportedHash = fmt.Errorf("%w: unsupported", ErrUnknownHash)

// ErrInvalidHash is returned by Verify for a hash in a recognised format
// whose fields are malformed: missing salt or digest, bad base64, numbers
// out of range, parameters the algorithm forbids (t=0, p=0, m<8p, salt
// shorter than 8 bytes, digest shorter than 4). It wraps ErrUnknownHash.
var ErrInvalidHash = fmt.Errorf("%w: invalid", ErrUnknownHash)
