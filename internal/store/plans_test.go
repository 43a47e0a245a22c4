package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/account"
	"quire/internal/post"
	"quire/internal/store"
)

// PostgreSQL plans a prepared statement anew on every run while it
// prices its custom plan below the generic one, which it does for a
// short array or an unknown LIMIT among the arguments. These tests hold
// the write paths and the drains to plans made once per connection
// (pg_prepared_statements counts each connection's plans).

// preparedPlans sums the custom and the generic plans that db's
// connection made of the statements it prepared whose text is LIKE
// pattern (a statement's own text, without % or \, matches itself).
func preparedPlans(t *testing.T, db store.DB, pattern string) (custom, generic int64) {
	t.Helper()
	if err := db.QueryRow(context.Background(), `SELECT coalesce(sum(custom_plans), 0), coalesce(sum(generic_plans), 0)
		FROM pg_prepared_statements WHERE statement LIKE $1`, pattern).Scan(&custom, &generic); err != nil {
		t.Fatal(err)
	}
	return custom, generic
}

// TestSubmitReadsPlannedOnce: the submit reads run their generic plan,
// planned once per connection, for a lone comment as for a batch. Left to
// choose, PostgreSQL planned a lone comment's read anew every time: its
// custom plan, priced for an array of one, looked far cheaper than the
// generic plan priced for ten (278 µs of planning for 27 µs of
// execution). The check runs in the batch's own transaction, on its
// connection.
func TestSubmitReadsPlannedOnce(t *testing.T) {
	s := storetestNew(t)
	ctx := context.Background()
	u := mustUser(t, s.Pool, "ann", account.Author)
	p := mustPost(t, s.Pool, u, "Open", post.Published, time.Now().Add(-time.Hour))
	arg := func(i int) store.SubmitArgs {
		return store.SubmitArgs{PostID: p.ID, Email: fmt.Sprintf("r%d@mail.invalid", i), IP: fmt.Sprintf("192.0.2.%d", i),
			Body: "Words.", IPWindow: time.Hour, EmailWindow: time.Hour, DupWindow: 24 * time.Hour}
	}
	for _, k := range []int{1, 1, 3} {
		as := make([]store.SubmitArgs, k)
		for i := range as {
			as[i] = arg(i + 1)
		}
		err := s.TransactSubmitBatch(ctx, as, nil, func(tx pgx.Tx, _ []store.SubmitBatchRead, _ map[int64]*store.Comment) ([]*store.NewComment, error) {
			if custom, generic := preparedPlans(t, tx, store.CommentSubmitBatchSQL); custom != 0 || generic < 1 {
				t.Errorf("batch of %d: %d custom plans and %d generic, want none and at least one", k, custom, generic)
			}
			return nil, nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	err := s.TransactSubmit(ctx, arg(1), func(tx pgx.Tx, _ store.SubmitRead, err error) (*store.NewComment, error) {
		if err != nil {
			return nil, err
		}
		if custom, generic := preparedPlans(t, tx, store.CommentSubmitSQL); custom != 0 || generic < 1 {
			t.Errorf("TransactSubmit: %d custom plans and %d generic, want none and at least one", custom, generic)
		}
		return nil, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCommentsWithPostsPlannedOnce: the comment job's read of one comment
// runs its generic plan, and the transaction's later statements are back
// to PostgreSQL's choice.
func TestCommentsWithPostsPlannedOnce(t *testing.T) {
	s := storetestNew(t)
	ctx := context.Background()
	u := mustUser(t, s.Pool, "ann", account.Author)
	p := mustPost(t, s.Pool, u, "Open", post.Published, time.Now().Add(-time.Hour))
	if _, err := s.Pool.Exec(ctx, `INSERT INTO comments (id, post_id, depth, path, status, author_name, body_source)
		VALUES (901, $1, 0, lpad('901', 10, '0'), 'held', 'Reader', 'Words.')`, p.ID); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
			cs, err := store.CommentsWithPosts(ctx, tx, []int64{901})
			if err != nil {
				return err
			}
			if len(cs) != 1 || cs[0].Comment.ID != 901 || cs[0].Post.ID != p.ID {
				t.Fatalf("read %+v, want comment 901 on post %d", cs, p.ID)
			}
			custom, generic := preparedPlans(t, tx, `%JOIN posts p ON p.id = c.post_id WHERE c.id = ANY($1)%`)
			var mode string
			if err := tx.QueryRow(ctx, `SELECT current_setting('plan_cache_mode')`).Scan(&mode); err != nil {
				return err
			}
			if custom != 0 || generic < 1 || mode != "auto" {
				t.Errorf("%d custom plans, %d generic, plan_cache_mode %s after; want none, at least one, auto", custom, generic, mode)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestDrainsPlannedOnce: the event drains' statements, their LIMIT
// written out, settle on their generic plan after PostgreSQL's five
// custom ones; with the LIMIT passed as an argument every run was
// planned anew.
func TestDrainsPlannedOnce(t *testing.T) {
	s := storetestNew(t)
	ctx := context.Background()
	c, err := s.Pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Release()
	// A backlog, as during a wave: an empty table prices both plans alike.
	if _, err := c.Exec(ctx, `INSERT INTO comment_events (comment_ids) SELECT ARRAY[i] FROM generate_series(1, 20000) i;
		INSERT INTO linkback_verify_events (pairs, verify_at) SELECT '[]', now() FROM generate_series(1, 20000);
		ANALYZE comment_events, linkback_verify_events`); err != nil {
		t.Fatal(err)
	}
	const runs = 9
	for range runs {
		err := pgx.BeginFunc(ctx, c, func(tx pgx.Tx) error {
			if _, err := store.TakeCommentEvents(ctx, tx, 50); err != nil {
				return err
			}
			_, err := store.TakeLinkbackVerifyEvents(ctx, tx, 50)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, table := range []string{"comment_events", "linkback_verify_events"} {
		custom, generic := preparedPlans(t, c, "WITH taken AS (DELETE FROM "+table+" %")
		if custom > 5 || custom+generic != runs {
			t.Errorf("%s: %d custom plans and %d generic in %d runs, want at most PostgreSQL's first five custom", table, custom, generic, runs)
		}
	}
}
