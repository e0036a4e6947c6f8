package password

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// argon2Pattern is pwdlib's ARGON2_ENCODED_HASH_REGEX (pwdlib 0.2/0.3): what
// the reference identifies as an argon2 hash.
var argon2Pattern = regexp.MustCompile(`^\$argon2(?:id|i|d)\$(?:v=\d+\$)?m=\d+,t=\d+,p=\d+(?:\$[^$]+(?:\$.+)?)?$`)

// argon2Version is the only argon2 version x/crypto computes (0x13).
const argon2Version = 19

// b64 encodes salts and digests: standard alphabet, no padding, as in
// libargon2's PHC strings.
var b64 = base64.RawStdEncoding

// argon2Hash is a parsed argon2 PHC string.
type argon2Hash struct {
	variant string // "argon2id" or "argon2i"
	version uint32
	memory  uint32
	time    uint32
	threads uint8
	salt    []byte
	key     []byte
}

// derive computes the digest of password with h's variant, parameters and
// salt.
func (h *argon2Hash) derive(password string) []byte {
	keyLen := uint32(len(h.key))
	if h.variant == "argon2i" {
		return argon2.Key([]byte(password), h.salt, h.time, h.memory, h.threads, keyLen)
	}
	return argon2.IDKey([]byte(password), h.salt, h.time, h.memory, h.threads, keyLen)
}

// sameParams reports whether h was made with p as argon2id at version 19,
// the fields argon2-cffi's check_needs_rehash compares.
func (h *argon2Hash) sameParams(p Params) bool {
	return h.variant == "argon2id" && h.version == argon2Version &&
		h.memory == p.Memory && h.time == p.Time && h.threads == p.Threads &&
		len(h.salt) == int(p.SaltLen) && len(h.key) == int(p.KeyLen)
}

// encodeArgon2id formats an argon2id v=19 PHC string.
func encodeArgon2id(p Params, salt, key []byte) string {
	var b strings.Builder
	b.Grow(40 + b64.EncodedLen(len(salt)) + b64.EncodedLen(len(key)))
	b.WriteString("$argon2id$v=19$m=")
	b.WriteString(strconv.FormatUint(uint64(p.Memory), 10))
	b.WriteString(",t=")
	b.WriteString(strconv.FormatUint(uint64(p.Time), 10))
	b.WriteString(",p=")
	b.WriteString(strconv.FormatUint(uint64(p.Threads), 10))
	b.WriteByte('$')
	b.WriteString(b64.EncodeToString(salt))
	b.WriteByte('$')
	b.WriteString(b64.EncodeToString(key))
	return b.String()
}

// parseArgon2 parses a string that matches argon2Pattern and checks it
// against the argon2 rules and lim. Errors wrap ErrUnsupportedHash or
// ErrInvalidHash.
func parseArgon2(s string, lim Limits) (*argon2Hash, error) {
	// s matches argon2Pattern: "$argon2X$[v=N$]m=N,t=N,p=N[$salt[$digest]]".
	fields := strings.Split(s[1:], "$")
	h := &argon2Hash{variant: fields[0]}
	fields = fields[1:]
	switch h.variant {
	case "argon2id", "argon2i":
	default:
		return nil, fmt.Errorf("%w: %s is not implemented", ErrUnsupportedHash, h.variant)
	}

	// libargon2 reads a string without "v=" as version 16.
	h.version = 16
	if v, ok := strings.CutPrefix(fields[0], "v="); ok {
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("%w: version %q", ErrInvalidHash, v)
		}
		h.version = uint32(n)
		fields = fields[1:]
	}
	if h.version != argon2Version {
		return nil, fmt.Errorf("%w: argon2 version %d (only %d is implemented)", ErrUnsupportedHash, h.version, argon2Version)
	}

	if err := h.parseCosts(fields[0], lim); err != nil {
		return nil, err
	}
	// A digest containing '$' (which pwdlib's pattern lets through) splits
	// into more fields; libargon2 rejects it, so do we.
	if len(fields) != 3 {
		return nil, fmt.Errorf("%w: want salt and digest after the parameters", ErrInvalidHash)
	}
	var err error
	if h.salt, err = decodeB64("salt", fields[1], minSaltLen, lim.MaxSaltLen); err != nil {
		return nil, err
	}
	if h.key, err = decodeB64("digest", fields[2], minKeyLen, lim.MaxKeyLen); err != nil {
		return nil, err
	}
	return h, nil
}

// parseCosts reads "m=N,t=N,p=N" (the order argon2Pattern fixes) into h.
func (h *argon2Hash) parseCosts(s string, lim Limits) error {
	var costs [3]uint64 // m, t, p
	for i, f := range strings.SplitN(s, ",", 3) {
		n, err := strconv.ParseUint(f[len("m="):], 10, 32)
		if err != nil {
			return fmt.Errorf("%w: %s out of range", ErrInvalidHash, f)
		}
		costs[i] = n
	}
	m, t, p := costs[0], costs[1], costs[2]
	switch {
	case t < 1:
		return fmt.Errorf("%w: t=%d", ErrInvalidHash, t)
	case p < 1:
		return fmt.Errorf("%w: p=%d", ErrInvalidHash, p)
	case p > 255:
		return fmt.Errorf("%w: p=%d (at most 255 lanes are implemented)", ErrUnsupportedHash, p)
	case m < 8*p:
		return fmt.Errorf("%w: m=%d is less than 8 KiB per lane", ErrInvalidHash, m)
	case m > uint64(lim.MaxMemory):
		return fmt.Errorf("%w: m=%d exceeds the limit %d", ErrUnsupportedHash, m, lim.MaxMemory)
	case t > uint64(lim.MaxTime):
		return fmt.Errorf("%w: t=%d exceeds the limit %d", ErrUnsupportedHash, t, lim.MaxTime)
	}
	h.memory, h.time, h.threads = uint32(m), uint32(t), uint8(p)
	return nil
}

// decodeB64 decodes an unpadded standard base64 field whose decoded length
// must lie in [minLen, maxLen]. Only the 64 alphabet characters are
// accepted (encoding/base64 would skip CR and LF) and the unused low bits of
// the last character must be zero, as libargon2 requires.
func decodeB64(name, s string, minLen, maxLen uint32) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/') {
			return nil, fmt.Errorf("%w: %s is not base64", ErrInvalidHash, name)
		}
	}
	n := b64.DecodedLen(len(s))
	if n < int(minLen) || n > int(maxLen) {
		return nil, fmt.Errorf("%w: %s of %d bytes (want %d to %d)", ErrInvalidHash, name, n, minLen, maxLen)
	}
	out, err := b64.Strict().DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not base64", ErrInvalidHash, name)
	}
	return out, nil
}
