package core

import (
	"strconv"
	"testing"
)

func TestBoundedCache(t *testing.T) {
	for _, capacity := range []int{1, 16, 100} {
		t.Run(strconv.Itoa(capacity), func(t *testing.T) {
			c := newBoundedCache[string, int](capacity, hashString)
			bound := max(1, (capacity+cacheShards-1)/cacheShards) * cacheShards
			for i := range 10 * bound {
				c.put(strconv.Itoa(i), i, nil)
				if n := c.len(); n > bound {
					t.Fatalf("after %d puts: %d entries, bound %d", i+1, n, bound)
				}
			}
			if n := c.len(); n < bound/2 {
				t.Errorf("%d entries after filling, want close to %d", n, bound)
			}
			// The last key put is always present, with its value.
			last := strconv.Itoa(10*bound - 1)
			if v, ok := c.get(last); !ok || v != 10*bound-1 {
				t.Errorf("get(%s) = %d, %v", last, v, ok)
			}
			c.remove(last)
			if _, ok := c.get(last); ok {
				t.Errorf("get(%s) after remove: present", last)
			}
		})
	}
}

func TestBoundedCachePutKeep(t *testing.T) {
	c := newBoundedCache[string, int](16, hashString)
	var sawHad []bool
	keepIf := func(ok bool) func(int, bool) bool {
		return func(_ int, had bool) bool { sawHad = append(sawHad, had); return ok }
	}
	c.put("k", 1, keepIf(false))
	if _, ok := c.get("k"); ok {
		t.Fatal("put stored a value its keep func refused")
	}
	c.put("k", 2, keepIf(true))
	c.put("k", 3, keepIf(false))
	if v, _ := c.get("k"); v != 2 {
		t.Fatalf("get = %d, want 2 (the refused put must not replace it)", v)
	}
	if want := []bool{false, false, true}; len(sawHad) != 3 || sawHad[0] != want[0] || sawHad[1] != want[1] || sawHad[2] != want[2] {
		t.Fatalf("keep saw had = %v, want %v", sawHad, want)
	}
	// Replacing an existing key never evicts.
	full := newBoundedCache[string, int](1, hashString)
	full.put("a", 1, nil)
	full.put("a", 2, nil)
	if v, ok := full.get("a"); !ok || v != 2 {
		t.Fatalf("replace: get = %d, %v", v, ok)
	}
}
