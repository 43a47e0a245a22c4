package server

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"quire/internal/account"
	"quire/internal/app"
	"quire/internal/comment"
	"quire/internal/config"
	"quire/internal/post"
	"quire/internal/store"
	"quire/internal/store/storetest"
	"quire/web"
)

// queryCounter is a pgx tracer that counts statements.
type queryCounter struct {
	n   atomic.Int64
	mu  sync.Mutex
	sql []string // the statements, when recording
	rec bool
}

func (q *queryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	q.n.Add(1)
	q.mu.Lock()
	if q.rec {
		q.sql = append(q.sql, strings.Join(strings.Fields(d.SQL), " "))
	}
	q.mu.Unlock()
	return ctx
}
func (q *queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// countingServer is a real server on a fresh database whose pool counts
// every query.
func countingServer(tb testing.TB) (*Server, *store.Store, *queryCounter) {
	tb.Helper()
	cfg, err := pgxpool.ParseConfig(storetest.URL(tb))
	if err != nil {
		tb.Fatal(err)
	}
	qc := &queryCounter{}
	cfg.ConnConfig.Tracer = qc
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(pool.Close)
	st := &store.Store{Pool: pool}
	base, _ := url.Parse("http://blog.invalid")
	srv, err := buildServer(Deps{Config: config.Config{BaseURL: base, LogLevel: "error"}, Log: slog.New(slog.DiscardHandler), WebFS: web.FS}, app.Deps{Store: st})
	if err != nil {
		tb.Fatal(err)
	}
	return srv, st, qc
}

// seedThread writes n approved comments on postID straight into the
// table: about a third top level, the rest replies to a random earlier
// comment (often a recent one, so chains reach ten levels), with the depth
// rule of a site allowing ten levels.
func seedThread(tb testing.TB, st *store.Store, postID, authorID int64, n int) {
	tb.Helper()
	ctx := context.Background()
	var first int64
	if err := st.Pool.QueryRow(ctx, `SELECT nextval(pg_get_serial_sequence('comments','id'))`).Scan(&first); err != nil {
		tb.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	all := make([]comment.Comment, 0, n)
	rows := make([][]any, 0, n)
	// Thirty hours back: every comment reads "1 day ago" for hours either
	// side, so a slow test's two views of a page never straddle the line
	// between "23 hours ago" and "1 day ago" (seeded at 24 hours back,
	// TestCommentFragmentsFollowEditsAndThemes failed now and then under
	// -race: one view said the one, the next the other).
	now := time.Now().Add(-30 * time.Hour)
	for i := range n {
		c := comment.Comment{ID: first + int64(i) + 1}
		if i > 0 && rng.IntN(3) > 0 {
			pi := rng.IntN(i)
			if rng.IntN(2) == 0 {
				pi = i - 1 - rng.IntN(min(i, 5))
			}
			c.ParentID, c.Depth, c.Path = comment.Attach(&all[pi], comment.MaxMaxDepth)
		}
		c.Path = comment.ChildPath(c.Path, c.ID)
		all = append(all, c)
		var parent *int64
		if c.ParentID != 0 {
			parent = &c.ParentID
		}
		var user *int64
		if i%17 == 0 {
			user = &authorID
		}
		rows = append(rows, []any{c.ID, postID, parent, c.Depth, c.Path, "approved", fmt.Sprintf("Reader %d", i%300),
			fmt.Sprintf("r%d@mail.invalid", i%300), user, "Comment", fmt.Sprintf("<p>Comment number %d, with <em>some</em> text.</p>", i),
			now.Add(time.Duration(i) * time.Second)})
	}
	_, err := st.Pool.CopyFrom(ctx, pgx.Identifier{"comments"},
		[]string{"id", "post_id", "parent_id", "depth", "path", "status", "author_name", "author_email", "user_id", "body_source", "body_html", "created_at"},
		pgx.CopyFromRows(rows))
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := st.Pool.Exec(ctx, `SELECT setval(pg_get_serial_sequence('comments','id'), $1)`, first+int64(n)+1); err != nil {
		tb.Fatal(err)
	}
	if _, err := st.Pool.Exec(ctx, `ANALYZE comments`); err != nil {
		tb.Fatal(err)
	}
}

func benchPost(tb testing.TB, st *store.Store) (*post.Post, *account.User) {
	tb.Helper()
	u := &account.User{Username: "ann", Email: "ann@example.invalid", Role: account.Author}
	if err := store.CreateUser(context.Background(), st.Pool, u); err != nil {
		tb.Fatal(err)
	}
	p := &post.Post{AuthorID: u.ID, Title: "Busy post", BodySource: "Body.", Status: post.Published, PublishedAt: time.Now().Add(-48 * time.Hour)}
	p.Normalize()
	if err := p.Render(renderer()); err != nil {
		tb.Fatal(err)
	}
	if err := store.CreatePost(context.Background(), st.Pool, nil, u.ID, p); err != nil {
		tb.Fatal(err)
	}
	return p, u
}

// getPage renders the post page in-process and returns the queries it ran.
func getPage(tb testing.TB, srv *Server, qc *queryCounter, path string) int64 {
	before := qc.n.Load()
	w := &discardWriter{header: http.Header{}}
	srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	if w.code != 200 || w.n == 0 {
		tb.Fatalf("GET %s: %d, %d bytes", path, w.code, w.n)
	}
	return qc.n.Load() - before
}

// discardWriter is the ResponseWriter of getPage: it counts the body's
// bytes and keeps none, as a socket would. (httptest.ResponseRecorder
// grows a buffer for every page, which was two thirds of the bytes a
// benchmark allocated and made its garbage collector busier than the
// server's.)
type discardWriter struct {
	header http.Header
	code   int
	n      int
}

func (w *discardWriter) Header() http.Header { return w.header }

func (w *discardWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}

func (w *discardWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.n += len(p)
	return len(p), nil
}

// TestPostPageQueries: the number of queries for a post page does not
// grow with its comments.
func TestPostPageQueries(t *testing.T) {
	var counts []int64
	for _, n := range []int{0, 50, 2000} {
		srv, st, qc := countingServer(t)
		p, u := benchPost(t, st)
		seedThread(t, st, p.ID, u.ID, n)
		getPage(t, srv, qc, p.Path()) // warm the settings cache
		qc.rec, qc.sql = true, nil
		counts = append(counts, getPage(t, srv, qc, p.Path()))
		qc.rec = false
		if n == 2000 {
			for _, q := range qc.sql {
				t.Logf("query: %.90s", q)
			}
		}
	}
	if counts[0] != counts[1] || counts[1] != counts[2] {
		t.Errorf("queries per post page with 0, 50, 2000 comments: %v", counts)
	}
	t.Logf("queries per post page: %v", counts)
}

// BenchmarkPostPageComments renders a post page with 1,000 and 10,000
// comments threaded up to ten levels, reporting queries per page.
func BenchmarkPostPageComments(b *testing.B) {
	for _, n := range []int{1_000, 10_000} {
		b.Run(fmt.Sprintf("comments=%d", n), func(b *testing.B) {
			srv, st, qc := countingServer(b)
			p, u := benchPost(b, st)
			seedThread(b, st, p.ID, u.ID, n)
			getPage(b, srv, qc, p.Path())
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p.Path(), nil))
			shown := strings.Count(rec.Body.String(), `class="h-entry p-comment`)
			var q int64
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				q = getPage(b, srv, qc, p.Path())
			}
			b.ReportMetric(float64(q), "queries/page")
			b.ReportMetric(float64(shown), "comments/page")
			b.ReportMetric(float64(rec.Body.Len())/1024, "KB/page")
		})
	}
}
