package store_test

import (
	"context"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/post"
	"quire/internal/store"
)

// BenchmarkReadPost reads the post page's one row (the post, its three
// terms and its neighbours) of a post between two others: the read every
// view of a post makes that the page cache does not serve.
func BenchmarkReadPost(b *testing.B) {
	s := storetestNew(b)
	ctx := context.Background()
	ann := mustUser(b, s.Pool, "ann", account.Author)
	now := time.Now()
	mustPost(b, s.Pool, ann, "Older", post.Published, now.Add(-3*time.Hour))
	p := mustPost(b, s.Pool, ann, "Middle", post.Published, now.Add(-2*time.Hour), "zeta", "Alpha", "mu")
	mustPost(b, s.Pool, ann, "Newer", post.Published, now.Add(-time.Hour))
	if _, err := s.Pool.Exec(ctx, `VACUUM ANALYZE posts, terms, post_terms`); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		got, older, newer, err := store.ReadPost(ctx, s.Pool, p.Slug)
		if err != nil || got.ID != p.ID || len(got.Tags) != 3 || older == nil || newer == nil {
			b.Fatalf("ReadPost: %v, %+v", err, got)
		}
	}
}
