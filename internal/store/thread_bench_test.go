package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/post"
	"quire/internal/store"
)

// BenchmarkThreadPageOf reads the first and the last page (50 threads a
// page, newest first) of posts with 200 and 10,000 comments —
// a third top level, the rest replies two levels deep — among a table
// that holds all of them: the cost must follow the page, not the thread.
func BenchmarkThreadPageOf(b *testing.B) {
	s := storetestNew(b)
	ctx := context.Background()
	ann := mustUser(b, s.Pool, "ann", account.Author)
	if _, err := s.Pool.Exec(ctx, `CREATE FUNCTION seg(id bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $f$
		SELECT string_agg(substr('0123456789abcdefghijklmnopqrstuvwxyz', ((id / (36::bigint ^ k)::bigint) % 36)::int + 1, 1), '' ORDER BY k DESC)
		FROM generate_series(0, 9) k $f$`); err != nil {
		b.Fatal(err)
	}
	next := int64(1)
	sizes := []int{200, 10_000}
	posts := map[int]int64{}
	for _, n := range sizes {
		p := mustPost(b, s.Pool, ann, fmt.Sprintf("Thread of %d", n), post.Published, time.Now().Add(-time.Hour))
		posts[n] = p.ID
		roots := int64(n / 3)
		// Roots ids [next, next+roots); each reply i hangs under root
		// next + i % roots, and every other reply under that reply.
		if _, err := s.Pool.Exec(ctx, `INSERT INTO comments (id, post_id, depth, path, status, author_name, body_html)
			SELECT i, $1, 0, seg(i), 'approved', 'Reader', '<p>' || repeat('words ', 40) || '</p>'
			FROM generate_series($2::bigint, $2::bigint + $3 - 1) i`, p.ID, next, roots); err != nil {
			b.Fatal(err)
		}
		replies := int64(n) - roots
		if _, err := s.Pool.Exec(ctx, `INSERT INTO comments (id, post_id, parent_id, depth, path, status, author_name, body_html)
			SELECT $2::bigint + $3 + i, $1, $2::bigint + i % $3, 1, seg($2::bigint + i % $3) || '.' || seg($2::bigint + $3 + i),
			       'approved', 'Reader', '<p>' || repeat('words ', 40) || '</p>'
			FROM generate_series(0, $4 - 1) i`, p.ID, next, roots, replies); err != nil {
			b.Fatal(err)
		}
		next += int64(n)
	}
	if _, err := s.Pool.Exec(ctx, `VACUUM ANALYZE comments, posts`); err != nil {
		b.Fatal(err)
	}
	for _, n := range sizes {
		for _, last := range []bool{false, true} {
			name := fmt.Sprintf("comments=%d/page=first", n)
			page := 1
			if last {
				name, page = fmt.Sprintf("comments=%d/page=last", n), 1<<30
			}
			b.Run(name, func(b *testing.B) {
				var got int
				for b.Loop() {
					w, err := store.ThreadPageOf(ctx, s.Pool, posts[n], page, 50, true)
					if err != nil {
						b.Fatal(err)
					}
					got = len(w.Comments)
				}
				b.ReportMetric(float64(got), "comments/page")
			})
		}
	}
}
