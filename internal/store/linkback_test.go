package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/account"
	"quire/internal/comment"
	"quire/internal/post"
	"quire/internal/store"
)

// wideLimits never refuse: the tests that are not about the limits.
var wideLimits = store.LinkbackLimits{Window: time.Minute, PerIP: 1000, PerHost: 1000}

// acceptLinkback runs store.AcceptLinkback in a transaction of its own.
func acceptLinkback(s *store.Store, l *store.LinkbackIn, host string, lim store.LinkbackLimits) (store.LinkbackVerdict, error) {
	var v store.LinkbackVerdict
	err := s.Transact(context.Background(), func(tx pgx.Tx) error {
		var err error
		v, err = store.AcceptLinkback(context.Background(), tx, l, host, lim)
		return err
	})
	return v, err
}

// TestAcceptLinkback: a pingback is registered once (48 while pending,
// verified or stored) but may be retried after failing; a webmention is
// re-opened on every re-send, and needs a new job only when not pending.
func TestAcceptLinkback(t *testing.T) {
	s := storetestNew(t)
	ctx := context.Background()
	p := mustPost(t, s.Pool, mustUser(t, s.Pool, "ann", account.Author), "Target", post.Published, time.Now().Add(-time.Hour))
	req := func(kind string) (store.LinkbackVerdict, error) {
		l := &store.LinkbackIn{Kind: kind, PostID: p.ID, SourceURL: "http://a.invalid/x", TargetURL: "http://blog.invalid/posts/target", IP: "192.0.2.1"}
		return acceptLinkback(s, l, "a.invalid", wideLimits)
	}
	claimAndFinish := func(state string) {
		t.Helper()
		ls, err := store.ClaimLinkbacks(ctx, s.Pool, "http://a.invalid/x", p.ID)
		if err != nil || len(ls) == 0 {
			t.Fatalf("claim: %v %d", err, len(ls))
		}
		for _, l := range ls {
			if ok, err := store.FinishLinkback(ctx, s.Pool, l.ID, state, 17, "no link", 0); !ok || err != nil {
				t.Fatalf("finish: %v %v", ok, err)
			}
		}
	}
	if v, err := req("pingback"); !v.Enqueue || err != nil {
		t.Fatalf("first pingback: %+v %v", v, err)
	}
	if _, err := req("pingback"); !errors.Is(err, store.ErrLinkbackDuplicate) {
		t.Fatalf("pending twin: %v", err)
	}
	claimAndFinish("failed")
	if v, err := req("pingback"); !v.Enqueue || err != nil {
		t.Fatalf("retry after failure: %+v %v", v, err)
	}
	claimAndFinish("verified")
	if _, err := req("pingback"); !errors.Is(err, store.ErrLinkbackDuplicate) {
		t.Fatalf("verified twin: %v", err)
	}

	if v, err := req("webmention"); !v.Enqueue || err != nil {
		t.Fatalf("first webmention: %+v %v", v, err)
	}
	v, err := req("webmention")
	if v.Enqueue || err != nil {
		t.Fatalf("re-send while pending: %+v %v", v, err)
	}
	// The pingback's row and the webmention's, the re-send counted once.
	if v.FromIP != 2 || v.FromHost != 2 {
		t.Errorf("counts after the re-send: %+v", v)
	}

	// One GET per (source, target) per interval.
	ok, _, err := store.TakeFetchSlot(ctx, s.Pool, "http://a.invalid/x", p.ID, time.Hour)
	if !ok || err != nil {
		t.Fatalf("first slot: %v %v", ok, err)
	}
	ok, wait, err := store.TakeFetchSlot(ctx, s.Pool, "http://a.invalid/x", p.ID, time.Hour)
	if ok || err != nil || wait < 59*time.Minute {
		t.Fatalf("second slot: %v %v %v", ok, wait, err)
	}
}

// TestAcceptLinkbackStoredPingback: a pingback whose comment exists
// (received before, or imported) is a duplicate and writes nothing.
func TestAcceptLinkbackStoredPingback(t *testing.T) {
	s := storetestNew(t)
	ctx := context.Background()
	p := mustPost(t, s.Pool, mustUser(t, s.Pool, "ann", account.Author), "Target", post.Published, time.Now().Add(-time.Hour))
	n := &store.NewComment{Comment: comment.Comment{PostID: p.ID, Kind: comment.KindPingback, Status: comment.StatusApproved,
		AuthorName: "A site", BodyHTML: "<p>[…]</p>", SourceURL: "http://a.invalid/x"}}
	if err := store.CreateComment(ctx, s.Pool, n); err != nil {
		t.Fatal(err)
	}
	l := &store.LinkbackIn{Kind: "pingback", PostID: p.ID, SourceURL: "http://a.invalid/x", TargetURL: "http://blog.invalid/posts/target", IP: "192.0.2.1"}
	if _, err := acceptLinkback(s, l, "a.invalid", wideLimits); !errors.Is(err, store.ErrLinkbackDuplicate) {
		t.Fatalf("stored pingback: %v", err)
	}
	var rows int
	if err := s.Pool.QueryRow(ctx, `SELECT count(*) FROM linkbacks_in`).Scan(&rows); err != nil || rows != 0 {
		t.Fatalf("rows written: %d %v", rows, err)
	}
}

// TestAcceptLinkbackRateBoundary: the per-IP and per-source-host limits
// take exactly their number of requests in the window; the next is
// Limited and writes nothing; duplicates and requests from elsewhere do
// not use the allowance; requests older than the window do not count.
func TestAcceptLinkbackRateBoundary(t *testing.T) {
	s := storetestNew(t)
	ctx := context.Background()
	p := mustPost(t, s.Pool, mustUser(t, s.Pool, "ann", account.Author), "Target", post.Published, time.Now().Add(-time.Hour))
	lim := store.LinkbackLimits{Window: 10 * time.Minute, PerIP: 3, PerHost: 5}
	send := func(i int, ip, host string) (store.LinkbackVerdict, error) {
		l := &store.LinkbackIn{Kind: "pingback", PostID: p.ID, SourceURL: fmt.Sprintf("http://%s/%d", host, i),
			TargetURL: "http://blog.invalid/posts/target", IP: ip}
		return acceptLinkback(s, l, host, lim)
	}
	for i := range 3 {
		if v, err := send(i, "192.0.2.1", fmt.Sprintf("h%d.invalid", i)); err != nil || v.Limited || v.FromIP != i+1 {
			t.Fatalf("request %d from the IP: %+v %v", i+1, v, err)
		}
	}
	// A duplicate is refused as such, not counted.
	if _, err := send(0, "192.0.2.1", "h0.invalid"); !errors.Is(err, store.ErrLinkbackDuplicate) {
		t.Fatalf("duplicate: %v", err)
	}
	if v, err := send(9, "192.0.2.1", "h9.invalid"); err != nil || !v.Limited || v.FromIP != 4 {
		t.Fatalf("the 4th from the IP: %+v %v", v, err)
	}
	// Other IPs naming one host: 5 pass, the 6th is refused.
	for i := range 5 {
		if v, err := send(100+i, fmt.Sprintf("198.51.100.%d", i+1), "busy.invalid"); err != nil || v.Limited || v.FromHost != i+1 {
			t.Fatalf("request %d naming the host: %+v %v", i+1, v, err)
		}
	}
	if v, err := send(200, "198.51.100.99", "busy.invalid"); err != nil || !v.Limited {
		t.Fatalf("the 6th naming the host: %+v %v", v, err)
	}
	var rows int
	if err := s.Pool.QueryRow(ctx, `SELECT count(*) FROM linkbacks_in`).Scan(&rows); err != nil || rows != 8 {
		t.Fatalf("rows: %d %v, want 8 (refused requests write nothing)", rows, err)
	}
	// Out of the window, the IP's requests no longer count.
	if _, err := s.Pool.Exec(ctx, `UPDATE linkbacks_in SET requested_at = now() - interval '11 minutes' WHERE ip = '192.0.2.1'`); err != nil {
		t.Fatal(err)
	}
	if v, err := send(9, "192.0.2.1", "h9.invalid"); err != nil || v.Limited || v.FromIP != 1 {
		t.Fatalf("after the window: %+v %v", v, err)
	}
}

// TestAcceptLinkbackConcurrentTwins: many simultaneous pingbacks of one
// (source, post) pair: exactly one is registered with a job, every other
// is a duplicate (fault 48).
func TestAcceptLinkbackConcurrentTwins(t *testing.T) {
	s := storetestNew(t)
	p := mustPost(t, s.Pool, mustUser(t, s.Pool, "ann", account.Author), "Target", post.Published, time.Now().Add(-time.Hour))
	const n = 16
	var wg sync.WaitGroup
	var mu sync.Mutex
	enq, dups := 0, 0
	var errs []error
	for i := range n {
		wg.Go(func() {
			l := &store.LinkbackIn{Kind: "pingback", PostID: p.ID, SourceURL: "http://a.invalid/x",
				TargetURL: "http://blog.invalid/posts/target", IP: fmt.Sprintf("192.0.2.%d", i+1)}
			v, err := acceptLinkback(s, l, "a.invalid", wideLimits)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case errors.Is(err, store.ErrLinkbackDuplicate):
				dups++
			case err != nil:
				errs = append(errs, err)
			case v.Enqueue:
				enq++
			}
		})
	}
	wg.Wait()
	if len(errs) > 0 || enq != 1 || dups != n-1 {
		t.Fatalf("registered %d, duplicates %d, errors %v", enq, dups, errs)
	}
}

// TestLinkbackTarget: a post is found by its slug or an old one, the
// current slug winning; pages and unknown slugs are not found.
func TestLinkbackTarget(t *testing.T) {
	s := storetestNew(t)
	ctx := context.Background()
	ann := mustUser(t, s.Pool, "ann", account.Author)
	p := mustPost(t, s.Pool, ann, "Target", post.Published, time.Now().Add(-time.Hour))
	got, err := store.LinkbackTarget(ctx, s.Pool, p.Slug)
	if err != nil || got.ID != p.ID || got.Status != post.Published || got.CommentPolicy != p.CommentPolicy || got.PublishedAt.IsZero() {
		t.Fatalf("by slug: %+v %v", got, err)
	}
	if _, err := s.Pool.Exec(ctx, `INSERT INTO post_old_slugs (post_id, kind, slug) VALUES ($1, 'post', 'old-name')`, p.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := store.LinkbackTarget(ctx, s.Pool, "old-name"); err != nil || got.ID != p.ID || got.Slug != p.Slug {
		t.Fatalf("by old slug: %+v %v", got, err)
	}
	if _, err := store.LinkbackTarget(ctx, s.Pool, "no-such-post"); err == nil {
		t.Fatal("unknown slug found")
	}
}

// TestAcceptLinkbackPlan: the generic plan of AcceptLinkback's statement
// reads narrow index ranges only (the key, the requester's and the
// host's window, the pingback comment), never a
// whole table, on a table of 30,000 requests of which 10,000 come from
// one address and name one host.
func TestAcceptLinkbackPlan(t *testing.T) {
	s := storetestNew(t)
	ctx := context.Background()
	p := mustPost(t, s.Pool, mustUser(t, s.Pool, "ann", account.Author), "Target", post.Published, time.Now().Add(-time.Hour))
	if _, err := s.Pool.Exec(ctx, `INSERT INTO linkbacks_in (kind, post_id, source_url, target_url, source_host, ip, token, state, requested_at)
		SELECT 'pingback', $1, 'http://h' || i || '.invalid/x', 'http://blog.invalid/posts/target',
			CASE WHEN i % 3 = 0 THEN 'busy.invalid' ELSE 'h' || i || '.invalid' END,
			CASE WHEN i % 3 = 0 THEN '192.0.2.1'::inet ELSE ('10.' || (i / 65536) || '.' || (i / 256 % 256) || '.' || (i % 256))::inet END,
			'tok' || i, CASE WHEN i % 100 = 0 THEN 'pending' ELSE 'verified' END, now() - (i % 1000) * interval '1 second'
		FROM generate_series(1, 30000) i`, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pool.Exec(ctx, `ANALYZE linkbacks_in`); err != nil {
		t.Fatal(err)
	}
	one := fmt.Sprintf(`'pingback', %d, 'http://new.invalid/x', 'http://blog.invalid/posts/target', 'busy.invalid', '192.0.2.1', 'newtoken', 600, 60, 30`, p.ID)
	many := fmt.Sprintf(`ARRAY['pingback', 'webmention'], ARRAY[%[1]d, %[1]d]::int8[], ARRAY['http://new.invalid/x', 'http://h2.invalid/y'],
		ARRAY['http://blog.invalid/posts/target', 'http://blog.invalid/posts/target'], ARRAY['busy.invalid', 'h2.invalid'],
		ARRAY['192.0.2.1', NULL], ARRAY['t1', 't2'], 600, 60, 30`, p.ID)
	for i, c := range []struct {
		name, sql, args string
		indexes         []string
	}{
		// The last minute's requests only, whatever the backlog.
		{"pending", store.PendingLinkbacksSQL, "21", []string{"linkbacks_in_pending_time_idx"}},
		{"full", store.AcceptLinkbackSQL, one, []string{"linkbacks_in_key", "linkbacks_in_ip_idx", "linkbacks_in_host_idx", "comments_pingback_key"}},
		// Its key is the insert's conflict arbiter, not a scan.
		{"first request", store.AcceptNewLinkbackSQL, one, []string{"linkbacks_in_ip_idx", "linkbacks_in_host_idx", "comments_pingback_key"}},
		{"first requests", store.AcceptNewLinkbacksSQL, many, []string{"linkbacks_in_ip_idx", "linkbacks_in_host_idx", "comments_pingback_key"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			tx, err := s.Pool.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = tx.Rollback(ctx) }()
			var raw []byte
			_, err = tx.Exec(ctx, `SET LOCAL plan_cache_mode = force_generic_plan`)
			if err == nil {
				_, err = tx.Exec(ctx, fmt.Sprintf(`PREPARE accept_linkback_%d AS `, i)+c.sql)
			}
			if err == nil {
				err = tx.QueryRow(ctx, fmt.Sprintf(`EXPLAIN (FORMAT JSON) EXECUTE accept_linkback_%d(%s)`, i, c.args)).Scan(&raw)
			}
			if err != nil {
				t.Fatal(err)
			}
			pl := readPlan(t, raw)
			for _, rel := range []string{"linkbacks_in", "comments"} {
				if pl.seqScans[rel] {
					t.Errorf("sequential scan of %s", rel)
				}
			}
			for _, idx := range c.indexes {
				if !pl.indexes[idx] {
					t.Errorf("does not use %s", idx)
				}
			}
			// Probed for the request's post and source, not read whole
			// (a hashed subplan would scan every pingback comment).
			if cond := pl.conds["comments_pingback_key"]; pl.indexes["comments_pingback_key"] &&
				(!strings.Contains(cond, "post_id") || !strings.Contains(cond, "source_url")) {
				t.Errorf("comments_pingback_key scanned with condition %q", cond)
			}
			if cond := pl.conds["linkbacks_in_pending_time_idx"]; pl.indexes["linkbacks_in_pending_time_idx"] && !strings.Contains(cond, "requested_at") {
				t.Errorf("linkbacks_in_pending_time_idx scanned with condition %q", cond)
			}
			t.Logf("plan:\n%s", pl.text)
		})
	}
}
