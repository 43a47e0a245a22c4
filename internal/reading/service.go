// Package reading is the workflow of the public read side: what anonymous
// and signed-in readers' pages read (post lists and archives, search,
// static pages, feeds, the sitemap), the navigation and the site settings
// every page shows (each cached on this node for a short time), and the
// choice between a read replica and the primary for a request.
package reading

import (
	"context"
	"sync/atomic"
	"time"

	"quire/internal/site"
	"quire/internal/store"
	"quire/internal/ttl"
)

// Deps are what the Service is built from.
type Deps struct {
	Store *store.Store
	// Replica takes anonymous page reads; nil: every read uses the primary.
	Replica *store.Replica
	// Now is the clock of the visibility rules (a scheduled page goes live);
	// nil: time.Now. The caches' TTLs always run on time.Now.
	Now func() time.Time
	// MediaURL is the address of a stored file by name; it fills the site's
	// logo and favicon URLs. nil leaves them empty.
	MediaURL func(name string) string
}

// Service reads for public pages. Build one per process with New and share
// it: it holds the per-node caches.
type Service struct {
	store     *store.Store
	replica   *store.Replica
	replicaDB store.DB // the replica, falling back to the primary per query
	now       func() time.Time
	mediaURL  func(string) string
	loaded    atomic.Pointer[func(site.Settings)] // OnSiteLoaded

	site *ttl.Value[site.Settings]
	nav  *ttl.Value[[]NavLink]
}

// cacheTTL bounds how stale a node's copy of the site settings and the
// navigation may be when no invalidation bus runs; with one, a change
// anywhere drops them at once (Forget*).
const cacheTTL = 10 * time.Second

// New returns the Service for d.
func New(d Deps) *Service {
	s := &Service{store: d.Store, replica: d.Replica, now: d.Now, mediaURL: d.MediaURL}
	if s.now == nil {
		s.now = time.Now
	}
	if d.Replica != nil {
		s.replicaDB = d.Replica.DB(d.Store.Pool)
	}
	// Per-node caches always fill from the primary: the invalidation that
	// empties them comes from the primary, and a lagging replica would
	// refill them with what was just replaced.
	s.site = ttl.New(cacheTTL, nil, s.loadSite)
	s.nav = ttl.New(cacheTTL, nil, func(ctx context.Context) ([]NavLink, error) {
		return store.NavPages(ctx, s.store.Pool)
	})
	return s
}

// Ping reports whether the primary database answers.
func (s *Service) Ping(ctx context.Context) error { return s.store.Ping(ctx) }
