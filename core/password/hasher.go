package password

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"runtime"

	"golang.org/x/crypto/argon2"
)

// Hasher hashes passwords with argon2id and verifies argon2 and bcrypt
// hashes (see the package doc). It implements core.PasswordHasher. Its
// methods are safe for concurrent use. Make one with New; the zero value is
// not usable.
type Hasher struct {
	params Params
	limits Limits
	sem    chan struct{} // one token per running key derivation

	dummySalt, dummyKey []byte // for DummyVerify

	// onWait, when set (by tests), runs when a caller has to wait for a
	// semaphore slot.
	onWait func()
}

// Option configures a Hasher.
type Option func(*Hasher)

// WithMaxConcurrent bounds the number of key derivations (hashes and
// verifications) that run at once; further callers wait for a slot or for
// their context to end. n < 1 selects the default: as many as
// runtime.GOMAXPROCS, but no more than 1 GiB of argon2 memory at the
// hasher's Params, and at least 2.
func WithMaxConcurrent(n int) Option {
	return func(h *Hasher) {
		if n >= 1 {
			h.sem = make(chan struct{}, n)
		}
	}
}

// WithLimits sets the largest costs Verify accepts from a stored hash. A
// zero field keeps DefaultLimits' value; an argon2 limit below the hasher's
// own Params is raised to them.
func WithLimits(l Limits) Option {
	return func(h *Hasher) {
		if l.MaxMemory != 0 {
			h.limits.MaxMemory = l.MaxMemory
		}
		if l.MaxTime != 0 {
			h.limits.MaxTime = l.MaxTime
		}
		if l.MaxSaltLen != 0 {
			h.limits.MaxSaltLen = l.MaxSaltLen
		}
		if l.MaxKeyLen != 0 {
			h.limits.MaxKeyLen = l.MaxKeyLen
		}
		if l.MaxBcryptCost != 0 {
			h.limits.MaxBcryptCost = l.MaxBcryptCost
		}
	}
}

// New returns a Hasher that makes argon2id hashes with p. It panics if p is
// invalid (see Params.Validate): parameters are a programming decision, not
// input.
func New(p Params, opts ...Option) *Hasher {
	if err := p.Validate(); err != nil {
		panic(err)
	}
	h := &Hasher{params: p, limits: DefaultLimits}
	for _, o := range opts {
		o(h)
	}
	h.limits = h.limits.atLeast(p)
	if h.sem == nil {
		h.sem = make(chan struct{}, defaultMaxConcurrent(p))
	}
	h.dummySalt = make([]byte, p.SaltLen)
	h.dummyKey = make([]byte, p.KeyLen)
	return h
}

// defaultMemoryBudget is the argon2 memory, in KiB, that the default
// concurrency bound allows at once (1 GiB).
const defaultMemoryBudget = 1 << 20

// defaultMaxConcurrent is GOMAXPROCS, capped so that the derivations at p
// fit defaultMemoryBudget, and at least 2.
func defaultMaxConcurrent(p Params) int {
	n := min(runtime.GOMAXPROCS(0), int(defaultMemoryBudget/p.Memory))
	return max(n, 2)
}

// Params returns the parameters of the hashes h makes.
func (h *Hasher) Params() Params { return h.params }

// Limits returns the largest costs h accepts from a stored hash.
func (h *Hasher) Limits() Limits { return h.limits }

// MaxConcurrent returns the number of key derivations h runs at once.
func (h *Hasher) MaxConcurrent() int { return cap(h.sem) }

// acquire takes a semaphore slot, or returns ctx.Err() if ctx ends first
// (or has already ended).
func (h *Hasher) acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case h.sem <- struct{}{}:
		return nil
	default:
	}
	if h.onWait != nil {
		h.onWait()
	}
	select {
	case h.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.sem }

// collectThreshold is the derivation memory, in KiB, from which a key
// derivation is followed by a garbage collection (8 MiB).
const collectThreshold = 8 << 10

// collect runs the garbage collector after a derivation that used memKiB
// of argon2 work memory, while the caller still holds its slot. That
// memory (64 MiB at DefaultParams) is garbage the moment the derivation
// returns, but the collector, paced by GOGC, lets the heap grow to twice
// what was live at its last run before it collects again, and with
// derivations in flight that is itself several work areas. Under a flood of
// logins the idle work areas added up to a peak RSS above 400 MiB with two
// slots, and every derivation faulted in fresh pages. Collecting before the
// slot is released lets the next derivation reuse the freed pages: the heap
// stays at about one work area per slot (peak RSS about 160 MiB in the load
// harness), and a derivation took some 150 ms of CPU instead of 270 ms
// (BENCHMARKS.md). The collection itself costs a few milliseconds, most of
// them concurrent, with the kit's small heap.
func collect(memKiB uint32) {
	if memKiB >= collectThreshold {
		runtime.GC()
	}
}

// Hash returns a new argon2id PHC string of password with h's Params and a
// random salt. Its only error is ctx's, when ctx ends while Hash waits for a
// slot.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	defer collect(h.params.Memory)
	return h.hash(password), nil
}

// hash computes a new hash; the caller holds a slot.
func (h *Hasher) hash(password string) string {
	p := h.params
	salt := make([]byte, p.SaltLen)
	_, _ = rand.Read(salt) // never fails (crypto/rand crashes the program instead)
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return encodeArgon2id(p, salt, key)
}

// Verify checks password against the stored hash. ok reports a match. On a
// match newHash is a fresh argon2id hash with h's Params when hash is bcrypt
// or argon2 with another type, version or parameters (argon2-cffi's
// check_needs_rehash), else "". A hash Verify cannot use gives an error that
// matches ErrUnknownHash (see ErrUnsupportedHash and ErrInvalidHash), before
// any key derivation; waiting for a slot can give ctx.Err(). Derived keys are
// compared in constant time.
func (h *Hasher) Verify(ctx context.Context, password, hash string) (ok bool, newHash string, err error) {
	switch {
	case argon2Pattern.MatchString(hash):
		return h.verifyArgon2(ctx, password, hash)
	case bcryptPattern.MatchString(hash):
		return h.verifyBcrypt(ctx, password, hash)
	default:
		return false, "", ErrUnknownHash
	}
}

func (h *Hasher) verifyArgon2(ctx context.Context, password, hash string) (bool, string, error) {
	stored, err := parseArgon2(hash, h.limits)
	if err != nil {
		return false, "", err
	}
	if err := h.acquire(ctx); err != nil {
		return false, "", err
	}
	defer h.release()
	defer collect(max(stored.memory, h.params.Memory))
	if subtle.ConstantTimeCompare(stored.derive(password), stored.key) != 1 {
		return false, "", nil
	}
	if stored.sameParams(h.params) {
		return true, "", nil
	}
	return true, h.hash(password), nil
}

func (h *Hasher) verifyBcrypt(ctx context.Context, password, hash string) (bool, string, error) {
	if err := checkBcrypt(hash, h.limits); err != nil {
		return false, "", err
	}
	if len(password) > bcryptMaxPassword {
		return false, "", nil // bcrypt would ignore the excess bytes: never a silent truncation
	}
	if err := h.acquire(ctx); err != nil {
		return false, "", err
	}
	defer h.release()
	ok, err := compareBcrypt(hash, password)
	if !ok || err != nil {
		return false, "", err
	}
	defer collect(h.params.Memory) // after the upgrade's derivation, before the release
	return true, h.hash(password), nil
}

// DummyVerify spends what Verify spends on a hash with h's current Params
// and returns nothing of it: one argon2id derivation through the same
// semaphore, and a constant-time comparison. A login for an unknown email
// calls it so that the answer takes as long as for a wrong password (the
// reference hashes the password for the same purpose). Its only error is
// ctx's, when ctx ends while it waits for a slot.
func (h *Hasher) DummyVerify(ctx context.Context, password string) error {
	if err := h.acquire(ctx); err != nil {
		return err
	}
	defer h.release()
	defer collect(h.params.Memory)
	p := h.params
	key := argon2.IDKey([]byte(password), h.dummySalt, p.Time, p.Memory, p.Threads, p.KeyLen)
	subtle.ConstantTimeCompare(key, h.dummyKey)
	return nil
}
