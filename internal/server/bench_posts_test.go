package server

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/app"
	"quire/internal/config"
	"quire/internal/post"
	"quire/internal/store"
	"quire/internal/store/storetest"
	"quire/web"
)

// benchServer is the real router over a database with 200 published posts
// of about 4 KB of Markdown each, 3 authors and 10 tags.
func pubBenchServer(b testing.TB) *Server {
	b.Helper()
	st := storetest.New(b)
	base, _ := url.Parse("http://blog.invalid")
	srv, err := buildServer(Deps{Config: config.Config{BaseURL: base, LogLevel: "error"}, Log: slog.New(slog.DiscardHandler), WebFS: web.FS}, app.Deps{Store: st})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var authors []*account.User
	for _, n := range []string{"ann", "bob", "cyd"} {
		u := &account.User{Username: n, Email: n + "@blog.invalid", Role: account.Author}
		if err := store.CreateUser(ctx, st.Pool, u); err != nil {
			b.Fatal(err)
		}
		authors = append(authors, u)
	}
	para := strings.Repeat("Some *emphasis*, some `code` and a [link](/posts/post-1). ", 12) + "\n\n"
	body := "## Heading\n\n" + strings.Repeat(para, 5) + "```go\nfunc main() {}\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
	now := time.Now()
	for i := range 200 {
		p := &post.Post{AuthorID: authors[i%3].ID, Title: "Post " + string(rune('a'+i%26)) + " " + strconv.Itoa(i), BodySource: body,
			Status: post.Published, PublishedAt: now.Add(-time.Duration(i) * time.Hour),
			Tags: []post.Term{post.NewTerm(post.Tag, "tag "+strconv.Itoa(i%10))}}
		p.Normalize()
		if err := p.Render(renderer()); err != nil {
			b.Fatal(err)
		}
		if err := store.CreatePost(ctx, st.Pool, nil, p.AuthorID, p); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := st.Pool.Exec(ctx, "VACUUM ANALYZE"); err != nil {
		b.Fatal(err)
	}
	return srv
}

func pubBenchPage(b *testing.B, srv http.Handler, path string) {
	b.Helper()
	req := httptest.NewRequest("GET", path, nil)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != 200 {
		b.Fatalf("%s: %d", path, rec.Code)
	}
	size := rec.Body.Len()
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w := &discardWriter{header: http.Header{}}
			srv.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
			if w.code != 200 {
				b.Errorf("%s: %d", path, w.code)
			}
		}
	})
}

// BenchmarkPages measures the front page and a post page through the real
// router and PostgreSQL, next to a static baseline: the same post page's
// bytes served from memory.
func BenchmarkPages(b *testing.B) {
	srv := pubBenchServer(b)
	b.Run("front", func(b *testing.B) { pubBenchPage(b, srv, "/") })
	b.Run("post", func(b *testing.B) { pubBenchPage(b, srv, "/posts/post-a-0") })
	b.Run("tag", func(b *testing.B) { pubBenchPage(b, srv, "/tags/tag-3") })
	b.Run("feed", func(b *testing.B) { pubBenchPage(b, srv, "/feed.atom") })
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/posts/post-a-0", nil))
	static := rec.Body.Bytes()
	b.Run("static-baseline", func(b *testing.B) {
		pubBenchPage(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write(static)
		}), "/posts/post-a-0")
	})
}
