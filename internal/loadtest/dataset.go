// Package loadtest is Quire's benchmark kit: a dataset generator that
// loads a blog of any size with COPY, a bounded HTTP load generator for
// loopback targets, and the static baseline server that every figure is
// compared with (issue 16; `quire bench`, docs/BENCHMARKS.md).
package loadtest

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"quire/internal/store"
)

// Spec is the shape of a generated blog.
type Spec struct {
	Authors  int // authors writing the posts
	Posts    int // ordinary posts, besides the two below
	Tags     int
	Comments int // spread over the ordinary posts, skewed: a few get thousands
	Busy     int // comments on the post "busy-thread" (the page the targets name)
	Big      int // comments on the post "big-thread"
	Seed     uint64
}

// Small is the default dataset: loads in seconds, so `make bench` runs in
// a minute or two.
var Small = Spec{Authors: 5, Posts: 1000, Tags: 30, Comments: 50_000, Busy: 200, Big: 2_000, Seed: 16}

// Large is the dataset of the second target: 10k posts, 1M
// comments, one post with 10k.
var Large = Spec{Authors: 20, Posts: 10_000, Tags: 200, Comments: 1_000_000, Busy: 200, Big: 10_000, Seed: 16}

// Slugs of the two posts with fixed thread sizes.
const (
	BusySlug = "busy-thread"
	BigSlug  = "big-thread"
)

// Generate loads s into an empty database and reports progress to logw.
func Generate(ctx context.Context, st *store.Store, s Spec, logw io.Writer) error {
	if empty, err := store.IsEmpty(ctx, st.Pool); err != nil {
		return err
	} else if !empty {
		return fmt.Errorf("the database already holds users or posts: the benchmark needs a fresh one")
	}
	start := time.Now()
	rng := rand.New(rand.NewPCG(s.Seed, countStream))
	var users [][]any
	users = append(users, []any{"admin", "admin@bench.invalid", "Admin", "admin"})
	for i := 1; i <= s.Authors; i++ {
		users = append(users, []any{"author" + strconv.Itoa(i), "author" + strconv.Itoa(i) + "@bench.invalid", "Author " + strconv.Itoa(i), "author"})
	}
	if _, err := store.CopyRows(ctx, st.Pool, "users", []string{"username", "email", "display_name", "role"}, copyRows(users)); err != nil {
		return fmt.Errorf("users: %w", err)
	}
	var authorIDs []int64
	rows, err := st.Pool.Query(ctx, `SELECT id FROM users WHERE role = 'author' ORDER BY id`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		authorIDs = append(authorIDs, id)
	}
	if err := rows.Err(); err != nil {
		return err
	}

	now := time.Now()
	posts := &postSource{s: s, rng: rand.New(rand.NewPCG(s.Seed, postStream)), authors: authorIDs, now: now}
	if _, err := store.CopyRows(ctx, st.Pool, "posts", postCols, posts); err != nil {
		return fmt.Errorf("posts: %w", err)
	}
	var terms [][]any
	for i := 1; i <= s.Tags; i++ {
		terms = append(terms, []any{"tag", "tag-" + strconv.Itoa(i), "Tag " + strconv.Itoa(i)})
	}
	for i := 1; i <= 5; i++ {
		terms = append(terms, []any{"category", "category-" + strconv.Itoa(i), "Category " + strconv.Itoa(i)})
	}
	if _, err := store.CopyRows(ctx, st.Pool, "terms", []string{"kind", "slug", "name"}, copyRows(terms)); err != nil {
		return fmt.Errorf("terms: %w", err)
	}
	if _, err := st.Pool.Exec(ctx, `INSERT INTO post_terms (post_id, term_id)
		SELECT p.id, t.id FROM posts p JOIN terms t ON t.slug IN ('tag-' || (1 + p.id % $1), 'tag-' || (1 + (p.id * 7) % $1),
			'category-' || (1 + p.id % 5)) ON CONFLICT DO NOTHING`, s.Tags); err != nil {
		return fmt.Errorf("post terms: %w", err)
	}
	fmt.Fprintf(logw, "loaded %d authors, %d posts, %d terms in %s\n", len(authorIDs), s.Posts+2, len(terms), time.Since(start).Round(time.Millisecond))

	ids, err := store.IDsBySlug(ctx, st.Pool)
	if err != nil {
		return err
	}
	counts := map[int64]int{ids[BusySlug]: s.Busy, ids[BigSlug]: s.Big}
	for range s.Comments {
		// u² skews toward the first posts: with 1,000 posts the first gets
		// about 3% of all comments, most get a handful.
		u := rng.Float64()
		counts[ids["post-"+strconv.Itoa(1+int(u*u*float64(s.Posts)))]]++
	}
	start = time.Now()
	// The busy and big posts' threads come from streams of their own, so
	// that the page the targets compare across datasets holds the same
	// comments (ids and dates aside) in the small dataset and the large.
	cs := newCommentSource(counts, now, s.Seed, map[int64]uint64{ids[BusySlug]: busyStream, ids[BigSlug]: bigStream})
	n, err := store.CopyComments(ctx, st, commentCols, cs)
	if err != nil {
		return fmt.Errorf("comments: %w", err)
	}
	fmt.Fprintf(logw, "loaded %d comments (%d pingbacks and webmentions) in %s\n", n, cs.linkbacks, time.Since(start).Round(time.Millisecond))
	start = time.Now()
	if err := store.AnalyzeAll(ctx, st.Pool); err != nil {
		return err
	}
	fmt.Fprintf(logw, "vacuum analyze in %s\n", time.Since(start).Round(time.Millisecond))
	return nil
}

func copyRows(rows [][]any) *rowsSource { return &rowsSource{rows: rows, i: -1} }

// rowsSource is pgx.CopyFromRows without holding an import of pgx here.
type rowsSource struct {
	rows [][]any
	i    int
}

func (r *rowsSource) Next() bool             { r.i++; return r.i < len(r.rows) }
func (r *rowsSource) Values() ([]any, error) { return r.rows[r.i], nil }
func (r *rowsSource) Err() error             { return nil }

// postCols: newsletter_off because a generated archive is not news. Without
// it the first newsletter tick makes an issue of each post published in
// the last three days and sends them at once, and each send holds a pool
// connection (store.LockIssue) while it asks for more: with the default
// pool of four the server stalls for its first half minute.
var postCols = []string{"author_id", "title", "slug", "body_html", "body_text", "status", "published_at", "created_at", "newsletter_off"}

// postSource streams the posts: "post-1" is the newest ordinary post; the
// busy and big posts come last and are the newest of all, so they lead the
// front page. One in twenty is a draft, one in a hundred scheduled.
type postSource struct {
	s       Spec
	rng     *rand.Rand
	authors []int64
	now     time.Time
	i       int
	row     []any
}

func (p *postSource) Next() bool {
	p.i++
	total := p.s.Posts + 2
	if p.i > total {
		return false
	}
	slug, title := "post-"+strconv.Itoa(p.i), "Post number "+strconv.Itoa(p.i)
	status, at := "published", p.now.Add(-time.Duration(p.i)*5*time.Hour)
	switch {
	case p.i == total-1:
		slug, title, at = BusySlug, "A busy thread", p.now.Add(-2*time.Hour)
	case p.i == total:
		slug, title, at = BigSlug, "A very big thread", p.now.Add(-1*time.Hour)
	case p.i%20 == 0:
		status = "draft"
	case p.i%100 == 1:
		status, at = "scheduled", p.now.Add(time.Duration(p.i)*time.Hour)
	}
	var pub any = at
	if status == "draft" {
		pub = nil
	}
	rng := p.rng
	switch slug { // the same text in every dataset
	case BusySlug:
		rng = rand.New(rand.NewPCG(p.s.Seed, busyPostStream))
	case BigSlug:
		rng = rand.New(rand.NewPCG(p.s.Seed, bigPostStream))
	}
	text := paragraphs(rng, 6)
	p.row = []any{p.authors[p.i%len(p.authors)], title, slug, "<p>" + strings.ReplaceAll(text, "\n", "</p>\n<p>") + "</p>", text, status, pub, at, true}
	return true
}

func (p *postSource) Values() ([]any, error) { return p.row, nil }
func (p *postSource) Err() error             { return nil }

var words = strings.Fields(`the a quire blog post comment thread reply reader writer page server fast slow
	cache index query path tree root branch leaf count table row column disk memory network load measure
	static dynamic number ratio figure result test bench machine core request answer latency throughput
	because however indeed perhaps certainly although meanwhile therefore moreover`)

// paragraphs returns n paragraphs of filler text separated by newlines.
func paragraphs(rng *rand.Rand, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte('\n')
		}
		for j := range 20 + rng.IntN(40) {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[rng.IntN(len(words))])
		}
		b.WriteByte('.')
	}
	return b.String()
}

var commentCols = []string{"id", "post_id", "parent_id", "depth", "path", "kind", "status", "author_name", "author_email",
	"author_url", "body_html", "source_url", "title", "ip", "created_at", "shown_root"}

// sentence is filler for comment bodies.
func sentence(rng *rand.Rand, n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = words[rng.IntN(len(words))]
	}
	return strings.Join(ws, " ")
}
