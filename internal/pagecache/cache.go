// Package pagecache is the full-page cache for anonymous readers of public
// pages: whole responses, stored pre-compressed (gzip and brotli), bounded
// by their size in memory, and invalidated by generation numbers that the
// invalidation bus (package invalidate, PostgreSQL LISTEN/NOTIFY) moves
// forward on every node.
//
// Correctness rests on one rule: a response may be stored only under the
// generations read before the handler read the database (a Ticket). A change
// that commits while the page is being built moves a generation past the
// ticket, so the entry is stale the moment it is stored. The one window left
// is between a commit and its notification reaching this node, a few
// milliseconds on a healthy connection; a lost listener resets everything.
package pagecache

import (
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/maypok86/otter/v2"
)

// Scope names what a page depends on besides the site as a whole.
const (
	// ScopeSite: lists, archives, feeds, the sitemap: anything about posts,
	// settings or navigation changes them; comments do not.
	ScopeSite int64 = 0
	// ScopeComments: the site-wide comment feeds, which every approved
	// comment changes.
	ScopeComments int64 = -1
)

// Cache holds the entries and the generations.
type Cache struct {
	entries    *otter.Cache[string, *Entry]
	ttl, grace time.Duration
	now        func() time.Time

	site    atomic.Uint64 // moves on any change to posts, settings, navigation, users, terms
	threads atomic.Uint64 // moves on any change to any thread
	mu      sync.Mutex
	thread  map[int64]uint64 // per post (and ScopeComments): moves when its thread changes

	// horizon is when the next scheduled post goes live (unix ns): posts
	// become public by their time with no write and so no notification,
	// so every entry is dropped then. 0: unknown, nothing may be stored
	// until SetHorizon; math.MaxInt64: no post is scheduled.
	horizon atomic.Int64

	hits, stale, misses, stores atomic.Int64

	flightMu sync.Mutex
	flights  map[string]chan struct{} // keys being built, so one reader builds and the rest wait
	compress chan struct{}            // bounds concurrent compression (CPU and encoder memory)
	enc      compressors
}

// maxGrace bounds how long past its TTL an entry may still be served
// while it is rebuilt (see Get).
const maxGrace = 30 * time.Second

// New returns a cache of at most maxBytes of entries (plain and compressed
// bodies counted), each fresh for ttl: pages say "5 minutes ago" and
// close their comment forms by time, so no entry lives forever. An entry
// past its ttl is kept a grace period more (ttl, at most maxGrace), to be
// served while one reader rebuilds it.
func New(maxBytes uint64, ttl time.Duration, now func() time.Time) *Cache {
	if now == nil {
		now = time.Now
	}
	grace := min(ttl, maxGrace)
	c := &Cache{ttl: ttl, grace: grace, now: now, thread: map[int64]uint64{}, flights: map[string]chan struct{}{},
		compress: make(chan struct{}, 2)}
	c.entries = otter.Must(&otter.Options[string, *Entry]{
		MaximumWeight:    maxBytes,
		Weigher:          func(_ string, e *Entry) uint32 { return uint32(min(e.size(), 1<<31)) },
		ExpiryCalculator: otter.ExpiryWriting[string, *Entry](ttl + grace),
	})
	return c
}

// Hit says what Get found.
type Hit int8

const (
	// Miss: no entry to serve; build the page.
	Miss Hit = iota
	// Fresh: an entry younger than the TTL, nothing it shows changed since.
	Fresh
	// Stale: an entry past its TTL (in its grace period) while another
	// reader rebuilds it. Nothing it shows changed: a change moves a
	// generation, and such an entry is never served. Only its clock-bound
	// parts (relative dates, a comment form's closing) may be seconds old.
	// Serving it keeps a busy page's readers from queueing behind the
	// rebuild, tens of milliseconds of rendering and compression that
	// every TTL would otherwise cost each of them.
	Stale
)

// Ticket is the state of the generations when a page began to be built.
type Ticket struct {
	site, threads uint64
}

// Begin takes a ticket before the handler reads anything.
func (c *Cache) Begin() Ticket { return Ticket{c.site.Load(), c.threads.Load()} }

// Get returns the entry under key to serve, if any: a Fresh one, or a
// Stale one while another reader holds Lead for key. A Stale entry with
// nobody rebuilding it is a Miss: the caller leads the rebuild.
func (c *Cache) Get(key string) (*Entry, Hit) {
	now := c.now().UnixNano()
	c.checkHorizon(now)
	e, ok := c.entries.GetIfPresent(key)
	switch {
	case !ok:
	case e.site != c.site.Load() || e.thread != c.threadGen(e.scope):
		c.entries.Invalidate(key)
	case now < e.fresh:
		c.hits.Add(1)
		return e, Fresh
	case now < e.fresh+int64(c.grace) && c.building(key):
		c.stale.Add(1)
		return e, Stale
	}
	c.misses.Add(1)
	return nil, Miss
}

// Put stores e under key for a page built under t that depends on scope
// (a post id, ScopeSite or ScopeComments). It stores nothing when anything
// changed since t (the page may hold what was true before), or when the
// next scheduled publication is not known.
func (c *Cache) Put(key string, t Ticket, scope int64, e *Entry) bool {
	now := c.now()
	c.checkHorizon(now.UnixNano())
	if c.horizon.Load() == 0 || t.site != c.site.Load() || t.threads != c.threads.Load() {
		return false
	}
	e.site, e.scope, e.thread = t.site, scope, c.threadGen(scope)
	e.fresh = now.Add(c.ttl).UnixNano()
	c.entries.Set(key, e)
	c.stores.Add(1)
	return true
}

// NeedsHorizon reports whether SetHorizon must be called before Put can
// store anything.
func (c *Cache) NeedsHorizon() bool { return c.horizon.Load() == 0 }

// SetHorizon records when the next scheduled post goes live (zero time:
// none is scheduled), as read after t was taken; a change since t makes
// the reading doubtful and it is ignored.
func (c *Cache) SetHorizon(t Ticket, next time.Time) {
	v := int64(1<<63 - 1)
	if !next.IsZero() {
		v = next.UnixNano()
	}
	if t.site == c.site.Load() {
		c.horizon.CompareAndSwap(0, v)
	}
}

func (c *Cache) checkHorizon(now int64) {
	if h := c.horizon.Load(); h != 0 && now >= h {
		if c.horizon.CompareAndSwap(h, 0) {
			c.site.Add(1)
			c.entries.InvalidateAll()
		}
	}
}

func (c *Cache) threadGen(scope int64) uint64 {
	if scope == ScopeSite {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.thread[scope]
}

// InvalidateThread drops the pages of post id's thread (its page and
// comment feeds) and the site-wide comment feeds.
func (c *Cache) InvalidateThread(id int64) {
	c.mu.Lock()
	c.thread[id]++
	c.thread[ScopeComments]++
	c.mu.Unlock()
	c.threads.Add(1)
}

// InvalidateAll drops every entry and forgets the horizon.
func (c *Cache) InvalidateAll() {
	c.site.Add(1)
	c.threads.Add(1)
	c.horizon.Store(0)
	c.entries.InvalidateAll()
}

// Stats are the cache's counters since start.
type Stats struct {
	Hits, Stale, Misses, Stores int64
	Entries                     int
}

// Stats returns the counters.
func (c *Cache) Stats() Stats {
	return Stats{Hits: c.hits.Load(), Stale: c.stale.Load(), Misses: c.misses.Load(), Stores: c.stores.Load(),
		Entries: c.entries.EstimatedSize()}
}

// Lead makes the caller the one reader building key's page when nobody
// else is: it returns true and a done func to call when the entry is
// stored (or not). Otherwise it returns false and a channel closed when
// the leader is done; the caller waits, then tries Get again.
func (c *Cache) Lead(key string) (bool, <-chan struct{}, func()) {
	c.flightMu.Lock()
	defer c.flightMu.Unlock()
	if ch, ok := c.flights[key]; ok {
		return false, ch, nil
	}
	ch := make(chan struct{})
	c.flights[key] = ch
	return true, ch, func() {
		c.flightMu.Lock()
		delete(c.flights, key)
		c.flightMu.Unlock()
		close(ch)
	}
}

// building reports whether a reader holds Lead for key.
func (c *Cache) building(key string) bool {
	c.flightMu.Lock()
	defer c.flightMu.Unlock()
	_, ok := c.flights[key]
	return ok
}

// Compress builds an entry from a response, at most two at a time, with
// the cache's reused writers.
func (c *Cache) Compress(h http.Header, body []byte) *Entry {
	c.compress <- struct{}{}
	defer func() { <-c.compress }()
	return c.enc.entry(h, body)
}
