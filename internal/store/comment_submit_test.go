package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"quire/internal/account"
	"quire/internal/store"
)

// TestSubmitReadStaysNarrow: a comment's reads must not grow with the
// post's thread. The statistics are taken while the post has a few
// comments, then a burst of 20,000 arrives from 20,000 senders (what the
// bench does in seconds, before autovacuum analyses again), and the
// generic plan (pgx prepares its statements) of the signals must still
// start from the sender's ranges, never from the post's comments.
func TestSubmitReadStaysNarrow(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	s := storetestNew(t)
	ctx := context.Background()
	u := mustUser(t, s.Pool, "ann", account.Author)
	var postID int64
	if err := s.Pool.QueryRow(ctx, `INSERT INTO posts (author_id, title, slug, status, published_at)
		VALUES ($1, 'Busy', 'busy', 'published', now()) RETURNING id`, u.ID).Scan(&postID); err != nil {
		t.Fatal(err)
	}
	burst := func(from, to int) {
		t.Helper()
		if _, err := s.Pool.Exec(ctx, `INSERT INTO comments (id, post_id, depth, path, status, author_name, author_email, ip, body_source)
			SELECT i, $1, 0, lpad(i::text, 10, '0'), CASE WHEN i % 4 = 0 THEN 'approved' ELSE 'held' END, 'Reader', 'r' || i || '@mail.invalid',
			       ('10.' || (i / 65536) || '.' || (i / 256 % 256) || '.' || (i % 256))::inet, 'Comment ' || i
			FROM generate_series($2::int, $3::int) i`, postID, from, to); err != nil {
			t.Fatal(err)
		}
	}
	// The rest of the blog, shaped like the bench's generated one: 400
	// posts of 50 comments, from 100 addresses (readers come back).
	for _, q := range []string{
		`INSERT INTO posts (author_id, title, slug, status, published_at)
		 SELECT $1, 'Post ' || i, 'post-' || i, 'published', now() FROM generate_series(1, 400) i`,
		`INSERT INTO comments (id, post_id, depth, path, status, author_name, author_email, ip, body_source)
		 SELECT 100000 + i, (SELECT min(id) FROM posts WHERE slug LIKE 'post-%') + i % 400, 0, lpad((100000 + i)::text, 10, '0'),
		        'approved', 'Reader', 'old' || (i % 5000) || '@mail.invalid', ('10.9.0.' || (i % 100))::inet, 'Old ' || i
		 FROM generate_series(1, 20000) i`,
	} {
		var args []any
		if strings.Contains(q, "$1") {
			args = []any{u.ID}
		}
		if _, err := s.Pool.Exec(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	burst(1, 50)
	if _, err := s.Pool.Exec(ctx, `ANALYZE comments`); err != nil {
		t.Fatal(err)
	}
	burst(51, 20050)
	one := fmt.Sprintf(`(%d, 'r77@mail.invalid', '10.0.0.77', 'Comment 77', 600, 600, 86400)`, postID)
	for name, st := range map[string]struct{ sql, args string }{
		"signals":     {store.CommentSignalsSQL, one},
		"submit read": {store.CommentSubmitSQL, one},
		"batch read": {store.CommentSubmitBatchSQL, fmt.Sprintf(`('{%d,%d}', '{r77@mail.invalid,r78@mail.invalid}',
			'{10.0.0.77,NULL}', '{Comment 77,Comment 78}', 600, 600, 86400)`, postID, postID)},
	} {
		sql := st.sql
		tx, err := s.Pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var raw []byte
		_, err = tx.Exec(ctx, `SET LOCAL plan_cache_mode = force_generic_plan`)
		if err == nil {
			_, err = tx.Exec(ctx, `PREPARE submit_read_`+strings.ReplaceAll(name, " ", "_")+` AS `+sql)
		}
		if err == nil {
			err = tx.QueryRow(ctx, `EXPLAIN (FORMAT JSON) EXECUTE submit_read_`+strings.ReplaceAll(name, " ", "_")+st.args).Scan(&raw)
		}
		_ = tx.Rollback(ctx)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		pl := readPlan(t, raw)
		used := pl.indexes
		if pl.seqScans["comments"] {
			t.Errorf("%s: sequential scan of comments", name)
		}
		if used["comments_post_status_idx"] || used["comments_thread_idx"] || used["comments_post_recent_idx"] || used["comments_roots_idx"] {
			t.Errorf("%s: reads the post's thread:\n%s", name, pl.text)
		}
		if !used["comments_email_idx"] || !used["comments_ip_idx"] {
			t.Errorf("%s: not from the sender's ranges:\n%s", name, pl.text)
		}
		t.Logf("%s:\n%s", name, pl.text)
	}
}
