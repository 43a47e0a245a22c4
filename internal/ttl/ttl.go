// Package ttl holds Value, a single value loaded from the database and kept
// for a bounded time on this node: the site settings, the navigation, the
// discussion settings. Another node's change reaches this one by Forget
// (called from the LISTEN/NOTIFY bus) or, without a bus, within the TTL.
package ttl

import (
	"context"
	"sync"
	"time"
)

// Value caches what Load returns for TTL. The zero Value is not usable;
// build one with New.
type Value[T any] struct {
	load func(context.Context) (T, error)
	ttl  time.Duration
	now  func() time.Time

	mu sync.Mutex
	v  T
	ok bool // v holds a successful load (possibly expired)
	at time.Time
}

// New returns a Value that calls load at most once per ttl. now may be nil
// (time.Now).
func New[T any](ttl time.Duration, now func() time.Time, load func(context.Context) (T, error)) *Value[T] {
	if now == nil {
		now = time.Now
	}
	return &Value[T]{load: load, ttl: ttl, now: now}
}

// Get returns the cached value, loading it when it is missing or older
// than the TTL. The lock is held during the load, so concurrent readers
// of an expired value cause one query, not one each. When a load fails, the last good value is returned with
// the error (stale beats nothing for a page being served); with no good
// value, the zero T and the error.
func (c *Value[T]) Get(ctx context.Context) (T, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ok && c.now().Sub(c.at) < c.ttl {
		return c.v, nil
	}
	v, err := c.load(ctx)
	if err != nil {
		return c.v, err
	}
	c.v, c.ok, c.at = v, true, c.now()
	return v, nil
}

// Forget makes the next Get load again; the old value is still returned if
// that load fails.
func (c *Value[T]) Forget() {
	c.mu.Lock()
	c.at = time.Time{}
	c.mu.Unlock()
}
