package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/account"
	"quire/internal/comment"
	"quire/internal/post"
	"quire/internal/store"
)

// TestPublicQueriesUseIndexes runs EXPLAIN on every query a public page
// makes, over a few thousand posts (3 authors, 20 tags, drafts and
// scheduled posts mixed in; 26,000 comments, 6,000 on one post, none with
// an e-mail address, as imported ones may come) after VACUUM ANALYZE, and
// fails on any sequential scan of posts, post_terms or comments. The
// planner is left free: no enable_seqscan tricks. Run with -v to print
// the plans.
func TestPublicQueriesUseIndexes(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	s := storetestNew(t)
	ctx := context.Background()
	var ids []int64
	for _, n := range []string{"ann", "bob", "cyd"} {
		ids = append(ids, mustUser(t, s.Pool, n, account.Author).ID)
	}
	for _, q := range []string{
		`INSERT INTO posts (author_id, title, slug, body_html, body_text, status, published_at)
		 SELECT ($1::bigint[])[1 + i % 3], 'Post number ' || i, 'post-' || i, '<p>' || repeat(md5(i::text) || ' lorem ipsum ', 40) || '</p>',
		        repeat(md5(i::text) || ' lorem ipsum ', 40) || ' number ' || i || CASE WHEN i % 150 = 0 THEN ' zebra' ELSE '' END,
		        CASE WHEN i % 10 = 0 THEN 'draft' WHEN i % 50 = 1 THEN 'scheduled' ELSE 'published' END,
		        CASE WHEN i % 10 = 0 THEN NULL
		             WHEN i % 50 = 1 THEN now() + i * interval '1 hour'
		             ELSE now() - (4000 - i) * interval '6 hours' END
		 FROM generate_series(1, 4000) i`,
		`UPDATE posts SET pinned = true WHERE id % 1000 = 3`,
		`INSERT INTO terms (kind, slug, name) SELECT CASE WHEN i <= 15 THEN 'tag' ELSE 'category' END, 'term-' || i, 'Term ' || i
		 FROM generate_series(1, 20) i`,
		`INSERT INTO post_terms (post_id, term_id) SELECT p.id, t.id FROM posts p JOIN terms t
		 ON t.slug IN ('term-' || (1 + p.id % 15), 'term-' || (16 + p.id % 5))`,
		// Comments: post-77 has 2,000 threads with 4,000 replies, every
		// other post a few top-level comments; a tenth are held.
		`CREATE FUNCTION pg_temp.seg(id bigint) RETURNS text LANGUAGE sql AS $f$
		 SELECT string_agg(substr('0123456789abcdefghijklmnopqrstuvwxyz', ((id / (36::bigint ^ k)::bigint) % 36)::int + 1, 1), '' ORDER BY k DESC)
		 FROM generate_series(0, 9) k $f$`,
		`INSERT INTO comments (id, post_id, depth, path, status, author_name, body_html)
		 SELECT i, (SELECT id FROM posts WHERE slug = 'post-77'), 0, pg_temp.seg(i),
		        CASE WHEN i % 10 = 0 THEN 'held' ELSE 'approved' END, 'Reader ' || i, '<p>' || repeat('words ', 30) || '</p>'
		 FROM generate_series(1, 2000) i`,
		`INSERT INTO comments (id, post_id, parent_id, depth, path, status, author_name, body_html)
		 SELECT i, (SELECT id FROM posts WHERE slug = 'post-77'), 1 + i % 2000, 1, pg_temp.seg(1 + i % 2000) || '.' || pg_temp.seg(i),
		        'approved', 'Reader ' || i, '<p>' || repeat('words ', 30) || '</p>'
		 FROM generate_series(2001, 6000) i`,
		`INSERT INTO comments (id, post_id, depth, path, status, author_name, body_html)
		 SELECT 10000 + i, 1 + i % 4000, 0, pg_temp.seg(10000 + i), CASE WHEN i % 10 = 0 THEN 'held' ELSE 'approved' END,
		        'Reader ' || i, '<p>words</p>'
		 FROM generate_series(1, 20000) i`,
	} {
		var args []any
		if strings.Contains(q, "$1") {
			args = []any{ids}
		}
		if _, err := s.Pool.Exec(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	// Loading the comments updated every post's row once (the kept
	// counts), leaving the freshly loaded table half dead; without
	// compacting it the planner picks a sequential scan for the two
	// queries that read every public post (month list, sitemap).
	if _, err := s.Pool.Exec(ctx, `VACUUM FULL posts`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pool.Exec(ctx, `VACUUM ANALYZE posts, post_terms, terms, users, comments`); err != nil {
		t.Fatal(err)
	}
	var tagID, bigPost int64
	if err := s.Pool.QueryRow(ctx, `SELECT id FROM posts WHERE slug = 'post-77'`).Scan(&bigPost); err != nil {
		t.Fatal(err)
	}
	if err := s.Pool.QueryRow(ctx, `SELECT id FROM terms WHERE slug = 'term-3'`).Scan(&tagID); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	cur := post.Cursor{At: now.Add(-100 * 24 * time.Hour), ID: 3600}
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -6, 0)
	list := func(f store.ListFilter) (string, []any) { return store.ListSQL(f) }
	type q struct {
		sql  string
		args []any
	}
	mk := func(sql string, args ...any) q { return q{sql, args} }
	clientIP := "192.0.2.7"
	lq := func(f store.ListFilter) q { s, a := list(f); return q{s, a} }
	queries := map[string]q{
		"front page":          lq(store.ListFilter{Public: true, Limit: 20}),
		"pinned posts":        mk(store.PinnedSQL, store.MaxPinned),
		"front page, older":   lq(store.ListFilter{Public: true, Limit: 20, Cursor: cur}),
		"front page, newer":   lq(store.ListFilter{Public: true, Limit: 20, Cursor: post.Cursor{At: cur.At, ID: cur.ID, Before: true}}),
		"author page":         lq(store.ListFilter{Public: true, AuthorID: ids[1], Limit: 20, Cursor: cur}),
		"month archive":       lq(store.ListFilter{Public: true, From: month, To: month.AddDate(0, 1, 0), Limit: 20}),
		"tag page":            lq(store.ListFilter{Public: true, TermID: tagID, Limit: 20, Cursor: cur}),
		"post by slug":        mk(`SELECT `+store.PostCols+` FROM posts p JOIN users u ON u.id = p.author_id WHERE p.kind = $1 AND p.slug = $2`, "post", "post-77"),
		"old slug":            mk(`SELECT p.slug FROM post_old_slugs o JOIN posts p ON p.id = o.post_id WHERE o.kind = $1 AND o.slug = $2`, "post", "x"),
		"post terms":          mk(`SELECT pt.post_id, t.id, t.kind, t.slug, t.name FROM post_terms pt JOIN terms t ON t.id = pt.term_id WHERE pt.post_id = ANY($1) ORDER BY lower(t.name), t.id`, []int64{5, 6, 7}),
		"post page":           mk(store.ReadPostSQL, "post-77"),
		"month list":          mk(store.MonthsSQL),
		"sitemap":             mk(store.SitemapSQL, 50000),
		"search":              mk(store.SearchSQL, "zebra", 10, 0),
		"sitemap authors":     mk(store.AuthorsSQL),
		"tag list":            mk(store.TermsSQL, "tag"),
		"term by slug":        mk(`SELECT id, kind, slug, name FROM terms WHERE kind = $1 AND slug = $2`, "tag", "term-3"),
		"thread counts":       mk(`SELECT comment_count, root_count FROM posts WHERE id = $1`, bigPost),
		"list counts":         mk(store.CommentCountsSQL, []int64{bigPost, 5, 6, 7}),
		"thread page, oldest": mk(fmt.Sprintf(store.ThreadPageSQL, "ASC"), bigPost, 700, 50),
		"thread page, newest": mk(fmt.Sprintf(store.ThreadPageSQL, "DESC"), bigPost, 0, 50),
		"comment's page":      mk(store.CommentPageSQL, bigPost, []string{"00000001a0.0000000300", "00000001a0"}),
		"post comment feed":   mk(store.PostCommentsSQL, bigPost, 20),
		"recent comments":     mk(store.RecentCommentsSQL, 0, 20),
		"comment signals": mk(store.CommentSignalsSQL, bigPost, "reader@mail.invalid", "192.0.2.7", "<p>words</p>",
			600.0, 600.0, 86400.0),
		"comment submit read": mk(store.CommentSubmitSQL, bigPost, "reader@mail.invalid", "192.0.2.7", "<p>words</p>",
			600.0, 600.0, 86400.0),
		"comment submit batch read": mk(store.CommentSubmitBatchSQL, []int64{bigPost, bigPost, 5},
			[]string{"reader@mail.invalid", "", "other@mail.invalid"}, []*string{&clientIP, &clientIP, nil},
			[]string{"<p>words</p>", "<p>more</p>", "<p>again</p>"}, 600.0, 600.0, 86400.0),
		// Admin pages, but over every comment of the blog: the queue's
		// tabs, newest first, one page.
		"queue, approved": mk(store.QueueSQL(comment.StatusApproved, false), "approved", []string{"comment", "pingback", "webmention"},
			int64(0), time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), 0, int64(0), 51, "", "%%"),
		"queue, held": mk(store.QueueSQL(comment.StatusHeld, true), "held", []string{"comment", "pingback", "webmention"},
			int64(0), time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), 0, int64(0), 51, "", "%%"),
		"queue, searched": mk(store.QueueSQL(comment.StatusHeld, true), "held", []string{"comment", "pingback", "webmention"},
			int64(0), time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), 0, int64(0), 51, "reader@mail.invalid", "%reader@mail.invalid%"),
		"held on a post":     mk(store.HeldOnPostSQL, bigPost), // the note above a moderator's thread
		"author by username": mk(`SELECT id FROM users WHERE lower(username) = lower($1) AND NOT disabled`, "bob"),
	}
	// The thread's queries must start from the right index: an index scan
	// of another one that filters by post would still grow with the table.
	wantIndex := map[string]string{
		"thread page, oldest": "comments_thread_idx",
		"thread page, newest": "comments_thread_idx",
		"comment's page":      "comments_roots_idx",
		"post comment feed":   "comments_post_recent_idx",
		"recent comments":     "comments_recent_idx",
		"queue, approved":     "comments_recent_idx",
		"queue, held":         "comments_queue_time_idx",
		"queue, searched":     "comments_queue_time_idx", // the tab's index in order, the search a filter
		"held on a post":      "comments_post_status_idx",
		"list counts":         "posts_pkey", // the kept counts, not the comments
		// The duplicate check must not walk the post's thread (6,000
		// comments on post-77), whatever the planner thinks of it.
		"comment signals":           "comments_email_idx",
		"comment submit read":       "comments_email_idx",
		"comment submit batch read": "comments_email_idx",
	}
	names := make([]string, 0, len(queries))
	for name := range queries {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		qq := queries[name]
		var raw []byte
		if err := s.Pool.QueryRow(ctx, "EXPLAIN (FORMAT JSON) "+qq.sql, qq.args...).Scan(&raw); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// PostgreSQL may run either plan of a prepared statement (pgx
		// prepares them all): the custom plan above, or the generic one,
		// planned once for any arguments.
		for _, pl := range []plan{readPlan(t, raw), genericPlan(t, s, name, qq.sql, qq.args)} {
			used := pl.indexes
			for _, rel := range []string{"posts", "post_terms", "comments"} {
				if pl.seqScans[rel] {
					t.Errorf("%s: sequential scan of %s:\n%s", name, rel, pl.text)
				}
			}
			if strings.HasPrefix(name, "comment s") && (used["comments_post_status_idx"] || used["comments_thread_idx"]) {
				t.Errorf("%s: scans the post's thread", name)
			}
			if want := wantIndex[name]; want != "" && !used[want] {
				t.Errorf("%s: does not use %s:\n%s", name, want, pl.text)
			}
			t.Logf("%s:\n%s", name, pl.text)
		}
	}
}

// genericPlan returns the generic plan of sql: prepared, and explained
// with args under plan_cache_mode force_generic_plan, which uses it
// whatever the arguments.
func genericPlan(t *testing.T, s *store.Store, name, sql string, args []any) plan {
	t.Helper()
	ctx := context.Background()
	tx, err := s.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	ps := make([]string, len(args))
	for i := range ps {
		ps[i] = fmt.Sprintf("$%d", i+1)
	}
	// PREPARE outlives the transaction: each query its own name.
	stmt := fmt.Sprintf("generic_plan_%x", sha256.Sum256([]byte(name+sql)))[:30] // two cases may share a statement
	explain := "EXPLAIN (FORMAT JSON) EXECUTE " + stmt
	if len(args) > 0 {
		explain += "(" + strings.Join(ps, ", ") + ")"
	}
	var raw []byte
	_, err = tx.Exec(ctx, `SET LOCAL plan_cache_mode = force_generic_plan`)
	if err == nil {
		_, err = tx.Exec(ctx, `PREPARE `+stmt+` AS `+sql)
	}
	if err == nil {
		// EXPLAIN EXECUTE takes no parameters of its own: pgx writes
		// the arguments into it (the simple protocol).
		err = tx.QueryRow(ctx, explain, append([]any{pgx.QueryExecModeSimpleProtocol}, args...)...).Scan(&raw)
	}
	if err != nil {
		t.Fatalf("%s, generic plan: %v", name, err)
	}
	pl := readPlan(t, raw)
	pl.text = "(generic)\n" + pl.text
	return pl
}

// plan is an EXPLAIN (FORMAT JSON) output read: the plan as indented
// text, the indexes it uses, and the tables it scans sequentially.
type plan struct {
	text     string
	indexes  map[string]bool
	seqScans map[string]bool
	conds    map[string]string // index → the Index Cond of its (last) scan
}

// readPlan reads raw, EXPLAIN (FORMAT JSON)'s output.
func readPlan(t *testing.T, raw []byte) plan {
	t.Helper()
	var plans []struct{ Plan planNode }
	if err := json.Unmarshal(raw, &plans); err != nil || len(plans) == 0 {
		t.Fatalf("EXPLAIN output %q: %v", raw, err)
	}
	var b strings.Builder
	p := plan{indexes: map[string]bool{}, seqScans: map[string]bool{}, conds: map[string]string{}}
	plans[0].Plan.walk(0, &b, func(n planNode) {
		p.indexes[n.Index] = true
		if n.Index != "" {
			p.conds[n.Index] = n.Cond
		}
		if n.Type == "Seq Scan" {
			p.seqScans[n.Relation] = true
		}
	})
	p.text = b.String()
	return p
}

type planNode struct {
	Type     string     `json:"Node Type"`
	Relation string     `json:"Relation Name"`
	Index    string     `json:"Index Name"`
	Cond     string     `json:"Index Cond"`
	Plans    []planNode `json:"Plans"`
}

func (n planNode) walk(depth int, b *strings.Builder, visit func(planNode)) {
	visit(n)
	fmt.Fprintf(b, "%s%s", strings.Repeat("  ", depth), n.Type)
	if n.Index != "" {
		fmt.Fprintf(b, " using %s", n.Index)
	}
	if n.Relation != "" {
		fmt.Fprintf(b, " on %s", n.Relation)
	}
	b.WriteByte('\n')
	for _, c := range n.Plans {
		c.walk(depth+1, b, visit)
	}
}
