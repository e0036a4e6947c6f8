package conformance

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/zincware/zndraw-auth-go/core"
)

var metaZero core.RequestMeta

func testUser(email string) core.User { return core.User{ID: uuid.New(), Email: email} }

func TestObjectKeys(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{`{"b":1,"a":{"x":[1,2]},"c":null}`, []string{"b", "a", "c"}, false},
		{`{}`, nil, false},
		{`[]`, nil, true},
		{`null`, nil, true},
		{`{"a":`, nil, true},
	}
	for _, tc := range tests {
		got, err := objectKeys([]byte(tc.in))
		if (err != nil) != tc.wantErr || !slices.Equal(got, tc.want) {
			t.Errorf("objectKeys(%s) = %v, %v; want %v (error %v)", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestValidationItems(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		wantErr string
	}{
		{"fastapi", `{"detail":[{"type":"missing","loc":["body","email"],"msg":"Field required","input":null}]}`, ""},
		{"with ctx", `{"detail":[{"type":"json_invalid","loc":["body",3],"msg":"JSON decode error","input":{},"ctx":{"error":"x"}}]}`, ""},
		{"string detail", `{"detail":"bad"}`, "not a list"},
		{"empty list", `{"detail":[]}`, "empty"},
		{"extra top-level key", `{"detail":[],"x":1}`, "only"},
		{"missing input", `{"detail":[{"type":"missing","loc":["body"],"msg":"Field required"}]}`, "keys"},
		{"url key", `{"detail":[{"type":"missing","loc":["body"],"msg":"m","input":null,"url":"u"}]}`, "keys"},
		{"wrong order", `{"detail":[{"loc":["body"],"type":"missing","msg":"m","input":null}]}`, "keys"},
		{"empty loc", `{"detail":[{"type":"missing","loc":[],"msg":"m","input":null}]}`, "empty"},
		{"object in loc", `{"detail":[{"type":"missing","loc":[{}],"msg":"m","input":null}]}`, "loc element"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := validationItems([]byte(tc.body))
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("err = %v, want %q", err, tc.wantErr)
			}
		})
	}
}

func TestForgeAndDecode(t *testing.T) {
	claims := map[string]any{"sub": "s", "aud": []string{"fastapi-users:auth"}, "exp": 123}
	for _, alg := range []string{"HS256", "HS512", "none"} {
		tok := forge(alg, []byte("key"), map[string]any{"kid": "k"}, claims)
		p, err := decodeJWT(tok)
		if err != nil {
			t.Fatalf("%s: %v", alg, err)
		}
		if p.header["alg"] != alg || p.header["kid"] != "k" || p.claims["sub"] != "s" {
			t.Errorf("%s: decoded %v %v", alg, p.header, p.claims)
		}
		if exp, ok := p.intClaim("exp"); !ok || exp != 123 {
			t.Errorf("%s: exp %v", alg, p.claims["exp"])
		}
		if sig := tok[strings.LastIndexByte(tok, '.')+1:]; (alg == "none") != (sig == "") {
			t.Errorf("%s: signature %q", alg, sig)
		}
	}
	// The signature depends on the key.
	a, b := forge("HS256", []byte("k1"), nil, claims), forge("HS256", []byte("k2"), nil, claims)
	if a == b {
		t.Errorf("the key does not change the signature")
	}
	for _, bad := range []string{"a.b", "!!.e30.x", "e30.!!.x", "bnVsbA.e30.x"} {
		if _, err := decodeJWT(bad); err == nil {
			t.Errorf("decodeJWT(%q) succeeded", bad)
		}
	}
}

func TestRandomFixtures(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		id := randomUUID()
		u, err := uuid.Parse(id)
		if err != nil || u.Version() != 4 || !uuidPattern.MatchString(id) || seen[id] {
			t.Fatalf("randomUUID() = %q", id)
		}
		seen[id] = true
	}
	c := &caseT{}
	e := c.newEmail("x")
	if !strings.HasPrefix(e, "conf-") || !strings.HasSuffix(e, "-x@example.com") || e == c.newEmail("x") {
		t.Errorf("newEmail = %q", e)
	}
	if p := newPassword(); len(p) < 8 {
		t.Errorf("newPassword = %q is shorter than the policy allows", p)
	}
	if got := detailBody(`a "quoted" <b>`); !json.Valid([]byte(got)) {
		t.Errorf("detailBody = %s", got)
	}
	if got := describe("GET", "/auth/cli-login/ABC?secret=s3cr3t&x=1"); strings.Contains(got, "s3cr3t") {
		t.Errorf("describe leaks the secret: %s", got)
	}
}
