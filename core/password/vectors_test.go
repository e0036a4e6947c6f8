package password_test

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/zincware/zndraw-auth-go/core/password"
)

// vector is one entry of testdata/vectors.json: a hash made by another
// implementation (see each entry's generator and command).
type vector struct {
	Name      string `json:"name"`
	Password  string `json:"password"`
	Hash      string `json:"hash"`
	Current   bool   `json:"current"`
	Expect    string `json:"expect"`
	Generator string `json:"generator"`
	Command   string `json:"command"`
}

func loadVectors(t *testing.T) []vector {
	t.Helper()
	b, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ Vectors []vector }
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Vectors) < 10 {
		t.Fatalf("only %d vectors", len(f.Vectors))
	}
	return f.Vectors
}

// skipWrongPassword names the vectors whose wrong-password check would only
// repeat, at a high cost, a check of a cheaper vector of the same kind (a
// real-params argon2id derivation or a cost-10 bcrypt takes about a second
// under -race).
var skipWrongPassword = map[string]bool{
	"argon2id-default-cffi-unicode": true, // argon2id-default-cli covers it
	"bcrypt-2y-htpasswd-cost10":     true, // bcrypt-2y-htpasswd-cost5 covers it
}

// TestForeignVectors verifies hashes made by libargon2 (argon2 CLI and
// argon2-cffi), pyca bcrypt and htpasswd. Hashes at DefaultParams are
// checked by a DefaultParams hasher, which must not ask for a rehash (three
// derivations at the real parameters); the others by a TestParams hasher,
// which must return a fresh hash at its own parameters.
func TestForeignVectors(t *testing.T) {
	current := password.New(password.DefaultParams)
	cheap := password.New(password.TestParams)
	for _, v := range loadVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			h := cheap
			if v.Current {
				h = current
			}
			ok, newHash, err := h.Verify(ctx, v.Password, v.Hash)
			switch v.Expect {
			case "unsupported":
				if ok || !errors.Is(err, password.ErrUnsupportedHash) {
					t.Fatalf("Verify = %v, %v; want false, ErrUnsupportedHash", ok, err)
				}
				return
			case "match":
			default:
				t.Fatalf("bad expect %q", v.Expect)
			}
			if !ok || err != nil {
				t.Fatalf("Verify(right password) = %v, %v; want true, nil", ok, err)
			}
			if v.Current {
				if newHash != "" {
					t.Errorf("newHash = %q; want none for a hash at the current params", newHash)
				}
			} else {
				if !strings.HasPrefix(newHash, "$argon2id$v=19$m=64,t=1,p=1$") {
					t.Errorf("newHash = %q; want argon2id at TestParams", newHash)
				}
				if ok, again, err := h.Verify(ctx, v.Password, newHash); !ok || again != "" || err != nil {
					t.Errorf("Verify(newHash) = %v, %q, %v", ok, again, err)
				}
			}
			if skipWrongPassword[v.Name] {
				return
			}
			wrong := v.Password[:len(v.Password)-1]
			if ok, newHash, err := h.Verify(ctx, wrong, v.Hash); ok || newHash != "" || err != nil {
				t.Errorf("Verify(wrong password) = %v, %q, %v; want false, \"\", nil", ok, newHash, err)
			}
		})
	}
}

// TestBcryptLongPasswords: bcrypt reads only 72 bytes, so a longer password
// would match a hash of its first 72 bytes. Verify refuses it.
func TestBcryptLongPasswords(t *testing.T) {
	var v72 vector
	for _, v := range loadVectors(t) {
		if v.Name == "bcrypt-2b-pyca-72-bytes" {
			v72 = v
		}
	}
	if len(v72.Password) != 72 {
		t.Fatalf("72-byte vector missing: %+v", v72)
	}
	h := password.New(password.TestParams)
	tests := []struct {
		name, pw string
		ok       bool
	}{
		{"72 bytes", v72.Password, true},
		{"73 bytes", v72.Password + "x", false},
		{"200 bytes", v72.Password + strings.Repeat("y", 128), false},
		{"4-byte runes past 72", v72.Password + "🔑", false},
		{"NUL appended", v72.Password[:71] + "\x00", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, newHash, err := h.Verify(ctx, tt.pw, v72.Hash)
			if ok != tt.ok || err != nil || (newHash != "") != tt.ok {
				t.Fatalf("Verify = %v, %q, %v; want ok %v, nil error", ok, newHash, err, tt.ok)
			}
		})
	}
}

// TestBcryptNulIsNotATerminator: C bcrypt stops at a NUL byte; x/crypto
// does not, so "pw\x00more" must not match a hash of "pw".
func TestBcryptNulIsNotATerminator(t *testing.T) {
	const hash = "$2b$05$RHoS9O6OHQQeBipE1Z25peslFfkllH4evBRKQA4zk10wpM79IPs3S" // "bcrypt-2b-password"
	h := password.New(password.TestParams)
	if ok, _, err := h.Verify(ctx, "bcrypt-2b-password\x00more", hash); ok || err != nil {
		t.Fatalf("Verify = %v, %v; want false, nil", ok, err)
	}
}
