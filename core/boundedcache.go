package core

import (
	"encoding/binary"
	"hash/maphash"
	"sync"

	"github.com/google/uuid"
)

// cacheShards is the number of independently locked parts of a
// boundedCache, so that lookups of different keys do not contend.
const cacheShards = 16

// boundedCache is a concurrent map of at most about capacity entries. When
// a shard is full, putting a new key evicts an arbitrary entry of that
// shard (Go's randomised map iteration picks it), which keeps every
// operation O(1). Evicting is always safe for the caches built on it: a
// missing entry only costs a read of the source.
type boundedCache[K comparable, V any] struct {
	shards   [cacheShards]cacheShard[K, V]
	perShard int
	hash     func(K) uint64
}

type cacheShard[K comparable, V any] struct {
	mu sync.RWMutex
	m  map[K]V
	_  [40]byte // keep shards on separate cache lines
}

func newBoundedCache[K comparable, V any](capacity int, hash func(K) uint64) *boundedCache[K, V] {
	c := &boundedCache[K, V]{perShard: max(1, (capacity+cacheShards-1)/cacheShards), hash: hash}
	for i := range c.shards {
		c.shards[i].m = make(map[K]V)
	}
	return c
}

func (c *boundedCache[K, V]) shard(k K) *cacheShard[K, V] {
	return &c.shards[c.hash(k)%cacheShards]
}

// get returns the value of k.
func (c *boundedCache[K, V]) get(k K) (V, bool) {
	s := c.shard(k)
	s.mu.RLock()
	v, ok := s.m[k]
	s.mu.RUnlock()
	return v, ok
}

// put stores v under k. When keep is not nil it is called under the
// shard's lock with the current entry, and v is stored only if it returns
// true.
func (c *boundedCache[K, V]) put(k K, v V, keep func(old V, had bool) bool) {
	s := c.shard(k)
	s.mu.Lock()
	defer s.mu.Unlock()
	old, had := s.m[k]
	if keep != nil && !keep(old, had) {
		return
	}
	if !had && len(s.m) >= c.perShard {
		for victim := range s.m {
			delete(s.m, victim)
			break
		}
	}
	s.m[k] = v
}

// remove deletes k.
func (c *boundedCache[K, V]) remove(k K) {
	s := c.shard(k)
	s.mu.Lock()
	delete(s.m, k)
	s.mu.Unlock()
}

// clear deletes every entry, shard by shard.
func (c *boundedCache[K, V]) clear() {
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		clear(s.m)
		s.mu.Unlock()
	}
}

// len returns the number of entries.
func (c *boundedCache[K, V]) len() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.RLock()
		n += len(s.m)
		s.mu.RUnlock()
	}
	return n
}

// cacheSeed seeds the shard hashes of string and id keys (it differs per
// process, so shard choice cannot be predicted from outside).
var cacheSeed = maphash.MakeSeed()

// hashDigest spreads SHA-256 keys: they are uniform already.
func hashDigest(k [32]byte) uint64 { return binary.LittleEndian.Uint64(k[:8]) }

func hashString(k string) uint64 { return maphash.String(cacheSeed, k) }

func hashUUID(k uuid.UUID) uint64 { return maphash.Bytes(cacheSeed, k[:]) }
