package core

// Internals the external tests of the token check's caches need.

// WithCacheCapacity caps each cache of the Service at about n entries.
var WithCacheCapacity = withCacheCapacity

// CacheLen returns the number of entries in the Service's verified-token,
// revocation and user caches.
func CacheLen(s *Service) (tokens, revocations, users int) {
	return s.cache.tokens.len(), s.cache.revoked.len(), s.cache.users.len()
}

// FeedMaxSilence is how long after its last heartbeat a live change feed
// is trusted.
const FeedMaxSilence = feedMaxSilence
