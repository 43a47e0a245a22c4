package server

import (
	"context"
	"encoding/xml"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"quire/internal/account"
	"quire/internal/post"
	"quire/internal/render"
	"quire/internal/store"
)

const pubBody = "Intro with a [link](http://example.invalid/page).\n\n" +
	"```go\nfmt.Println(\"hi\")\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"

// newPost is the editor form for a published Markdown post.
func pubForm(title, status string) url.Values {
	return url.Values{"title": {title}, "body": {pubBody}, "format": {"markdown"}, "tags": {"Go, Testing"},
		"categories": {"Notes"}, "status": {status}, "comment_policy": {"open"}}
}

func pubWant(t *testing.T, res *http.Response, want int) {
	t.Helper()
	if res.StatusCode != want {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("%s %s: status %d, want %d\n%.600s", res.Request.Method, res.Request.URL.Path, res.StatusCode, want, b)
	}
}

func TestAuthorPublishesReaderFinds(t *testing.T) {
	e := newEnv(t)
	e.MustUser("ann", account.Author)
	c := e.Client()
	e.SignIn(c, "ann")

	// Preview renders without saving.
	res := e.PostForm(c, "/admin/posts/preview", pubForm("Tables and code", "published"))
	pubWant(t, res, 200)
	d := Doc(t, res)
	if d.Find(".notice").Length() != 1 || d.Find(".e-content table").Length() != 1 || d.Find(".e-content pre code").Length() != 1 {
		t.Errorf("preview: %s", d.Find("main").Text())
	}
	var n int
	_ = e.Store.Pool.QueryRow(context.Background(), `SELECT count(*) FROM posts`).Scan(&n)
	if n != 0 {
		t.Fatalf("preview saved a post")
	}

	res = e.PostForm(c, "/admin/posts", pubForm("Tables and code", "published"))
	pubWant(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/admin/posts/") {
		t.Fatalf("redirect to %q", loc)
	}

	reader := e.Client()
	// The post page: h-entry, canonical, OpenGraph, body.
	d = Doc(t, e.Get(reader, "/posts/tables-and-code"))
	art := d.Find("article.h-entry")
	if art.Find("h1.p-name").Text() != "Tables and code" || art.Find(".e-content table td").First().Text() != "1" ||
		art.Find(".p-author.h-card a").AttrOr("href", "") != "/authors/ann" || art.Find("time.dt-published").AttrOr("datetime", "") == "" ||
		art.Find(".byline .meta-row a.u-url").AttrOr("href", "") != e.TS.URL+"/posts/tables-and-code" {
		t.Errorf("h-entry: %s", art.Text())
	}
	if href, _ := art.Find(`.e-content a[href="http://example.invalid/page"]`).Attr("href"); href == "" {
		t.Error("link missing from the body")
	}
	if d.Find(`link[rel=canonical]`).AttrOr("href", "") != e.TS.URL+"/posts/tables-and-code" ||
		d.Find(`meta[property="og:title"]`).AttrOr("content", "") != "Tables and code" ||
		d.Find(`meta[property="twitter:card"]`).Length() != 1 ||
		d.Find(`link[rel=alternate][type="application/atom+xml"]`).Length() < 1 {
		t.Error("head: canonical, OpenGraph, Twitter or feed links missing")
	}
	if d := Doc(t, e.Get(reader, "/archive")); d.Find(`a[href="/archive/`+time.Now().UTC().Format("2006/01")+`"]`).Length() != 1 {
		t.Error("archive index lacks this month")
	}
	if d := Doc(t, e.Get(reader, "/tags")); d.Find(`a[href="/tags/go"]`).Length() != 1 {
		t.Error("tag list lacks Go")
	}
	if d := Doc(t, e.Get(reader, "/categories")); d.Find(`a[href="/categories/notes"]`).Length() != 1 {
		t.Error("category list lacks Notes")
	}
	for _, path := range []string{"/", "/tags/go", "/categories/notes", "/authors/ann", "/search?q=tables", "/archive/" + time.Now().UTC().Format("2006/01")} {
		d := Doc(t, e.Get(reader, path))
		if d.Find(`a[href="/posts/tables-and-code"]`).Length() == 0 {
			t.Errorf("%s does not list the post", path)
		}
	}
	if d := Doc(t, e.Get(reader, "/search?q=tables")); d.Find(".snippet mark, .p-name").Length() == 0 {
		t.Error("no highlighted result")
	}
	// The Atom feed carries it, escaped.
	res = e.Get(reader, "/feed.atom")
	pubWant(t, res, 200)
	body, _ := io.ReadAll(res.Body)
	var f struct {
		Entries []struct {
			ID      string `xml:"id"`
			Title   string `xml:"title"`
			Content string `xml:"content"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(body, &f); err != nil || len(f.Entries) != 1 || f.Entries[0].Title != "Tables and code" ||
		!strings.HasPrefix(f.Entries[0].ID, "tag:127.0.0.1,") || !strings.Contains(f.Entries[0].Content, "<table>") {
		t.Errorf("feed: %v %+v", err, f)
	}
	// A second request with the ETag answers 304.
	req, _ := http.NewRequest("GET", e.TS.URL+"/feed.atom", nil)
	req.Header.Set("If-None-Match", res.Header.Get("ETag"))
	res2, err := reader.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res2.Body.Close()
	if res.Header.Get("ETag") == "" || res.Header.Get("Last-Modified") == "" || res2.StatusCode != http.StatusNotModified {
		t.Errorf("conditional feed: etag %q, status %d", res.Header.Get("ETag"), res2.StatusCode)
	}
	for _, path := range []string{"/feed.rss", "/authors/ann/feed.atom", "/tags/go/feed.rss", "/categories/notes/feed.atom"} {
		res := e.Get(reader, path)
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 || !strings.Contains(string(b), "Tables and code") {
			t.Errorf("%s: %d", path, res.StatusCode)
		}
	}
	res = e.Get(reader, "/sitemap.xml")
	if b, _ := io.ReadAll(res.Body); !strings.Contains(string(b), "/posts/tables-and-code</loc>") ||
		!strings.Contains(string(b), "/authors/ann</loc>") || !strings.Contains(string(b), "/tags/go</loc>") {
		t.Errorf("sitemap: %s", b)
	}
	if b, _ := io.ReadAll(e.Get(reader, "/robots.txt").Body); !strings.Contains(string(b), "Sitemap: ") {
		t.Errorf("robots: %s", b)
	}
}

func TestContributorReviewAndForbidden(t *testing.T) {
	e := newEnv(t)
	e.MustUser("cal", account.Contributor)
	e.MustUser("eve", account.Editor)
	e.MustUser("ann", account.Author)
	e.MustUser("bob", account.Author)
	cc := e.Client()
	e.SignIn(cc, "cal")
	// A contributor cannot publish…
	pubWant(t, e.PostForm(cc, "/admin/posts", pubForm("Guest idea", "published")), http.StatusForbidden)
	// …but can submit for review.
	res := e.PostForm(cc, "/admin/posts", pubForm("Guest idea", "pending"))
	pubWant(t, res, http.StatusSeeOther)
	editPath := res.Header.Get("Location")
	pubWant(t, e.Get(e.Client(), "/posts/guest-idea"), http.StatusNotFound)

	ec := e.Client()
	e.SignIn(ec, "eve")
	d := Doc(t, e.Get(ec, "/admin/posts?status=pending"))
	if d.Find(`a[href="`+editPath+`"]`).Length() != 1 {
		t.Fatalf("editor's review list lacks the post")
	}
	pubWant(t, e.PostForm(ec, editPath, pubForm("Guest idea", "published")), http.StatusSeeOther)
	pubWant(t, e.Get(e.Client(), "/posts/guest-idea"), http.StatusOK)
	// Once published, the contributor can no longer change it.
	pubWant(t, e.Get(cc, editPath), http.StatusForbidden)

	// An author gets 403 on another author's post.
	ac := e.Client()
	e.SignIn(ac, "ann")
	res = e.PostForm(ac, "/admin/posts", pubForm("Ann's", "draft"))
	pubWant(t, res, http.StatusSeeOther)
	annPath := res.Header.Get("Location")
	bc := e.Client()
	e.SignIn(bc, "bob")
	pubWant(t, e.Get(bc, annPath), http.StatusForbidden)
	pubWant(t, e.PostForm(bc, annPath, pubForm("Hijack", "published")), http.StatusForbidden)
	pubWant(t, e.PostForm(bc, annPath+"/trash", nil), http.StatusForbidden)
	// Bob cannot read Ann's draft; Ann can.
	pubWant(t, e.Get(bc, "/posts/anns"), http.StatusNotFound)
	pubWant(t, e.Get(ac, "/posts/anns"), http.StatusOK)
}

func TestEditSlugRevisionsRestore(t *testing.T) {
	e := newEnv(t)
	e.MustUser("ann", account.Author)
	c := e.Client()
	e.SignIn(c, "ann")
	res := e.PostForm(c, "/admin/posts", pubForm("First name", "published"))
	pubWant(t, res, http.StatusSeeOther)
	edit := res.Header.Get("Location")
	v := pubForm("Second name", "published")
	v.Set("slug", "second-name")
	v.Set("body", "Changed body.\n")
	pubWant(t, e.PostForm(c, edit, v), http.StatusSeeOther)

	res = e.Get(e.Client(), "/posts/first-name")
	pubWant(t, res, http.StatusMovedPermanently)
	if res.Header.Get("Location") != "/posts/second-name" {
		t.Errorf("old slug → %q", res.Header.Get("Location"))
	}
	d := Doc(t, e.Get(c, edit+"/revisions"))
	link := d.Find(`a[href*="/revisions/"]`).AttrOr("href", "")
	if link == "" {
		t.Fatal("no revision listed")
	}
	d = Doc(t, e.Get(c, link))
	if d.Find(".diff-del").Length() == 0 || d.Find(".diff-add").Length() == 0 {
		t.Errorf("diff: %s", d.Find("main").Text())
	}
	pubWant(t, e.PostForm(c, link+"/restore", nil), http.StatusSeeOther)
	d = Doc(t, e.Get(e.Client(), "/posts/first-name"))
	if d.Find("h1.p-name").Text() != "First name" {
		t.Errorf("after restore: %q", d.Find("h1.p-name").Text())
	}
	// Trash: gone for readers, listed under Trashed for the author.
	pubWant(t, e.PostForm(c, edit+"/trash", nil), http.StatusSeeOther)
	if res := e.Get(e.Client(), "/posts/first-name"); res.StatusCode == http.StatusOK {
		t.Error("trashed post still readable")
	}
	if d := Doc(t, e.Get(c, "/admin/posts?status=trashed")); d.Find(`a[href="`+edit+`"]`).Length() != 1 {
		t.Error("trash tab lacks the post")
	}
}

func TestScheduledAndPagination(t *testing.T) {
	e := newEnv(t)
	ann := e.MustUser("ann", account.Author)
	ctx := context.Background()
	now := time.Now()
	for i := range 23 {
		p := &post.Post{AuthorID: ann.ID, Title: "Post " + string(rune('A'+i)), BodySource: "x", Status: post.Published,
			PublishedAt: now.Add(-time.Duration(i+1) * time.Hour)}
		p.Normalize()
		_ = p.Render(renderer())
		if err := store.CreatePost(ctx, e.Store.Pool, nil, ann.ID, p); err != nil {
			t.Fatal(err)
		}
	}
	c := e.Client()
	e.SignIn(c, "ann")
	v := pubForm("Future post", "published")
	v.Set("published_at", now.Add(48*time.Hour).UTC().Format("2006-01-02T15:04"))
	res := e.PostForm(c, "/admin/posts", v)
	pubWant(t, res, http.StatusSeeOther)

	reader := e.Client()
	pubWant(t, e.Get(reader, "/posts/future-post"), http.StatusNotFound)
	seen := map[string]bool{}
	path := "/"
	for pages := 0; path != ""; pages++ {
		d := Doc(t, e.Get(reader, path))
		d.Find(".post-card .p-name a").Each(func(_ int, s *pubSel) { seen[s.Text()] = true })
		path = d.Find(`nav.pager a[rel=next]`).AttrOr("href", "")
		if pages > 5 {
			t.Fatal("pager loops")
		}
	}
	if len(seen) != 23 || seen["Future post"] {
		t.Errorf("walked %d posts (future seen: %v)", len(seen), seen["Future post"])
	}
	for _, p := range []string{"/feed.atom", "/sitemap.xml"} {
		if b, _ := io.ReadAll(e.Get(reader, p).Body); strings.Contains(string(b), "Future post") || strings.Contains(string(b), "future-post") {
			t.Errorf("%s shows the scheduled post early", p)
		}
	}
	// Its time comes.
	if _, err := e.Store.Pool.Exec(ctx, `UPDATE posts SET published_at = now() - interval '1 minute' WHERE slug = 'future-post'`); err != nil {
		t.Fatal(err)
	}
	pubWant(t, e.Get(reader, "/posts/future-post"), http.StatusOK)
	if b, _ := io.ReadAll(e.Get(reader, "/feed.atom").Body); !strings.Contains(string(b), "Future post") {
		t.Error("feed lacks the post once due")
	}
}

func TestProfileAndAuthorPage(t *testing.T) {
	e := newEnv(t)
	e.MustUser("ann", account.Author)
	c := e.Client()
	e.SignIn(c, "ann")
	bad := url.Values{"display_name": {"Ann"}, "website": {"javascript:alert(1)"}}
	pubWant(t, e.PostForm(c, "/admin/profile", bad), http.StatusBadRequest)
	ok := url.Values{"display_name": {"Ann Example"}, "bio": {"I write *about* things. <script>x()</script>"},
		"location": {"Lisbon"}, "website": {"https://ann.invalid/"}}
	pubWant(t, e.PostForm(c, "/admin/profile", ok), http.StatusSeeOther)
	d := Doc(t, e.Get(e.Client(), "/authors/ann"))
	p := d.Find(".author-profile")
	if p.Find("h1").Text() != "Ann Example" || p.Find(".location").Text() != "Lisbon" || p.Find(".bio em").Text() != "about" ||
		p.Find("script").Length() != 0 || p.Find(`a[href="https://ann.invalid/"]`).Length() != 1 {
		t.Errorf("author page: %s", p.Text())
	}
	pubWant(t, e.Get(e.Client(), "/authors/nobody"), http.StatusNotFound)
	e.MustUser("mel", account.Member)
	pubWant(t, e.Get(e.Client(), "/authors/mel"), http.StatusNotFound)
	pubWant(t, e.Get(e.Client(), "/authors/mel/feed.atom"), http.StatusNotFound)
	pubWant(t, e.Get(e.Client(), "/archive/2026/13"), http.StatusNotFound)
	pubWant(t, e.Get(e.Client(), "/?cursor=garbage"), http.StatusBadRequest)
}

type pubSel = goquery.Selection

func TestReadingPagesConditional(t *testing.T) {
	e := newEnv(t)
	ann := e.MustUser("ann", account.Author)
	p := &post.Post{AuthorID: ann.ID, Title: "Cached", BodySource: "x", Status: post.Published, PublishedAt: time.Now().Add(-time.Minute)}
	p.Normalize()
	_ = p.Render(renderer())
	if err := store.CreatePost(context.Background(), e.Store.Pool, nil, ann.ID, p); err != nil {
		t.Fatal(err)
	}
	c := e.Client()
	// The post page carries the comment form, whose signed time changes on
	// every render; it must still validate.
	for _, path := range []string{"/", "/tags", "/authors/ann", "/sitemap.xml", "/feed.rss", "/posts/" + p.Slug} {
		res := e.Get(c, path)
		tag := res.Header.Get("ETag")
		req, _ := http.NewRequest("GET", e.TS.URL+path, nil)
		req.Header.Set("If-None-Match", tag)
		res2, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res2.Body.Close()
		if tag == "" || res2.StatusCode != http.StatusNotModified {
			t.Errorf("%s: etag %q, conditional status %d", path, tag, res2.StatusCode)
		}
	}
}

// TestFeedLinksAbsolute: a post's relative links and images reach feed
// readers absolute, resolved against the post's page (footnotes too), in
// Atom and RSS alike; the page itself keeps them as written.
func TestFeedLinksAbsolute(t *testing.T) {
	e := newEnv(t)
	ann := e.MustUser("ann", account.Author)
	p := e.mustBodyPost(ann, "Linked", "See [the other post](/posts/other) and ![a chart](/media/chart.png).[^1]\n\n[^1]: A note.\n", time.Now().Add(-time.Hour))
	post := e.TS.URL + p.Path()
	for _, path := range []string{"/feed.atom", "/feed.rss", "/authors/ann/feed.atom"} {
		b, _ := io.ReadAll(e.Get(e.Client(), path).Body)
		content := html.UnescapeString(string(b))
		for _, want := range []string{`href="` + e.TS.URL + `/posts/other"`, `src="` + e.TS.URL + `/media/chart.png"`, `href="` + post + `#` + render.IDPrefix} {
			if !strings.Contains(content, want) {
				t.Errorf("%s lacks %s", path, want)
			}
		}
		if strings.Contains(content, `href="/`) || strings.Contains(content, `src="/`) {
			t.Errorf("%s keeps a relative URL", path)
		}
	}
	if d := Doc(t, e.Get(e.Client(), p.Path())); d.Find(`.e-content a[href="/posts/other"]`).Length() != 1 {
		t.Error("the page's own link changed")
	}
}
