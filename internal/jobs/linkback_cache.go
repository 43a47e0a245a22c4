package jobs

import (
	"sync"
	"time"

	"quire/internal/linkback"
)

// fetchCache remembers the last verification fetch of each (source, post)
// for a short while, so that requests arriving together — a Quire or
// WordPress peer sends a pingback and a webmention at once — are settled
// from one GET instead of the second waiting out the hourly limit. It is
// per node and bounded; a miss only means waiting.
type fetchCache struct {
	mu sync.Mutex
	m  map[fetchKey]fetched
}

type fetchKey struct {
	source string
	post   int64
}

type fetched struct {
	resp    *linkback.Response
	err     error
	at      time.Time
	settled map[int64]bool // requests decided from this fetch
}

const (
	fetchCacheTTL  = 2 * time.Minute
	fetchCacheSize = 1000
)

// get returns the cached fetch of (source, post) with a copy of its
// settled set, safe to read without the lock.
func (c *fetchCache) get(source string, post int64) (fetched, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f, ok := c.m[fetchKey{source, post}]
	if !ok || time.Since(f.at) > fetchCacheTTL {
		return fetched{}, false
	}
	settled := make(map[int64]bool, len(f.settled))
	for id := range f.settled {
		settled[id] = true
	}
	f.settled = settled
	return f, true
}

func (c *fetchCache) put(source string, post int64, resp *linkback.Response, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[fetchKey]fetched{}
	}
	if len(c.m) >= fetchCacheSize {
		for k, f := range c.m {
			if time.Since(f.at) > fetchCacheTTL {
				delete(c.m, k)
			}
		}
		if len(c.m) >= fetchCacheSize {
			clear(c.m) // a flood of distinct pairs: start afresh
		}
	}
	c.m[fetchKey{source, post}] = fetched{resp, err, time.Now(), map[int64]bool{}}
}

// settle records that request id was decided from the cached fetch, so a
// re-send of it (an update) waits for a fresh GET instead.
func (c *fetchCache) settle(source string, post, id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f, ok := c.m[fetchKey{source, post}]; ok {
		f.settled[id] = true
	}
}
