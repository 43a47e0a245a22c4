package pagecache

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/maypok86/otter/v2"
)

// Sections is a size-bounded cache of values built from one post's thread
// (the post page's rendered comment list), for every reader, signed in or
// not. Unlike Fragments its keys do not hash what the value shows: a
// value is valid until its post's thread changes, which the invalidation
// bus reports ("thread:<id>") on every node. So a hit reads nothing of the
// thread at all.
//
// It follows Cache's rule: a value may be stored only under the
// generations read before the thread was read (a SectionTicket), so a
// change that commits while the value is being built leaves it stale the
// moment it is stored, and it is never served.
type Sections[K comparable, V any] struct {
	entries *otter.Cache[K, *section[V]]
	all     atomic.Uint64 // moves on a reset (everything goes)
	mu      sync.Mutex
	thread  map[int64]uint64 // per post: moves when its thread changes
}

type section[V any] struct {
	v         V
	post      int64
	all, gen  uint64
	weightLen uint32
}

// SectionTicket is the state of one post's generations when its thread
// began to be read.
type SectionTicket struct {
	post     int64
	all, gen uint64
}

// NewSections returns a cache holding at most maxBytes of values, each
// weighed by the caller at Put and kept at most ttl: should the bus miss
// an event, a value is still wrong no longer than a cached page.
func NewSections[K comparable, V any](maxBytes uint64, ttl time.Duration) *Sections[K, V] {
	return &Sections[K, V]{thread: map[int64]uint64{}, entries: otter.Must(&otter.Options[K, *section[V]]{
		MaximumWeight:    maxBytes,
		Weigher:          func(_ K, s *section[V]) uint32 { return s.weightLen },
		ExpiryCalculator: otter.ExpiryWriting[K, *section[V]](ttl),
	})}
}

// Ticket takes a ticket for post's thread before it is read.
func (c *Sections[K, V]) Ticket(post int64) SectionTicket {
	return SectionTicket{post: post, all: c.all.Load(), gen: c.gen(post)}
}

// Get returns the value under k when its post's thread has not changed
// since it was read.
func (c *Sections[K, V]) Get(k K) (V, bool) {
	s, ok := c.entries.GetIfPresent(k)
	if ok && s.all == c.all.Load() && s.gen == c.gen(s.post) {
		return s.v, true
	}
	if ok {
		c.entries.Invalidate(k)
	}
	var zero V
	return zero, false
}

// Put stores v under k, weighing weight bytes, when nothing changed since
// t was taken; it reports whether it stored.
func (c *Sections[K, V]) Put(k K, t SectionTicket, v V, weight int) bool {
	if t.all != c.all.Load() || t.gen != c.gen(t.post) {
		return false
	}
	c.entries.Set(k, &section[V]{v: v, post: t.post, all: t.all, gen: t.gen, weightLen: uint32(min(max(weight, 1), 1<<31))})
	return true
}

// InvalidateThread drops the values built from post id's thread.
func (c *Sections[K, V]) InvalidateThread(id int64) {
	c.mu.Lock()
	c.thread[id]++
	c.mu.Unlock()
}

// InvalidateAll drops every value.
func (c *Sections[K, V]) InvalidateAll() {
	c.all.Add(1)
	c.entries.InvalidateAll()
}

// Len is the number of values held (tests).
func (c *Sections[K, V]) Len() int { return c.entries.EstimatedSize() }

func (c *Sections[K, V]) gen(post int64) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.thread[post]
}
