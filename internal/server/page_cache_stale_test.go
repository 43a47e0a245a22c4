package server

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/pagecache"
	"quire/internal/post"
	"quire/internal/store/storetest"
)

// TestPageCachePastTTL: a cached page past its TTL (a minute here) is
// rebuilt by the one reader who finds it so; readers who come while it is
// rebuilt get the old page at once instead of queueing behind the build;
// once something the page shows changes, no reader gets the old page, and
// one who comes during a rebuild waits for the new one.
func TestPageCachePastTTL(t *testing.T) {
	var skew atomic.Int64 // added to the real clock
	now := func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	e := clockNode(t, storetest.URL(t), 8<<20, now)
	ann := e.MustUser("ann", account.Author)
	p := e.MustPost(ann, "Past its TTL", post.CommentsOpen)
	key := p.Path()
	warm(t, e, key)

	// Past its TTL, nobody rebuilding: this reader rebuilds it.
	skew.Store(int64(61 * time.Second))
	if _, x, _ := fetchPage(t, e, key); x != "miss" {
		t.Fatalf("past its TTL: X-Cache %q, want this reader to rebuild it (miss)", x)
	}
	_, x, old := fetchPage(t, e, key)
	if x != "hit" {
		t.Fatalf("after the rebuild: X-Cache %q, want hit", x)
	}

	// Past its TTL while another reader rebuilds it: the old page, at once.
	skew.Store(int64(125 * time.Second))
	lead, _, done := e.Srv.pages.Lead(key)
	if !lead {
		t.Fatal("no lead")
	}
	for range 2 {
		if _, x, b := fetchPage(t, e, key); x != "stale" || b != old {
			t.Fatalf("while rebuilt: X-Cache %q, same page %v; want the old page (stale)", x, b == old)
		}
	}
	if s := e.Srv.pages.Stats(); s.Stale != 2 {
		t.Errorf("stale views counted %d, want 2", s.Stale)
	}

	// Something the page shows changes: the old page is never served, and
	// a reader who comes during the rebuild waits for the new page.
	if _, err := e.Store.Pool.Exec(context.Background(), `UPDATE posts SET title = 'Renamed past its TTL' WHERE id = $1`, p.ID); err != nil {
		t.Fatal(err)
	}
	within(t, 2*time.Second, "the change's notification", func() bool {
		_, hit := e.Srv.pages.Get(key)
		return hit == pagecache.Miss
	})
	released := time.Now()
	time.AfterFunc(200*time.Millisecond, done)
	_, x, b := fetchPage(t, e, key)
	if x == "stale" || !strings.Contains(b, "Renamed past its TTL") {
		t.Fatalf("after a change, during a rebuild: X-Cache %q, renamed %v; want the new page", x, strings.Contains(b, "Renamed past its TTL"))
	}
	if time.Since(released) < 150*time.Millisecond {
		t.Errorf("answered in %v, before the rebuild under way ended", time.Since(released))
	}
}
