package pagecache

import (
	"strings"
	"testing"
)

// TestFragmentsBounded: a fragment is served under its own key only, and
// the cache keeps to its size however much is put in.
func TestFragmentsBounded(t *testing.T) {
	const max = 64 << 10
	f := NewFragments(max)
	f.Put(FragmentKey{1, 2}, "<li>one</li>")
	if h, ok := f.Get(FragmentKey{1, 2}); !ok || h != "<li>one</li>" {
		t.Fatalf("Get = %q, %v", h, ok)
	}
	if _, ok := f.Get(FragmentKey{2, 1}); ok {
		t.Fatal("another key served a fragment")
	}
	big := strings.Repeat("x", 1000)
	for i := range uint64(1000) {
		f.Put(FragmentKey{i, i}, big)
	}
	f.c.CleanUp() // eviction runs in batches: settle it before counting
	if w := f.c.WeightedSize(); w > max {
		t.Fatalf("holding %d bytes, bound %d", w, max)
	}
	if n := f.Len(); n == 0 || n > max/1000 {
		t.Fatalf("%d fragments held", n)
	}
}
