package core

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// Audiences of the token kinds, fastapi-users' values. Each kind is signed with its
// own secret and validated against its own audience, so a reset or verify
// token is never an access token.
const (
	AudienceAuth   = "fastapi-users:auth"
	AudienceReset  = "fastapi-users:reset"
	AudienceVerify = "fastapi-users:verify"
)

// TokenInfo is what the kit knows about a verified access token.
type TokenInfo struct {
	// ID is the token's jti. For a token minted without jti (by the
	// reference) it is "sha256:" + the hex SHA-256 of its signature, which
	// is unique per token because signatures are decoded strictly.
	ID string
	// IssuedAt is the token's iat (zero when it has none). Tokens minted
	// by the kit date it IssuedAtSkew before the time they were minted.
	IssuedAt  time.Time
	ExpiresAt time.Time
	// ImpersonatedBy is the admin who minted the token, or uuid.Nil.
	ImpersonatedBy uuid.UUID
	// Version is the user's TokenVersion when the token was minted (0 when
	// the token carries none).
	Version int64
	// ImpersonatorVersion is, for an impersonation token, the minting
	// admin's TokenVersion when it was minted (claim impersonated_by_tv; 0
	// when the token carries none, as those of the reference). The token
	// works only while the admin's version is still this one: the admin's
	// password change or reset, "logout everywhere", deactivation and
	// demotion each bump it, and so end the token for good.
	ImpersonatorVersion int64
}

// Impersonated reports whether the token was minted by an admin for another
// user (it carries impersonated_by).
func (t TokenInfo) Impersonated() bool { return t.ImpersonatedBy != uuid.Nil }

// mintClaims are the claims of every token minted here, in the order they are
// serialised: the reference's claims plus iat (dated back, see
// IssuedAtSkew), jti and tv, and for an impersonation token
// impersonated_by_tv (the admin's token version; PyJWT ignores claims it
// does not know, so the reference still verifies these tokens).
type mintClaims struct {
	Subject             string `json:"sub"`
	PasswordFgpt        string `json:"password_fgpt,omitempty"`
	Email               string `json:"email,omitempty"`
	Audience            any    `json:"aud"`
	IssuedAt            int64  `json:"iat"`
	ExpiresAt           int64  `json:"exp"`
	ImpersonatedBy      string `json:"impersonated_by,omitempty"`
	ImpersonatorVersion *int64 `json:"impersonated_by_tv,omitempty"`
	ID                  string `json:"jti"`
	Version             *int64 `json:"tv,omitempty"`
}

func (c mintClaims) GetExpirationTime() (*jwt.NumericDate, error) {
	return jwt.NewNumericDate(time.Unix(c.ExpiresAt, 0)), nil
}
func (c mintClaims) GetIssuedAt() (*jwt.NumericDate, error) {
	return jwt.NewNumericDate(time.Unix(c.IssuedAt, 0)), nil
}
func (mintClaims) GetNotBefore() (*jwt.NumericDate, error) { return nil, nil }
func (mintClaims) GetIssuer() (string, error)              { return "", nil }
func (c mintClaims) GetSubject() (string, error)           { return c.Subject, nil }
func (mintClaims) GetAudience() (jwt.ClaimStrings, error)  { return nil, nil }

// parsedClaims are read from a token being verified. A claim of the wrong
// JSON type (a numeric sub, a list exp) fails decoding and so the token.
type parsedClaims struct {
	jwt.RegisteredClaims
	ImpersonatedBy      *string `json:"impersonated_by,omitempty"`
	ImpersonatorVersion *int64  `json:"impersonated_by_tv,omitempty"`
	Version             *int64  `json:"tv,omitempty"`
	PasswordFgpt        *string `json:"password_fgpt,omitempty"`
	Email               *string `json:"email,omitempty"`
}

// newJTI returns 128 random bits, base64url without padding.
func newJTI() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// tokenCodec signs and verifies tokens of one kind.
type tokenCodec struct {
	key      []byte
	audience string
	parser   *jwt.Parser
}

// forbiddenHeaders are JOSE headers the kit has no use for; a token carrying
// one is rejected (RFC 8725 §3.10).
var forbiddenHeaders = []string{"kid", "jku", "jwk", "x5u", "x5c", "x5t", "x5t#S256", "crit"}

func newTokenCodec(secret, audience string, leeway time.Duration, clock Clock) *tokenCodec {
	return &tokenCodec{
		key:      []byte(secret),
		audience: audience,
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithLeeway(leeway),
			jwt.WithAudience(audience),
			jwt.WithStrictDecoding(),
			jwt.WithTimeFunc(clock.Now),
		),
	}
}

func (c *tokenCodec) sign(claims mintClaims) (string, error) {
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(c.key)
}

func (c *tokenCodec) keyFunc(t *jwt.Token) (any, error) {
	if _, ok := t.Method.(*jwt.SigningMethodHMAC); !ok || t.Method.Alg() != "HS256" {
		return nil, errors.New("unexpected signing method")
	}
	for _, h := range forbiddenHeaders {
		if _, ok := t.Header[h]; ok {
			return nil, errors.New("forbidden JOSE header " + h)
		}
	}
	return c.key, nil
}

// errBadToken is the internal cause of every verification failure but a
// bad sub, which is errBadSubject.
var (
	errBadToken   = errors.New("invalid token")
	errBadSubject = errors.New("invalid token subject")
)

// parse verifies signature, algorithm, headers, exp (required), nbf, iat and
// audience, and returns the claims.
func (c *tokenCodec) parse(token string) (*parsedClaims, string, error) {
	if !compactJWS(token) {
		return nil, "", errBadToken
	}
	var claims parsedClaims
	t, err := c.parser.ParseWithClaims(token, &claims, c.keyFunc)
	if err != nil || !t.Valid {
		return nil, "", errBadToken
	}
	return &claims, signatureSegment(token), nil
}

// compactJWS reports whether token consists only of base64url characters
// and dots. Go's base64 decoder skips CR and LF even in strict mode, so
// without this check "a\nb" would verify like "ab" and a revoked jti-less
// token (revoked by its signature) could come back with a line break.
func compactJWS(token string) bool {
	for i := 0; i < len(token); i++ {
		c := token[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

func signatureSegment(token string) string {
	return token[strings.LastIndexByte(token, '.')+1:]
}

// syntheticJTI identifies a token that has no jti by its signature.
func syntheticJTI(signature string) string {
	sum := sha256.Sum256([]byte(signature))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// parseSubject parses a sub the way Python's uuid.UUID(str) does: hyphenated,
// 32 hex digits, {braces} or urn:uuid: prefix, any case.
func parseSubject(sub string) (uuid.UUID, bool) {
	id, err := uuid.Parse(sub)
	return id, err == nil
}

// IssuedAtSkew is how far back the kit dates the iat of every token it
// mints (access, CLI, impersonation, reset and verify tokens).
//
// zndraw-auth's services verify tokens with PyJWT and no leeway, and PyJWT
// refuses a token whose iat lies in the future of its own clock
// (ImmatureSignatureError). A token dated by this clock would therefore be
// refused, for as long as the difference lasts, by every Python service
// whose clock is behind, however slightly. The reference's login tokens
// avoid that by carrying no iat at all; the kit keeps iat (hosts read it as
// TokenInfo.IssuedAt, for example to ask for a recent sign-in, and a time
// that is too early errs on the safe side there) and dates it back by the
// same 30 s of skew it tolerates itself (Settings.JWTLeeway's default).
// Nothing else depends on iat: revocation goes by the user's token version
// (tv) and the token's jti, so it stays exact to the token, and exp is
// still the mint time plus the lifetime.
const IssuedAtSkew = 30 * time.Second

// issuedAt is the iat of a token minted at now.
func issuedAt(now time.Time) int64 { return now.Add(-IssuedAtSkew).Unix() }
