package store_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/comment"
	"quire/internal/post"
	"quire/internal/store"
)

// TestThreadPageOfMatchesFullThread builds a random thread (replies up to
// deep chains, held and spam parents that make orphans), changes statuses
// and deletes comments the way moderation does, and after each round checks
// that the kept counts equal a count(*) and that every page ThreadPageOf
// reads, and CommentPageOf's answer for every comment, equal what paginating
// the whole built thread (store.Thread + comment.BuildThread) gives, in both
// orders.
func TestThreadPageOfMatchesFullThread(t *testing.T) {
	s := storetestNew(t)
	ctx := context.Background()
	ann := mustUser(t, s.Pool, "ann", account.Author)
	p := mustPost(t, s.Pool, ann, "Paged", post.Published, time.Now().Add(-time.Hour))
	rng := rand.New(rand.NewPCG(1, 16))
	var all []*store.Comment
	statuses := []comment.Status{comment.StatusApproved, comment.StatusApproved, comment.StatusApproved, comment.StatusHeld, comment.StatusSpam}
	for i := range 120 {
		var parent *store.Comment
		if len(all) > 0 && rng.IntN(3) > 0 {
			parent = all[len(all)-1-rng.IntN(min(len(all), 6))]
		}
		all = append(all, mustComment(t, s.Pool, p.ID, parent, "c"+string(rune('A'+i%26)), "x@mail.invalid", statuses[rng.IntN(len(statuses))]))
	}
	check := func(round string) {
		t.Helper()
		full, err := store.Thread(ctx, s.Pool, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		roots := comment.BuildThread(full)
		kept, err := store.PostThreadCounts(ctx, s.Pool, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if kept.Comments != len(full) || kept.Roots != len(roots) {
			t.Fatalf("%s: kept counts %+v, counted %d comments %d roots", round, kept, len(full), len(roots))
		}
		for _, newest := range []bool{false, true} {
			ordered := append([]*comment.Node(nil), roots...)
			if newest {
				for i, j := 0, len(ordered)-1; i < j; i, j = i+1, j-1 {
					ordered[i], ordered[j] = ordered[j], ordered[i]
				}
			}
			const per = 7
			pageOfID := map[int64]int{}
			for i, r := range ordered {
				for _, n := range comment.Flatten([]*comment.Node{r}) {
					pageOfID[n.ID] = i/per + 1
				}
			}
			pages := max(1, (len(ordered)+per-1)/per)
			for pg := 1; pg <= pages; pg++ {
				w, err := store.ThreadPageOf(ctx, s.Pool, p.ID, pg, per, newest)
				if err != nil {
					t.Fatal(err)
				}
				if w.Page != pg || w.Pages != pages {
					t.Fatalf("%s: page %d of %d, want %d of %d", round, w.Page, w.Pages, pg, pages)
				}
				want := ordered[min((pg-1)*per, len(ordered)):min(pg*per, len(ordered))]
				got := comment.BuildThread(w.Comments)
				if newest {
					for i, j := 0, len(got)-1; i < j; i, j = i+1, j-1 {
						got[i], got[j] = got[j], got[i]
					}
				}
				if g, w := ids(comment.Flatten(got)), ids(comment.Flatten(want)); g != w {
					t.Fatalf("%s newest=%v page %d:\n got %s\nwant %s", round, newest, pg, g, w)
				}
			}
			for _, c := range full {
				got, err := store.CommentPageOf(ctx, s.Pool, p.ID, c.Path, per, newest)
				if err != nil {
					t.Fatal(err)
				}
				if got != pageOfID[c.ID] {
					t.Fatalf("%s newest=%v: comment %d on page %d, want %d", round, newest, c.ID, got, pageOfID[c.ID])
				}
			}
		}
	}
	check("created")
	for round := range 4 {
		for range 15 {
			c := all[rng.IntN(len(all))]
			st := statuses[rng.IntN(len(statuses))]
			if _, err := s.Pool.Exec(ctx, `UPDATE comments SET status = $2 WHERE id = $1`, c.ID, st); err != nil {
				t.Fatal(err)
			}
		}
		// A delete: replies keep their path, lose their parent (SET NULL).
		if _, err := s.Pool.Exec(ctx, `DELETE FROM comments WHERE id = $1`, all[rng.IntN(len(all))].ID); err != nil {
			t.Fatal(err)
		}
		check("round " + string(rune('1'+round)))
	}
	// Bulk moderation in one statement keeps the counts too.
	if _, err := s.Pool.Exec(ctx, `UPDATE comments SET status = 'approved' WHERE post_id = $1`, p.ID); err != nil {
		t.Fatal(err)
	}
	check("all approved")
	if _, err := s.Pool.Exec(ctx, `DELETE FROM posts WHERE id = $1`, p.ID); err != nil {
		t.Fatalf("deleting a post with comments: %v", err)
	}
}

func ids(ns []*comment.Node) string {
	b := make([]byte, 0, len(ns)*4)
	for _, n := range ns {
		b = append(b, []byte(comment.Segment(n.ID)[7:])...)
		b = append(b, ' ')
	}
	return string(b)
}
