package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/comment"
	"quire/internal/moderation"
	"quire/internal/post"
	"quire/internal/store"
)

// TestQueueListAtScale: 40,000 comments (2,000 held, spam or trash, of
// three kinds) and 600 guest submissions; the queue's first page, a deep
// page and the counts read indexes, never a sequential scan of comments,
// and the list walks every held item once, newest first, across kinds.
// Run with -v for the timings.
func TestQueueListAtScale(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	s := storetestNew(t)
	ctx := context.Background()
	u := mustUser(t, s.Pool, "ann", account.Author)
	p := mustPost(t, s.Pool, u, "Busy", post.Published, time.Now().Add(-time.Hour))
	for _, q := range []string{
		`INSERT INTO comments (post_id, depth, path, kind, status, author_name, author_email, body_source, body_html, source_url, created_at)
		 SELECT $1, 0, lpad(i::text, 10, '0'), (ARRAY['comment','pingback','webmention'])[1 + i % 3],
		        CASE WHEN i % 20 = 0 THEN (ARRAY['held','spam','trash'])[1 + (i / 20) % 3] ELSE 'approved' END,
		        'R' || i, 'r' || i || '@mail.invalid', 'x', '<p>x</p>',
		        CASE WHEN i % 3 = 0 THEN '' ELSE 'https://s' || i || '.invalid/' END, now() - (40000 - i) * interval '1 minute'
		 FROM generate_series(1, 40000) i`,
		`INSERT INTO guests (email, name) SELECT 'g' || i || '@mail.invalid', 'G' || i FROM generate_series(1, 600) i`,
		`INSERT INTO guest_submissions (guest_id, status, spam, trashed, token_hash, token_salt, name, email, created_at)
		 SELECT g.id, CASE WHEN g.id % 4 = 0 THEN 'declined' ELSE 'received' END, g.id % 5 = 0, g.id % 7 = 0,
		        sha256(g.id::text::bytea), '\x00', g.name, g.email, now() - (600 - g.id) * interval '1 hour'
		 FROM guests g`,
		`INSERT INTO guest_versions (submission_id, number, title, body_format, body_source, body_html)
		 SELECT id, 1, 'Essay ' || id, 'markdown', 'x', '<p>x</p>' FROM guest_submissions`,
	} {
		var args []any
		if strings.Contains(q, "$1") {
			args = []any{p.ID}
		}
		if _, err := s.Pool.Exec(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Pool.Exec(ctx, `VACUUM ANALYZE comments, guest_submissions, guest_versions`); err != nil {
		t.Fatal(err)
	}
	var wantHeld int
	_ = s.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM comments WHERE status = 'held') +
		(SELECT count(*) FROM guest_submissions WHERE NOT spam AND NOT trashed AND status IN ('received','in_review'))`).Scan(&wantHeld)

	start := time.Now()
	counts, err := store.QueueCounts(ctx, s.Pool, nil)
	t.Logf("counts in %v: %v", time.Since(start), counts)
	if err != nil || counts[comment.StatusHeld] != wantHeld {
		t.Fatalf("counts %v (want %d held) %v", counts, wantHeld, err)
	}
	seen, cursor, pages := 0, "", 0
	var last time.Time
	var slowest, total time.Duration
	for {
		start := time.Now()
		items, next, err := store.Queue(ctx, s.Pool, store.QueueFilter{Cursor: cursor, Limit: 50})
		slowest, total = max(slowest, time.Since(start)), total+time.Since(start)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if !last.IsZero() && it.CreatedAt.After(last) {
				t.Fatalf("out of order at %s", it.Key)
			}
			last = it.CreatedAt
		}
		seen += len(items)
		pages++
		if next == "" {
			break
		}
		cursor = next
	}
	t.Logf("%d held items in %d pages of 50; mean page %v, slowest %v", seen, pages, total/time.Duration(pages), slowest)
	if seen != wantHeld {
		t.Errorf("walked %d held items, want %d", seen, wantHeld)
	}
	// No sequential scan of comments for a page of any tab.
	for _, st := range []comment.Status{comment.StatusHeld, comment.StatusSpam, comment.StatusTrash} {
		var plan []byte
		q := `EXPLAIN (FORMAT JSON) SELECT c.id FROM comments c WHERE c.status = $1 AND c.kind = ANY($2) AND ($3 = 0 OR c.post_id = $3)
			AND (c.created_at < $4 OR (c.created_at = $4 AND (0 < $5 OR (0 = $5 AND c.id < $6))))
			ORDER BY c.created_at DESC, c.id DESC LIMIT 51`
		kinds := []string{string(moderation.KindComment), string(moderation.KindPingback), string(moderation.KindWebmention)}
		if err := s.Pool.QueryRow(ctx, q, st, kinds, int64(0), time.Now(), 0, int64(0)).Scan(&plan); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(plan), `"Seq Scan"`) {
			t.Errorf("%s tab scans comments: %s", st, plan)
		}
	}
}
