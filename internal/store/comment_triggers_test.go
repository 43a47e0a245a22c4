package store_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"quire/internal/account"
	"quire/internal/post"
	"quire/internal/store"
)

// TestCommentTriggersSkipHeldRows: the comments triggers (00013, with the
// WHEN conditions and the count trigger's early return of 00019) send the page cache's thread notice for every
// change to an approved row and for nothing else, and keep shown_root and
// the post's counts exactly as the rule defines them, whether a row
// arrives held, approved, as a reply, or with shown_root already false.
func TestCommentTriggersSkipHeldRows(t *testing.T) {
	s := storetestNew(t)
	ctx := context.Background()
	u := mustUser(t, s.Pool, "ann", account.Author)
	p := mustPost(t, s.Pool, u, "Triggers", post.Published, time.Now().Add(-time.Hour))
	lc, err := s.Pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer lc.Release()
	if _, err := lc.Exec(ctx, `LISTEN quire_invalidate`); err != nil {
		t.Fatal(err)
	}
	thread := "thread:" + strconv.FormatInt(p.ID, 10)
	insert := func(status string, parent int64, extra string) int64 {
		t.Helper()
		var id int64
		if err := s.Pool.QueryRow(ctx, `SELECT nextval('comments_id_seq')`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		path := fmtPath(id)
		var par *int64
		if parent != 0 {
			par = &parent
			var pp string
			if err := s.Pool.QueryRow(ctx, `SELECT path FROM comments WHERE id = $1`, parent).Scan(&pp); err != nil {
				t.Fatal(err)
			}
			path = pp + "." + path
		}
		cols, vals := `id, post_id, parent_id, depth, path, status, author_name`, `$1, $2, $3, $4, $5, $6, 'Reader'`
		if extra != "" {
			cols, vals = cols+", shown_root", vals+", "+extra
		}
		depth := 0
		if parent != 0 {
			depth = 1
		}
		if _, err := s.Pool.Exec(ctx, `INSERT INTO comments (`+cols+`) VALUES (`+vals+`)`, id, p.ID, par, depth, path, status); err != nil {
			t.Fatal(err)
		}
		return id
	}
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := s.Pool.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	type step struct {
		name   string
		do     func()
		notice bool
	}
	var held, heldReply, shown, reply, orphan int64
	steps := []step{
		step{"held comment", func() { held = insert("held", 0, "") }, false},
		step{"approved comment", func() { shown = insert("approved", 0, "") }, true},
		step{"approved reply", func() { reply = insert("approved", shown, "") }, true},
		step{"approved reply to a held comment", func() { orphan = insert("approved", held, "") }, true},
		step{"held reply", func() { heldReply = insert("held", shown, "") }, false},
		step{"approved, arriving with shown_root false", func() { insert("approved", 0, "false") }, true},
		step{"one INSERT of a held row and an approved one", func() {
			exec(`INSERT INTO comments (id, post_id, path, status, author_name)
				SELECT i, $1, lpad(i::text, 10, '0'), CASE WHEN i % 2 = 0 THEN 'held' ELSE 'approved' END, 'Reader'
				FROM (SELECT nextval('comments_id_seq') AS i FROM generate_series(1, 2)) n`, p.ID)
		}, true},
		step{"one INSERT of held rows only", func() {
			exec(`INSERT INTO comments (id, post_id, path, status, author_name)
				SELECT i, $1, lpad(i::text, 10, '0'), 'held', 'Reader'
				FROM (SELECT nextval('comments_id_seq') AS i FROM generate_series(1, 3)) n`, p.ID)
		}, false},
		step{"held comment edited", func() { exec(`UPDATE comments SET body_html = 'x' WHERE id = $1`, held) }, false},
		step{"held comment approved", func() { exec(`UPDATE comments SET status = 'approved' WHERE id = $1`, held) }, true},
		step{"approved comment edited", func() { exec(`UPDATE comments SET body_html = 'y' WHERE id = $1`, reply) }, true},
		step{"approved comment held again", func() { exec(`UPDATE comments SET status = 'held' WHERE id = $1`, held) }, true},
		step{"held comment deleted", func() { exec(`DELETE FROM comments WHERE id = $1`, heldReply) }, false},
		step{"approved comment deleted", func() { exec(`DELETE FROM comments WHERE id = $1`, orphan) }, true},
	}
	for _, st := range steps {
		st.do()
		got := notices(t, lc)
		if want := st.notice; slices.Contains(got, thread) != want || (!want && len(got) > 0) {
			t.Errorf("%s: notices %q, want thread notice %v", st.name, got, want)
		}
		checkKeptCounts(t, s, p.ID, st.name)
	}
}

// notices drains the notifications the listening connection lc has
// received.
func notices(t *testing.T, lc *pgxpool.Conn) []string {
	t.Helper()
	var out []string
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
		n, err := lc.Conn().WaitForNotification(ctx)
		cancel()
		if errors.Is(err, context.DeadlineExceeded) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, n.Payload)
	}
}

// checkKeptCounts compares every row's shown_root (for approved rows,
// the only ones it is read for) and the post's kept counts with the
// rule, computed afresh.
func checkKeptCounts(t *testing.T, s *store.Store, postID int64, step string) {
	t.Helper()
	var kept, keptRoots, all, roots, wrong int
	err := s.Pool.QueryRow(context.Background(), `SELECT p.comment_count, p.root_count,
		(SELECT count(*) FROM comments c WHERE c.post_id = p.id AND c.status = 'approved'),
		(SELECT count(*) FROM comments c WHERE c.post_id = p.id AND c.status = 'approved' AND (c.parent_id IS NULL
			OR NOT EXISTS (SELECT 1 FROM comments q WHERE q.id = c.parent_id AND q.status = 'approved'))),
		(SELECT count(*) FROM comments c WHERE c.post_id = p.id AND c.status = 'approved' AND c.shown_root <> (c.parent_id IS NULL
			OR NOT EXISTS (SELECT 1 FROM comments q WHERE q.id = c.parent_id AND q.status = 'approved')))
		FROM posts p WHERE p.id = $1`, postID).Scan(&kept, &keptRoots, &all, &roots, &wrong)
	if err != nil {
		t.Fatal(err)
	}
	if kept != all || keptRoots != roots || wrong != 0 {
		t.Errorf("%s: kept counts %d/%d, want %d/%d; %d approved rows with a wrong shown_root", step, kept, keptRoots, all, roots, wrong)
	}
}

// fmtPath is a comment id as a path segment (comment.ChildPath's form).
func fmtPath(id int64) string {
	s := strconv.FormatInt(id, 36)
	for len(s) < 10 {
		s = "0" + s
	}
	return s
}

// TestCommentIDSequence: store takes comment ids from comments_id_seq by
// name (nextCommentID); it must be the sequence of comments.id.
func TestCommentIDSequence(t *testing.T) {
	s := storetestNew(t)
	var seq string
	if err := s.Pool.QueryRow(context.Background(), `SELECT pg_get_serial_sequence('comments', 'id')`).Scan(&seq); err != nil {
		t.Fatal(err)
	}
	if seq != "public.comments_id_seq" {
		t.Fatalf("comments.id takes its values from %s, not comments_id_seq", seq)
	}
}
