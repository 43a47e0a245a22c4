package linkbacks

import (
	"sync/atomic"
	"time"

	"github.com/maypok86/otter/v2"

	"quire/internal/invalidate"
	"quire/internal/post"
)

// A flood of pings names one post, or a few, again and again. Reading
// the target in the batch's transaction cost a round trip of its own
// before the batch's statements, which need the post's id: a third
// round trip where a batch of comments takes two. A node watching the
// invalidation bus (WatchTargets) keeps the targets it read, so a batch
// whose targets are all known sends its locks and statements with its
// BEGIN.
//
// A target is what the accept rules look at (targetPost): the post's id,
// kind, slug, status, publication time and comment policy. Every change
// to a post's row (any column but the kept comment counts) and to its
// old slugs' (written with it) reaches every node as "post:<id>"
// (migration 00013); a target is then dropped, with all others, as on
// any event but a thread's, which only comments send. So a node answers
// from a post as it was at most the bus's delivery before (a few ms),
// as its page cache does. While the bus is not listening nothing is
// used, and a lost listener's reset drops everything.
type targetCache struct {
	entries *otter.Cache[string, targetEntry]
	gen     atomic.Uint64 // moves on every invalidation
	live    func() bool   // the bus is listening
}

// targetEntry is a target read under the generation gen: it is used only
// while that generation lasts, so a read that raced an invalidation is
// stored stale and never served.
type targetEntry struct {
	p   *post.Post
	gen uint64
}

const (
	// targetCacheSize bounds the targets held: posts pinged lately.
	targetCacheSize = 10_000
	// targetCacheTTL bounds what a missed event could cost.
	targetCacheTTL = time.Minute
)

func newTargetCache(live func() bool) *targetCache {
	return &targetCache{live: live, entries: otter.Must(&otter.Options[string, targetEntry]{
		MaximumSize:      targetCacheSize,
		ExpiryCalculator: otter.ExpiryWriting[string, targetEntry](targetCacheTTL),
	})}
}

// WatchTargets makes s keep the target posts it reads, each until bus
// reports a change (see targetCache). Call it before s takes requests.
func (s *Service) WatchTargets(bus *invalidate.Bus) {
	c := newTargetCache(bus.Connected)
	bus.Subscribe(c.invalidated)
	s.targets = c
}

// ticket is the generation to store a target under, taken before it is
// read.
func (c *targetCache) ticket() uint64 {
	if c == nil {
		return 0
	}
	return c.gen.Load()
}

// get returns the target named slug, read in the current generation;
// the caller must not change it.
func (c *targetCache) get(slug string) (*post.Post, bool) {
	if c == nil || !c.live() {
		return nil, false
	}
	e, ok := c.entries.GetIfPresent(slug)
	if !ok || e.gen != c.gen.Load() {
		return nil, false
	}
	return e.p, true
}

// put keeps p, read under ticket, as the target named slug.
func (c *targetCache) put(slug string, ticket uint64, p *post.Post) {
	if c == nil || p == nil || ticket != c.gen.Load() {
		return
	}
	c.entries.Set(slug, targetEntry{p: p, gen: ticket})
}

// invalidated drops every target on any event but a thread's.
func (c *targetCache) invalidated(ev invalidate.Event) {
	if ev.Topic == invalidate.TopicThread {
		return
	}
	c.gen.Add(1)
	c.entries.InvalidateAll()
}
