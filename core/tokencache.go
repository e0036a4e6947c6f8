package core

import (
	"context"
	"crypto/sha256"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/google/uuid"
)

// The token check and its caches.
//
// CurrentUser needs, on every request, the token verified (signature,
// header, claims), whether its jti is revoked, and the current state of its
// user (and of the admin of an impersonation token). Parsing a token with
// golang-jwt costs some 60 allocations, and each store read a round trip to
// the database, while the same token comes back request after request. So
// three bounded caches serve the repeats:
//
//   - Verified tokens, keyed by the SHA-256 of the exact token string, hold
//     what verification read from it. What verification decides from the
//     token alone (signature, algorithm, headers, audience, claim types,
//     subject) cannot change for the same string and key; what depends on
//     the time (exp, nbf and iat, with the leeway) is checked again on every
//     hit, against the Service's clock, with golang-jwt's comparisons. So a
//     hit accepts exactly what a fresh parse would accept at that instant.
//     Only tokens that verified are kept: nobody without the secret can add
//     entries, and the tokens themselves are not kept in memory.
//   - Revocations, keyed by jti.
//   - Users, keyed by id.
//
// How long the answers of the last two may be used depends on the store
// (cachePolicy):
//
//   - When the store offers a ChangeFeed and the Service's subscription is
//     live (feed.go), every cached answer, "not revoked" included, is used
//     without age limit: each change the feed reports drops its entry. The
//     subscription must prove with a heartbeat that it is caught up at
//     least every feedMaxSilence; past that, or once it is lost, every
//     check reads the store until the Service has subscribed again and
//     dropped everything cached before (flush).
//   - When the store offers no feed, a "revoked" answer is kept (a
//     revocation is never undone), "not revoked" is never reused (a logout
//     on any instance takes effect everywhere at once), and users are kept
//     for at most Settings.UserCacheTTL: changes made by another instance,
//     or by host code directly in the store, are seen within UserCacheTTL,
//     the documented, bounded staleness across instances.
//
// Every write the Service makes to a user or a revocation goes through
// invalidatingStore, which drops (or, for a revocation, records) the
// affected entry right after the write, so this instance sees its own
// changes at once, feed or not. A generation counter, bumped by each such
// write, by each change the feed reports and by each flush, stops a read
// that began before from putting its older answer back afterwards.
// Superuser checks always read the store. UserCacheTTL = 0 turns the user
// and revocation caches off (and with them the feed subscription); the
// verified-token cache has no staleness and is always on.

// Capacities of the caches (entries; each is split over cacheShards
// shards). With kit tokens and typical users an entry takes well under
// 300 bytes, so the three caches stay below about 12 MiB together.
const (
	tokenCacheCapacity      = 16384
	userCacheCapacity       = 16384
	revocationCacheCapacity = 16384
)

// verifiedToken is what verification read from an access token.
type verifiedToken struct {
	user uuid.UUID
	info TokenInfo
	// The time claims as golang-jwt read them; exp is always present
	// (verification requires it).
	exp, nbf, iat  time.Time
	hasNbf, hasIat bool
}

// validAt reports whether the time claims hold at now, with the exact
// comparisons of golang-jwt v5's Validator (verifyExpiresAt,
// verifyNotBefore, verifyIssuedAt): valid while now < exp+leeway, and from
// nbf-leeway and iat-leeway on.
func (t *verifiedToken) validAt(now time.Time, leeway time.Duration) bool {
	if !now.Before(t.exp.Add(leeway)) {
		return false
	}
	if t.hasNbf && now.Before(t.nbf.Add(-leeway)) {
		return false
	}
	if t.hasIat && now.Before(t.iat.Add(-leeway)) {
		return false
	}
	return true
}

// revocationEntry is a cached answer of IsTokenRevoked, read at at.
type revocationEntry struct {
	revoked bool
	at      time.Time
}

// userEntry is a cached answer of GetUser, read at at.
type userEntry struct {
	user User
	at   time.Time
}

// authCache holds the caches of one Service.
type authCache struct {
	// ttl bounds the age of user answers without a feed; 0 disables the
	// user and revocation caches.
	ttl time.Duration
	// gen counts the events after which an answer read earlier must not
	// be stored: writes through the Service, changes reported by the
	// feed, flushes.
	gen atomic.Uint64
	// feed is the state of the change-feed subscription (feedNone,
	// feedDown or feedLive).
	feed atomic.Uint32
	// trustedUntil is the instant (UnixNano on the Service's clock)
	// before which a live feed's caches may be used: the feed proved it
	// was caught up less than feedMaxSilence before it.
	trustedUntil atomic.Int64
	tokens       *boundedCache[[sha256.Size]byte, *verifiedToken]
	revoked      *boundedCache[string, revocationEntry]
	users        *boundedCache[uuid.UUID, userEntry]
}

// The states of a Service's change feed.
const (
	// feedNone: the store offers no feed (or the Service was closed, or
	// the caches are off); cached users are bounded by UserCacheTTL.
	feedNone uint32 = iota
	// feedDown: the store offers a feed, but the subscription is not (or
	// not yet) live: every check reads the store.
	feedDown
	// feedLive: the subscription is live; cached answers are used while
	// now < trustedUntil.
	feedLive
)

// cachePolicy is what one token check may take from the caches.
type cachePolicy uint8

const (
	// readStore: read the store for every answer.
	readStore cachePolicy = iota
	// useTTL: no feed; "revoked" answers, and users younger than
	// UserCacheTTL.
	useTTL
	// useFeed: a live feed; every cached answer.
	useFeed
)

// newAuthCache makes the caches of a Service; capacity > 0 lowers every
// capacity to it (tests use this to exercise eviction).
func newAuthCache(ttl time.Duration, capacity int) *authCache {
	limit := func(n int) int {
		if capacity > 0 {
			return min(n, capacity)
		}
		return n
	}
	c := &authCache{ttl: ttl}
	c.tokens = newBoundedCache[[sha256.Size]byte, *verifiedToken](limit(tokenCacheCapacity), hashDigest)
	c.revoked = newBoundedCache[string, revocationEntry](limit(revocationCacheCapacity), hashString)
	c.users = newBoundedCache[uuid.UUID, userEntry](limit(userCacheCapacity), hashUUID)
	return c
}

// withCacheCapacity caps the capacity of each cache at n entries (tests).
func withCacheCapacity(n int) Option { return func(s *Service) { s.cacheCapacity = n } }

// fresh reports whether an answer read at at may still be used at now. A
// clock that went backwards makes every answer stale.
func (c *authCache) fresh(at, now time.Time) bool {
	return !now.Before(at) && now.Sub(at) < c.ttl
}

// policy returns what a token check at now may take from the caches; with
// mustRead (superuser access) nothing.
func (c *authCache) policy(now time.Time, mustRead bool) cachePolicy {
	if c.ttl <= 0 || mustRead {
		return readStore
	}
	switch c.feed.Load() {
	case feedNone:
		return useTTL
	case feedLive:
		if now.UnixNano() < c.trustedUntil.Load() {
			return useFeed
		}
	}
	return readStore
}

// sameGen returns a put condition that holds while no write, change or
// flush happened since gen was read.
func (c *authCache) sameGen(gen uint64) func(old revocationEntry, had bool) bool {
	return func(revocationEntry, bool) bool { return c.gen.Load() == gen }
}

// userChanged drops user id after a write to it, or a change the feed
// reported.
func (c *authCache) userChanged(id uuid.UUID) {
	if c.ttl <= 0 {
		return
	}
	c.gen.Add(1)
	c.users.remove(id)
}

// revocationChanged drops the answer for jti after the feed reported its
// revocation (the next check reads it).
func (c *authCache) revocationChanged(jti string) {
	if c.ttl <= 0 {
		return
	}
	c.gen.Add(1)
	c.revoked.remove(jti)
}

// tokenRevoked records a revocation the Service wrote (or dropped the
// entry when the write failed, and so may or may not have happened).
func (c *authCache) tokenRevoked(jti string, written bool) {
	if c.ttl <= 0 {
		return
	}
	c.gen.Add(1)
	if written {
		c.revoked.put(jti, revocationEntry{revoked: true}, nil)
	} else {
		c.revoked.remove(jti)
	}
}

// flush drops every cached user and revocation answer: after a gap in the
// feed, any of them may be outdated. Reads that began before are not
// stored afterwards (the generation changes first).
func (c *authCache) flush() {
	c.gen.Add(1)
	c.users.clear()
	c.revoked.clear()
}

// verifyAccessToken verifies an access token, or takes the result of an
// earlier verification of the same string whose time claims still hold at
// now; seen reports the latter.
func (s *Service) verifyAccessToken(token string, now time.Time) (t *verifiedToken, seen bool, err error) {
	// Sum256 only reads its input: hash the string's bytes in place
	// instead of copying the token (a 300-byte allocation per request).
	key := sha256.Sum256(unsafe.Slice(unsafe.StringData(token), len(token)))
	if t, ok := s.cache.tokens.get(key); ok {
		if t.validAt(now, s.settings.JWTLeeway) {
			return t, true, nil
		}
		if !now.Before(t.exp.Add(s.settings.JWTLeeway)) {
			s.cache.tokens.remove(key)
		}
		return nil, false, errBadToken
	}
	t, err = s.verifyFresh(token)
	if err != nil {
		return nil, false, err
	}
	s.cache.tokens.put(key, t, nil)
	return t, false, nil
}

// verifyFresh parses and verifies token.
func (s *Service) verifyFresh(token string) (*verifiedToken, error) {
	claims, sig, err := s.access.parse(token)
	if err != nil {
		return nil, err
	}
	id, ok := parseSubject(claims.Subject)
	if !ok {
		return nil, errBadSubject
	}
	t := &verifiedToken{
		user: id,
		info: TokenInfo{ID: claims.ID, ExpiresAt: claims.ExpiresAt.Time.UTC()},
		exp:  claims.ExpiresAt.Time,
	}
	if t.info.ID == "" {
		t.info.ID = syntheticJTI(sig)
	}
	if claims.IssuedAt != nil {
		t.info.IssuedAt = claims.IssuedAt.Time.UTC()
		t.iat, t.hasIat = claims.IssuedAt.Time, true
	}
	if claims.NotBefore != nil {
		t.nbf, t.hasNbf = claims.NotBefore.Time, true
	}
	if claims.Version != nil {
		t.info.Version = *claims.Version
	}
	if claims.ImpersonatedBy != nil {
		admin, ok := parseSubject(*claims.ImpersonatedBy)
		if !ok {
			return nil, errBadToken
		}
		t.info.ImpersonatedBy = admin
		if claims.ImpersonatorVersion != nil {
			t.info.ImpersonatorVersion = *claims.ImpersonatorVersion
		}
	}
	return t, nil
}

// isRevoked reports whether jti is revoked, from the cache as pol allows:
// with a live feed any cached answer; without a feed only a recorded
// revocation (revocations are permanent until the token expires), never
// "not revoked", so a logout on any instance sharing the store takes
// effect on this one at once, whatever UserCacheTTL says. seen tells
// whether the token was checked before: "not revoked" is kept from the
// second check of a token on, so the first check of a token costs what it
// did without a feed, and tokens used once do not crowd the cache.
func (s *Service) isRevoked(ctx context.Context, jti string, now time.Time, pol cachePolicy, seen bool) (bool, error) {
	c := s.cache
	if pol != readStore {
		if e, ok := c.revoked.get(jti); ok && (e.revoked || pol == useFeed) {
			return e.revoked, nil
		}
	}
	gen := c.gen.Load()
	revoked, err := s.store.IsTokenRevoked(ctx, jti)
	if err != nil {
		return false, err
	}
	// "Not revoked" is kept only for a feed, which will report the
	// revocation; the entry is used only while the feed is live.
	if c.ttl > 0 && (revoked || (seen && c.feed.Load() != feedNone)) {
		c.revoked.put(jti, revocationEntry{revoked: revoked, at: now}, c.sameGen(gen))
	}
	return revoked, nil
}

// getUser reads user id: from the cache as pol allows (with a live feed
// any entry, without one an entry younger than UserCacheTTL), else from
// the store. Errors (a missing user included) are not cached.
func (s *Service) getUser(ctx context.Context, id uuid.UUID, now time.Time, pol cachePolicy) (User, error) {
	c := s.cache
	if c.ttl <= 0 {
		return s.store.GetUser(ctx, id)
	}
	if pol != readStore {
		if e, ok := c.users.get(id); ok && (pol == useFeed || c.fresh(e.at, now)) {
			return e.user, nil
		}
	}
	gen := c.gen.Load()
	u, err := s.store.GetUser(ctx, id)
	if err != nil {
		return User{}, err
	}
	c.users.put(id, userEntry{user: u, at: now}, func(userEntry, bool) bool { return c.gen.Load() == gen })
	return u, nil
}

// invalidatingStore is the Store the Service writes through: after each
// write to a user or a revocation it updates the caches, so that the
// Service's own changes take effect at once.
type invalidatingStore struct {
	Store
	cache *authCache
}

// UpdateUser writes and drops the cached user.
func (s *invalidatingStore) UpdateUser(ctx context.Context, id uuid.UUID, p UserPatch) (User, error) {
	u, err := s.Store.UpdateUser(ctx, id, p)
	s.cache.userChanged(id)
	return u, err
}

// DeleteUser deletes and drops the cached user.
func (s *invalidatingStore) DeleteUser(ctx context.Context, id uuid.UUID) error {
	err := s.Store.DeleteUser(ctx, id)
	s.cache.userChanged(id)
	return err
}

// RevokeToken writes and records the revocation.
func (s *invalidatingStore) RevokeToken(ctx context.Context, jti string, expiresAt time.Time) error {
	err := s.Store.RevokeToken(ctx, jti, expiresAt)
	s.cache.tokenRevoked(jti, err == nil)
	return err
}
