package pagecache

import (
	"github.com/maypok86/otter/v2"
)

// FragmentKey names a rendered fragment by a 128-bit hash of everything it
// was rendered from: the template set and the data. It is content-addressed,
// so a fragment is never invalidated: a change to what it shows makes a new
// key, and the old entry ages out of the bounded cache unused.
type FragmentKey [2]uint64

// fragmentOverhead is what one entry costs besides its HTML (key, otter's
// node, string header), counted so many small fragments stay in bounds.
const fragmentOverhead = 96

// Fragments is a size-bounded cache of rendered HTML fragments (the post
// page's comment threads). Unlike Cache it serves signed-in and anonymous
// pages alike, so the caller must never put personal HTML in it.
type Fragments struct {
	c *otter.Cache[FragmentKey, string]
}

// NewFragments returns a fragment cache holding at most maxBytes of HTML
// (with per-entry overhead), evicting by otter's frequency-aware policy.
func NewFragments(maxBytes uint64) *Fragments {
	return &Fragments{c: otter.Must(&otter.Options[FragmentKey, string]{
		MaximumWeight: maxBytes,
		Weigher: func(_ FragmentKey, html string) uint32 {
			return uint32(min(len(html)+fragmentOverhead, 1<<31))
		},
	})}
}

// Get returns the fragment stored under k.
func (f *Fragments) Get(k FragmentKey) (string, bool) { return f.c.GetIfPresent(k) }

// Put stores html under k.
func (f *Fragments) Put(k FragmentKey, html string) { f.c.Set(k, html) }

// Len is the number of fragments held (tests, metrics).
func (f *Fragments) Len() int { return f.c.EstimatedSize() }

// All calls fn for every fragment held, for tests that look for what must
// never be cached; it stops when fn returns false.
func (f *Fragments) All(fn func(FragmentKey, string) bool) {
	for k, v := range f.c.All() {
		if !fn(k, v) {
			return
		}
	}
}
