package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/post"
	"quire/internal/store"
)

// TestPublicQueriesUseIndexes runs EXPLAIN on every query a public page
// makes, over a few thousand posts (3 authors, 20 tags, drafts and
// scheduled posts mixed in) after VACUUM ANALYZE, and fails on any
// sequential scan of posts or post_terms. The planner is left free: no
// enable_seqscan tricks. Run with -v to print the plans.
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
		`INSERT INTO terms (kind, slug, name) SELECT CASE WHEN i <= 15 THEN 'tag' ELSE 'category' END, 'term-' || i, 'Term ' || i
		 FROM generate_series(1, 20) i`,
		`INSERT INTO post_terms (post_id, term_id) SELECT p.id, t.id FROM posts p JOIN terms t
		 ON t.slug IN ('term-' || (1 + p.id % 15), 'term-' || (16 + p.id % 5))`,
	} {
		var args []any
		if strings.Contains(q, "$1") {
			args = []any{ids}
		}
		if _, err := s.Pool.Exec(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Pool.Exec(ctx, `VACUUM ANALYZE posts, post_terms, terms, users`); err != nil {
		t.Fatal(err)
	}
	var tagID int64
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
	lq := func(f store.ListFilter) q { s, a := list(f); return q{s, a} }
	queries := map[string]q{
		"front page":         lq(store.ListFilter{Public: true, Limit: 20}),
		"front page, older":  lq(store.ListFilter{Public: true, Limit: 20, Cursor: cur}),
		"front page, newer":  lq(store.ListFilter{Public: true, Limit: 20, Cursor: post.Cursor{At: cur.At, ID: cur.ID, Before: true}}),
		"author page":        lq(store.ListFilter{Public: true, AuthorID: ids[1], Limit: 20, Cursor: cur}),
		"month archive":      lq(store.ListFilter{Public: true, From: month, To: month.AddDate(0, 1, 0), Limit: 20}),
		"tag page":           lq(store.ListFilter{Public: true, TermID: tagID, Limit: 20, Cursor: cur}),
		"post by slug":       mk(`SELECT `+store.PostCols+` FROM posts p JOIN users u ON u.id = p.author_id WHERE p.kind = $1 AND p.slug = $2`, "post", "post-77"),
		"old slug":           mk(`SELECT p.slug FROM post_old_slugs o JOIN posts p ON p.id = o.post_id WHERE o.kind = $1 AND o.slug = $2`, "post", "x"),
		"post terms":         mk(`SELECT pt.post_id, t.id, t.kind, t.slug, t.name FROM post_terms pt JOIN terms t ON t.id = pt.term_id WHERE pt.post_id = ANY($1) ORDER BY lower(t.name), t.id`, []int64{5, 6, 7}),
		"previous post":      mk(fmt.Sprintf(store.AdjacentSQL, "<", "DESC", "DESC"), cur.At, cur.ID),
		"next post":          mk(fmt.Sprintf(store.AdjacentSQL, ">", "ASC", "ASC"), cur.At, cur.ID),
		"month list":         mk(store.MonthsSQL),
		"sitemap":            mk(store.SitemapSQL, 50000),
		"search":             mk(store.SearchSQL, "zebra", 10, 0),
		"sitemap authors":    mk(store.AuthorsSQL),
		"tag list":           mk(store.TermsSQL, "tag"),
		"term by slug":       mk(`SELECT id, kind, slug, name FROM terms WHERE kind = $1 AND slug = $2`, "tag", "term-3"),
		"author by username": mk(`SELECT id FROM users WHERE lower(username) = lower($1) AND NOT disabled`, "bob"),
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
		var plans []struct{ Plan planNode }
		if err := json.Unmarshal(raw, &plans); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		plans[0].Plan.walk(0, &b, func(n planNode) {
			if n.Type == "Seq Scan" && (n.Relation == "posts" || n.Relation == "post_terms") {
				t.Errorf("%s: sequential scan of %s", name, n.Relation)
			}
		})
		t.Logf("%s:\n%s", name, b.String())
	}
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
