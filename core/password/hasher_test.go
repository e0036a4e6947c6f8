package password_test

import (
	"context"
	"encoding/base64"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/zincware/zndraw-auth-go/core/password"
)

// phcPattern is the exact shape of a new hash: argon2id, v=19, standard
// base64 without padding.
var phcPattern = regexp.MustCompile(`^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$`)

var ctx = context.Background()

// mustHash hashes pw with h or fails the test.
func mustHash(t *testing.T, h *password.Hasher, pw string) string {
	t.Helper()
	s, err := h.Hash(ctx, pw)
	if err != nil {
		t.Fatalf("Hash(%q): %v", pw, err)
	}
	return s
}

// TestHashDefaultParamsFormat is the only test that hashes at the real
// parameters (about 0.25 s, 0.5 s under -race).
func TestHashDefaultParamsFormat(t *testing.T) {
	h := password.New(password.DefaultParams)
	s := mustHash(t, h, "correct horse battery staple")
	if !strings.HasPrefix(s, "$argon2id$v=19$m=65536,t=3,p=4$") {
		t.Errorf("prefix of %q", s)
	}
	if len(s) != 97 {
		t.Errorf("len(%q) = %d, want 97", s, len(s))
	}
	m := phcPattern.FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("%q does not match %v", s, phcPattern)
	}
	for i, want := range map[int]int{4: 16, 5: 32} {
		b, err := base64.RawStdEncoding.Strict().DecodeString(m[i])
		if err != nil || len(b) != want {
			t.Errorf("field %d = %q: %d bytes, err %v; want %d bytes", i, m[i], len(b), err, want)
		}
	}
}

func TestHashRoundTrip(t *testing.T) {
	h := password.New(password.TestParams)
	for _, pw := range []string{
		"",
		"a",
		"correct horse battery staple",
		"pässwörd 🔑 ünïcode",
		"e\u0301", // decomposed é: must not equal the composed form
		"with\x00nul",
		strings.Repeat("x", 73),
		strings.Repeat("🔑", 50), // 200 bytes
		strings.Repeat("long", 1024),
	} {
		s := mustHash(t, h, pw)
		if !phcPattern.MatchString(s) || !strings.HasPrefix(s, "$argon2id$v=19$m=64,t=1,p=1$") {
			t.Errorf("Hash(%q) = %q: bad format", pw, s)
		}
		ok, newHash, err := h.Verify(ctx, pw, s)
		if !ok || newHash != "" || err != nil {
			t.Errorf("Verify(%q, own hash) = %v, %q, %v; want true, \"\", nil", pw, ok, newHash, err)
		}
		wrong := []string{pw + "x", "x" + pw, strings.ToUpper(pw) + "A"}
		if pw != "" {
			wrong = append(wrong, pw[:len(pw)-1])
		}
		if pw == "e\u0301" {
			wrong = append(wrong, "\u00e9")
		}
		for _, w := range wrong {
			if ok, newHash, err := h.Verify(ctx, w, s); ok || newHash != "" || err != nil {
				t.Errorf("Verify(%q, hash of %q) = %v, %q, %v; want false, \"\", nil", w, pw, ok, newHash, err)
			}
		}
	}
}

func TestHashUsesFreshSalt(t *testing.T) {
	h := password.New(password.TestParams)
	a, b := mustHash(t, h, "same"), mustHash(t, h, "same")
	if a == b {
		t.Fatalf("two hashes of one password are equal: %q", a)
	}
}

func TestVerifyRehashesOtherParams(t *testing.T) {
	cur := password.TestParams
	h := password.New(cur)
	with := func(f func(*password.Params)) password.Params {
		p := cur
		f(&p)
		return p
	}
	tests := []struct {
		name   string
		params password.Params
		rehash bool
	}{
		{"same", cur, false},
		{"memory", with(func(p *password.Params) { p.Memory = 128 }), true},
		{"time", with(func(p *password.Params) { p.Time = 2 }), true},
		{"threads", with(func(p *password.Params) { p.Threads = 2 }), true},
		{"salt length", with(func(p *password.Params) { p.SaltLen = 8 }), true},
		{"key length", with(func(p *password.Params) { p.KeyLen = 16 }), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := mustHash(t, password.New(tt.params), "pw")
			ok, newHash, err := h.Verify(ctx, "pw", old)
			if !ok || err != nil {
				t.Fatalf("Verify = %v, %v; want true, nil", ok, err)
			}
			if (newHash != "") != tt.rehash {
				t.Fatalf("newHash = %q; want a rehash: %v", newHash, tt.rehash)
			}
			if !tt.rehash {
				return
			}
			if !strings.HasPrefix(newHash, "$argon2id$v=19$m=64,t=1,p=1$") {
				t.Errorf("newHash %q is not at the current params", newHash)
			}
			ok, again, err := h.Verify(ctx, "pw", newHash)
			if !ok || again != "" || err != nil {
				t.Errorf("Verify(newHash) = %v, %q, %v; want true, \"\", nil", ok, again, err)
			}
			if ok, _, _ := h.Verify(ctx, "px", old); ok {
				t.Error("wrong password matched")
			}
		})
	}
}

func TestVerifyNoRehashOnMismatch(t *testing.T) {
	old := mustHash(t, password.New(password.Params{Memory: 128, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}), "pw")
	ok, newHash, err := password.New(password.TestParams).Verify(ctx, "wrong", old)
	if ok || newHash != "" || err != nil {
		t.Fatalf("Verify = %v, %q, %v; want false, \"\", nil", ok, newHash, err)
	}
}

// validTest is a well-formed argon2id hash of "pw" at TestParams.
const validTest = "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQxNmJ5dGVzIQ$QYgpRzwPkJST8qKv6CoV3mZmuUrLQoo2UdllNlyMryo"

func TestVerifyRejectsBadHashes(t *testing.T) {
	const salt, digest = "c29tZXNhbHQxNmJ5dGVzIQ", "QYgpRzwPkJST8qKv6CoV3mZmuUrLQoo2UdllNlyMryo"
	a := func(params string) string { return "$argon2id$v=19$" + params + "$" + salt + "$" + digest }
	const bcryptTail = "$RHoS9O6OHQQeBipE1Z25peslFfkllH4evBRKQA4zk10wpM79IPs3S"
	tests := []struct {
		name, hash string
		want       error
	}{
		{"empty", "", password.ErrUnknownHash},
		{"plain", "plain", password.ErrUnknownHash},
		{"plaintext password", "correct horse battery staple", password.ErrUnknownHash},
		{"md5 crypt", "$1$saltsalt$qjXMvbEw8oaL.CzflDugX/", password.ErrUnknownHash},
		{"scrypt", "$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E", password.ErrUnknownHash},
		{"argon2 name only", "$argon2id$", password.ErrUnknownHash},
		{"argon2 leading space", " " + validTest, password.ErrUnknownHash},
		{"argon2 trailing newline", validTest + "\n", password.ErrUnknownHash},
		{"argon2 costs reordered", "$argon2id$v=19$t=1,m=64,p=1$" + salt + "$" + digest, password.ErrUnknownHash},
		{"argon2 keyid", a("m=64,t=1,p=1,keyid=abc"), password.ErrUnknownHash},
		{"argon2 negative m", a("m=-64,t=1,p=1"), password.ErrUnknownHash},
		{"argon2d", "$argon2d$v=19$m=64,t=1,p=1$" + salt + "$" + digest, password.ErrUnsupportedHash},
		{"argon2id v=16", "$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + digest, password.ErrUnsupportedHash},
		{"argon2id without version (v=16)", "$argon2id$m=64,t=1,p=1$" + salt + "$" + digest, password.ErrUnsupportedHash},
		{"argon2id v=20", "$argon2id$v=20$m=64,t=1,p=1$" + salt + "$" + digest, password.ErrUnsupportedHash},
		{"huge version", "$argon2id$v=99999999999$m=64,t=1,p=1$" + salt + "$" + digest, password.ErrInvalidHash},
		{"m 4 GiB", a("m=4194304,t=1,p=1"), password.ErrUnsupportedHash},
		{"m max uint32", a("m=4294967295,t=1,p=1"), password.ErrUnsupportedHash},
		{"m beyond uint32", a("m=4294967296,t=1,p=1"), password.ErrInvalidHash},
		{"m 30 digits", a("m=999999999999999999999999999999,t=1,p=1"), password.ErrInvalidHash},
		{"t huge", a("m=64,t=1000000,p=1"), password.ErrUnsupportedHash},
		{"t zero", a("m=64,t=0,p=1"), password.ErrInvalidHash},
		{"p zero", a("m=64,t=1,p=0"), password.ErrInvalidHash},
		{"p 256", a("m=4096,t=1,p=256"), password.ErrUnsupportedHash},
		{"m below 8 per lane", a("m=15,t=1,p=2"), password.ErrInvalidHash},
		{"no salt", "$argon2id$v=19$m=64,t=1,p=1", password.ErrInvalidHash},
		{"no digest", "$argon2id$v=19$m=64,t=1,p=1$" + salt, password.ErrInvalidHash},
		{"empty digest", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$", password.ErrUnknownHash},
		{"digest with $", validTest + "$extra", password.ErrInvalidHash},
		{"salt 4 bytes", "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$" + digest, password.ErrInvalidHash},
		{"salt 2 KiB", "$argon2id$v=19$m=64,t=1,p=1$" + strings.Repeat("A", 2731) + "$" + digest, password.ErrInvalidHash},
		{"digest 3 bytes", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$QUJD", password.ErrInvalidHash},
		{"digest 4 KiB", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + strings.Repeat("A", 5462), password.ErrInvalidHash},
		{"salt padded", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "==$" + digest, password.ErrInvalidHash},
		{"salt url alphabet", "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQxNmJ5dGV-_Q$" + digest, password.ErrInvalidHash},
		{"salt with newline", "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQx\nNmJ5dGVzIQ$" + digest, password.ErrInvalidHash},
		{"salt impossible length", "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQxNmJ5dGVzI$" + digest, password.ErrInvalidHash},
		{"salt non-canonical bits", "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQxNmJ5dGVzIR$" + digest, password.ErrInvalidHash},
		{"bcrypt 2x", "$2x$05" + bcryptTail, password.ErrUnsupportedHash},
		{"bcrypt 2c", "$2c$05" + bcryptTail, password.ErrUnknownHash},
		{"bcrypt no minor", "$2$05" + bcryptTail, password.ErrUnknownHash},
		{"bcrypt cost 3", "$2b$03" + bcryptTail, password.ErrInvalidHash},
		{"bcrypt cost 31", "$2b$31" + bcryptTail, password.ErrUnsupportedHash},
		{"bcrypt cost 17", "$2b$17" + bcryptTail, password.ErrUnsupportedHash},
		{"bcrypt one digit cost", "$2b$5" + bcryptTail, password.ErrUnknownHash},
		{"bcrypt truncated", "$2b$05" + bcryptTail[:len(bcryptTail)-1], password.ErrUnknownHash},
		{"bcrypt too long", "$2b$05" + bcryptTail + "A", password.ErrUnknownHash},
		{"bcrypt bad char", "$2b$05" + bcryptTail[:20] + "+" + bcryptTail[21:], password.ErrUnknownHash},
	}
	h := password.New(password.TestParams)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, newHash, err := h.Verify(ctx, "pw", tt.hash)
			if ok || newHash != "" {
				t.Errorf("Verify = %v, %q; want false, \"\"", ok, newHash)
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("err = %v; want %v", err, tt.want)
			}
			if !errors.Is(err, password.ErrUnknownHash) {
				t.Errorf("err = %v does not match ErrUnknownHash", err)
			}
			if tt.want == password.ErrUnknownHash && err != password.ErrUnknownHash {
				t.Errorf("err = %v; want exactly ErrUnknownHash (format not recognised)", err)
			}
		})
	}
}

// TestVerifyTruncations feeds every prefix of a valid hash to Verify. None
// may match or panic; those cut before the digest must be errors. (A cut
// inside the digest leaves a well-formed hash with a shorter digest, which
// is a plain mismatch, as with libargon2.)
func TestVerifyTruncations(t *testing.T) {
	h := password.New(password.TestParams)
	full := mustHash(t, h, "pw")
	digestAt := strings.LastIndexByte(full, '$') + 1
	for i := range len(full) {
		s := full[:i]
		ok, newHash, err := h.Verify(ctx, "pw", s)
		if ok || newHash != "" {
			t.Errorf("Verify(%q) = %v, %q; want no match", s, ok, newHash)
		}
		if i < digestAt+6 && err == nil { // a digest under 4 bytes is invalid
			t.Errorf("Verify(%q): no error", s)
		}
		if err != nil && !errors.Is(err, password.ErrUnknownHash) {
			t.Errorf("Verify(%q) = %v: not ErrUnknownHash", s, err)
		}
	}
}

func TestLimitsConfigurable(t *testing.T) {
	stored := mustHash(t, password.New(password.Params{Memory: 256, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}), "pw")
	tests := []struct {
		name   string
		limits password.Limits
		want   error
	}{
		{"defaults", password.Limits{}, nil},
		{"memory", password.Limits{MaxMemory: 128}, password.ErrUnsupportedHash},
		{"time", password.Limits{MaxTime: 1}, password.ErrUnsupportedHash},
		{"salt", password.Limits{MaxSaltLen: 12}, password.ErrInvalidHash},
		{"key", password.Limits{MaxKeyLen: 16}, password.ErrInvalidHash},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := password.TestParams
			p.SaltLen, p.KeyLen = 8, 8 // so that the small limits stay in force
			h := password.New(p, password.WithLimits(tt.limits))
			ok, _, err := h.Verify(ctx, "pw", stored)
			if !errors.Is(err, tt.want) || ok != (tt.want == nil) {
				t.Fatalf("Verify = %v, %v; want ok %v, err %v", ok, err, tt.want == nil, tt.want)
			}
		})
	}
}

func TestLimitsRaisedToParams(t *testing.T) {
	p := password.Params{Memory: 256, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}
	h := password.New(p, password.WithLimits(password.Limits{MaxMemory: 64, MaxTime: 1, MaxSaltLen: 8, MaxKeyLen: 8, MaxBcryptCost: 4}))
	want := password.Limits{MaxMemory: 256, MaxTime: 2, MaxSaltLen: 16, MaxKeyLen: 32, MaxBcryptCost: 4}
	if got := h.Limits(); got != want {
		t.Fatalf("Limits() = %+v; want %+v", got, want)
	}
	if ok, _, err := h.Verify(ctx, "pw", mustHash(t, h, "pw")); !ok || err != nil {
		t.Fatalf("own hash: %v, %v", ok, err)
	}
}

func TestParamsValidate(t *testing.T) {
	tests := []struct {
		p     password.Params
		valid bool
	}{
		{password.DefaultParams, true},
		{password.TestParams, true},
		{password.Params{Memory: 8, Time: 1, Threads: 1, SaltLen: 8, KeyLen: 4}, true},
		{password.Params{Memory: 64, Time: 0, Threads: 1, SaltLen: 16, KeyLen: 32}, false},
		{password.Params{Memory: 64, Time: 1, Threads: 0, SaltLen: 16, KeyLen: 32}, false},
		{password.Params{Memory: 15, Time: 1, Threads: 2, SaltLen: 16, KeyLen: 32}, false},
		{password.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 7, KeyLen: 32}, false},
		{password.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 3}, false},
	}
	for _, tt := range tests {
		err := tt.p.Validate()
		if (err == nil) != tt.valid {
			t.Errorf("%+v.Validate() = %v; want valid %v", tt.p, err, tt.valid)
		}
		func() {
			defer func() {
				if r := recover(); (r == nil) != tt.valid {
					t.Errorf("New(%+v) panic = %v; want panic %v", tt.p, r, !tt.valid)
				}
			}()
			password.New(tt.p)
		}()
	}
}

func TestDummyVerify(t *testing.T) {
	h := password.New(password.TestParams)
	if err := h.DummyVerify(ctx, "anything"); err != nil {
		t.Fatalf("DummyVerify: %v", err)
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if err := h.DummyVerify(done, "anything"); !errors.Is(err, context.Canceled) {
		t.Fatalf("DummyVerify(cancelled ctx) = %v; want context.Canceled", err)
	}
}
