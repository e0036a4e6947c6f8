package conformance

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash"
	"strings"
)

// jwtParts is a token decoded without verification.
type jwtParts struct {
	header    map[string]any
	claims    map[string]any
	claimKeys []string // in the order of the payload
}

// decodeJWT decodes a compact JWS without checking its signature; numbers
// stay json.Number.
func decodeJWT(tok string) (jwtParts, error) {
	seg := strings.Split(tok, ".")
	if len(seg) != 3 {
		return jwtParts{}, fmt.Errorf("%d segments, want 3", len(seg))
	}
	var p jwtParts
	for i, dst := range []*map[string]any{&p.header, &p.claims} {
		raw, err := base64.RawURLEncoding.DecodeString(seg[i])
		if err != nil {
			return jwtParts{}, fmt.Errorf("segment %d: %w", i, err)
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(dst); err != nil {
			return jwtParts{}, fmt.Errorf("segment %d: %w", i, err)
		}
		if *dst == nil {
			return jwtParts{}, fmt.Errorf("segment %d is not a JSON object", i)
		}
		if i == 1 {
			p.claimKeys, _ = objectKeys(raw)
		}
	}
	return p, nil
}

// mustDecode decodes tok or stops the case.
func (c *caseT) mustDecode(tok string) jwtParts {
	c.Helper()
	p, err := decodeJWT(tok)
	if err != nil {
		c.Fatalf("token %q: %v", tok, err)
	}
	return p
}

// intClaim returns a numeric claim as an integer.
func (p jwtParts) intClaim(name string) (int64, bool) {
	n, ok := p.claims[name].(json.Number)
	if !ok {
		return 0, false
	}
	v, err := n.Int64()
	return v, err == nil
}

// serverNow is the server's current Unix time (see suite.serverNow).
func (c *caseT) serverNow() int64 { return c.s.serverNow() }

// forge signs claims with key. alg is HS256, HS512 or none; extra header
// fields are added to {"alg","typ"}.
func forge(alg string, key []byte, extraHeader map[string]any, claims map[string]any) string {
	header := map[string]any{"alg": alg, "typ": "JWT"}
	for k, v := range extraHeader {
		header[k] = v
	}
	h, _ := json.Marshal(header)
	p, _ := json.Marshal(claims)
	signing := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(p)
	var fn func() hash.Hash
	switch alg {
	case "HS256":
		fn = sha256.New
	case "HS512":
		fn = sha512.New
	default:
		return signing + "."
	}
	m := hmac.New(fn, key)
	m.Write([]byte(signing))
	return signing + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
