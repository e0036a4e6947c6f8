package password

import "fmt"

// Params are the argon2id parameters of new hashes. A stored argon2 hash
// with other parameters (or argon2i) is upgraded after a successful Verify.
type Params struct {
	// Memory is the memory cost in KiB (argon2's m).
	Memory uint32
	// Time is the number of passes (argon2's t).
	Time uint32
	// Threads is the degree of parallelism (argon2's p). It changes the
	// result, not only the speed.
	Threads uint8
	// SaltLen is the length in bytes of the random salt.
	SaltLen uint32
	// KeyLen is the length in bytes of the digest.
	KeyLen uint32
}

// DefaultParams are argon2-cffi 25.1's defaults, which pwdlib and so the
// Python reference use (RFC 9106's second recommended option): 64 MiB,
// three passes, four lanes, 16-byte salt, 32-byte digest. A hash takes
// about 150 ms of CPU and 64 MiB of memory.
var DefaultParams = Params{Memory: 65536, Time: 3, Threads: 4, SaltLen: 16, KeyLen: 32}

// TestParams are the cheapest valid argon2id parameters (64 KiB, one pass,
// one lane; a hash takes well under a millisecond). They are for tests only:
// they give no protection to a stolen hash.
var TestParams = Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// Bounds that the argon2 reference implementation enforces.
const (
	minSaltLen = 8
	minKeyLen  = 4
)

// Validate reports whether p are parameters argon2 accepts: Time and Threads
// at least 1, Memory at least 8 KiB per lane, SaltLen at least 8 and KeyLen
// at least 4.
func (p Params) Validate() error {
	switch {
	case p.Time < 1:
		return fmt.Errorf("password: argon2 time %d < 1", p.Time)
	case p.Threads < 1:
		return fmt.Errorf("password: argon2 threads %d < 1", p.Threads)
	case uint64(p.Memory) < 8*uint64(p.Threads):
		return fmt.Errorf("password: argon2 memory %d KiB < 8 KiB per lane (%d lanes)", p.Memory, p.Threads)
	case p.SaltLen < minSaltLen:
		return fmt.Errorf("password: salt length %d < %d", p.SaltLen, minSaltLen)
	case p.KeyLen < minKeyLen:
		return fmt.Errorf("password: key length %d < %d", p.KeyLen, minKeyLen)
	}
	return nil
}

// Limits bound the cost that Verify accepts from a stored hash, so that a
// corrupt or hostile row cannot make the process allocate gigabytes or spin
// for hours. A hash above them gives ErrUnsupportedHash before any work.
type Limits struct {
	// MaxMemory is the largest argon2 m, in KiB.
	MaxMemory uint32
	// MaxTime is the largest argon2 t.
	MaxTime uint32
	// MaxSaltLen and MaxKeyLen bound the decoded salt and digest, in bytes.
	MaxSaltLen, MaxKeyLen uint32
	// MaxBcryptCost is the largest bcrypt cost (log2 of the rounds).
	MaxBcryptCost int
}

// DefaultLimits accept 16 times the memory of DefaultParams (1 GiB), 10
// times its passes, salts and digests up to 1 KiB and bcrypt costs up to 16
// (about five seconds). New raises a limit that is below the hasher's own
// Params to them.
var DefaultLimits = Limits{
	MaxMemory:     1 << 20,
	MaxTime:       30,
	MaxSaltLen:    1024,
	MaxKeyLen:     1024,
	MaxBcryptCost: 16,
}

// atLeast returns l with each argon2 limit raised to p's value where it is
// lower, so that hashes made with p always verify.
func (l Limits) atLeast(p Params) Limits {
	l.MaxMemory = max(l.MaxMemory, p.Memory)
	l.MaxTime = max(l.MaxTime, p.Time)
	l.MaxSaltLen = max(l.MaxSaltLen, p.SaltLen)
	l.MaxKeyLen = max(l.MaxKeyLen, p.KeyLen)
	return l
}
