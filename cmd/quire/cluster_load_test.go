package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"quire/internal/account"
	"quire/internal/commenting"
	"quire/internal/post"
	"quire/internal/render"
	"quire/internal/store"
)

// openPost publishes a post open to comments, with the rules that would
// slow a load test (the too-fast form rule, per-IP and per-address rates)
// off; the nodes learn of the new settings through the invalidation bus.
func openPost(t *testing.T, pool *pgxpool.Pool, author *account.User) *post.Post {
	t.Helper()
	ctx := context.Background()
	p := &post.Post{AuthorID: author.ID, Title: "Load", BodySource: "A post to comment on.", Status: post.Published,
		PublishedAt: time.Now().Add(-time.Hour), CommentPolicy: post.CommentsOpen}
	p.Normalize()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := p.Render(render.New()); err != nil {
		t.Fatal(err)
	}
	if err := store.CreatePost(ctx, pool, nil, author.ID, p); err != nil {
		t.Fatal(err)
	}
	st, err := commenting.LoadSettings(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	st.MinSeconds, st.IPRateCount, st.EmailRateCount = 0, 0, 0
	if err := commenting.SaveSettings(ctx, pool, st); err != nil {
		t.Fatal(err)
	}
	return p
}

// commentLoad has 8 guests load p's page and post a comment, again and
// again for d, spread round-robin over nodes; it returns the comments
// acknowledged (303) per second.
func commentLoad(t *testing.T, nodes []*node, p *post.Post, d time.Duration) float64 {
	t.Helper()
	var acked, bad atomic.Int64
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			jar, _ := cookiejar.New(nil)
			cl := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			for i := w; time.Now().Before(stop); i++ {
				base := nodes[i%len(nodes)].url
				res, err := cl.Get(base + p.Path())
				if err != nil {
					bad.Add(1)
					continue
				}
				page, _ := io.ReadAll(res.Body)
				res.Body.Close()
				_, rest, _ := strings.Cut(string(page), `name="form_token" value="`)
				tok, _, _ := strings.Cut(rest, `"`)
				res, err = cl.PostForm(base+"/posts/"+strconv.FormatInt(p.ID, 10)+"/comments", url.Values{"form_token": {tok},
					"author_name": {"Guest"}, "author_email": {"guest@example.com"}, "body": {"Comment " + strconv.Itoa(i) + "."}})
				if err != nil {
					bad.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode == http.StatusSeeOther {
					acked.Add(1)
				} else {
					bad.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if bad.Load() > 0 {
		t.Errorf("%d comments failed under load", bad.Load())
	}
	return float64(acked.Load()) / d.Seconds()
}
