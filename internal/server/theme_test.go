package server

import (
	"context"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"quire/internal/account"
	"quire/internal/post"
	"quire/internal/store"
)

// mustBodyPost publishes a post with body src at published.
func (e *testEnv) mustBodyPost(author *account.User, title, src string, published time.Time) *post.Post {
	e.t.Helper()
	p := &post.Post{AuthorID: author.ID, Title: title, BodySource: src, Status: post.Published, PublishedAt: published, CommentPolicy: post.CommentsOpen}
	p.Normalize()
	if err := p.Render(renderer()); err != nil {
		e.t.Fatal(err)
	}
	if err := store.CreatePost(context.Background(), e.Store.Pool, nil, author.ID, p); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// TestFrontPageCards: each entry shows its lead image (lazy, sized), the
// author's initials, date, reading time and comment count; page 2 of the
// front page is named so, in its title and heading.
func TestFrontPageCards(t *testing.T) {
	e := newEnv(t)
	ann := e.MustUser("ann", account.Author)
	_, _ = e.Store.Pool.Exec(context.Background(), `UPDATE users SET display_name = 'Ann Lee' WHERE id = $1`, ann.ID)
	now := time.Now()
	pic := e.mustBodyPost(ann, "With a picture", "Opening words.\n\n<img src=\"/media/a.jpg\" alt=\"A\" width=\"800\" height=\"450\">\n\n"+strings.Repeat("word ", 700), now.Add(-time.Hour))
	for i := range 12 {
		e.mustBodyPost(ann, "Older "+strconv.Itoa(i), "Plain.", now.Add(-time.Duration(i+2)*time.Hour))
	}
	c := e.Client()
	res := e.Comment(c, pic, guest("Bo", "bo@mail.invalid", "Nice."))
	e.approve(e.signedIn("mod"), commentID(t, res))

	d := Doc(t, e.Get(e.Client(), "/"))
	card := d.Find("article.post-card").First()
	img := card.Find(".card-image img")
	if img.AttrOr("src", "") != "/media/a.jpg" || img.AttrOr("loading", "") != "lazy" || img.AttrOr("width", "") != "800" || img.AttrOr("height", "") != "450" {
		t.Errorf("lead image: %v", img.Nodes)
	}
	if got := card.Find(".avatar.initials").Text(); got != "AL" {
		t.Errorf("initials %q", got)
	}
	meta := card.Find(".meta-row").Text()
	for _, w := range []string{"3 min read", "1 comment", strconv.Itoa(now.Year())} {
		if !strings.Contains(meta, w) {
			t.Errorf("meta row %q lacks %q", meta, w)
		}
	}
	if d.Find("article.post-card").Eq(1).Find(".card-image").Length() != 0 {
		t.Error("a post without images got one")
	}
	older, _ := d.Find(`.pager a[rel=next]`).Attr("href")
	if !strings.Contains(older, "page=2") {
		t.Fatalf("older link %q", older)
	}
	d = Doc(t, e.Get(e.Client(), older))
	if title := d.Find("title").Text(); !strings.HasPrefix(title, "Page 2 ·") {
		t.Errorf("page 2 title %q", title)
	}
	if h := d.Find("main h1").Text(); h != "Older posts" || !strings.Contains(d.Find(".list-header .kicker").Text(), "Page 2") {
		t.Errorf("page 2 heading %q", h)
	}
	if newer, _ := d.Find(`.pager a[rel=prev]`).Attr("href"); newer != "/" {
		t.Errorf("newer link from page 2: %q", newer)
	}
}

// TestPostPageHead: a long post gets a table of contents linking to its
// headings, highlighted code, social cards with the lead image, JSON-LD
// and an alternate link for every feed the page has.
func TestPostPageHead(t *testing.T) {
	e := newEnv(t)
	ann := e.MustUser("ann", account.Author)
	src := "Lead.\n\n![Fjord](/media/f.jpg)\n\n## One\n\ntext\n\n## Two\n\n```go\nfunc x() {}\n```\n\n### Two and a half\n\ntext[^1]\n\n[^1]: A note."
	p := e.mustBodyPost(ann, `Quotes "and" </script>`, src, time.Now().Add(-time.Hour))
	d := Doc(t, e.Get(e.Client(), p.Path()))
	var toc []string
	d.Find("nav.toc a").Each(func(_ int, s *goquery.Selection) {
		href := s.AttrOr("href", "")
		if d.Find(`[id="`+strings.TrimPrefix(href, "#")+`"]`).Length() != 1 {
			t.Errorf("toc link %s has no target", href)
		}
		toc = append(toc, s.Text())
	})
	if strings.Join(toc, "|") != "One|Two|Two and a half" {
		t.Errorf("toc %q", toc)
	}
	if d.Find(`.e-content pre.chroma span.kd`).Text() != "func" || d.Find(".e-content .footnotes").Length() != 1 {
		t.Error("code not highlighted or footnotes missing")
	}
	og := func(k string) string { return d.Find(`meta[property="`+k+`"]`).AttrOr("content", "") }
	if og("og:image") != e.TS.URL+"/media/f.jpg" || og("twitter:card") != "summary_large_image" || og("og:image:alt") != "Fjord" {
		t.Errorf("social cards: %q %q", og("og:image"), og("twitter:card"))
	}
	var ld map[string]any
	if err := json.Unmarshal([]byte(d.Find(`script[type="application/ld+json"]`).Text()), &ld); err != nil {
		t.Fatalf("JSON-LD: %v", err)
	}
	if ld["@type"] != "BlogPosting" || ld["headline"] != p.Title || ld["image"] != e.TS.URL+"/media/f.jpg" || ld["datePublished"] == nil {
		t.Errorf("JSON-LD %v", ld)
	}
	feeds := map[string]bool{}
	d.Find(`link[rel=alternate]`).Each(func(_ int, s *goquery.Selection) { feeds[s.AttrOr("href", "")] = true })
	for _, f := range []string{"/feed.atom", "/feed.rss", p.Path() + "/comments.atom", p.Path() + "/comments.rss", "/authors/ann/feed.atom", "/authors/ann/feed.rss"} {
		if !feeds[f] {
			t.Errorf("no alternate link to %s (have %v)", f, feeds)
		}
		if res := e.Get(e.Client(), f); res.StatusCode != 200 {
			t.Errorf("%s: %d", f, res.StatusCode)
		}
	}
	// A short post has no table of contents.
	short := e.mustBodyPost(ann, "Short", "## Only\n\ntext", time.Now().Add(-2*time.Hour))
	if Doc(t, e.Get(e.Client(), short.Path())).Find("nav.toc").Length() != 0 {
		t.Error("toc on a short post")
	}
}

// TestFavicon: /favicon.ico is the shipped icon, an ICO file.
func TestFavicon(t *testing.T) {
	e := newEnv(t)
	res := e.Get(e.Client(), "/favicon.ico")
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || len(b) < 22 || string(b[:4]) != "\x00\x00\x01\x00" {
		t.Errorf("favicon: %d, %d bytes", res.StatusCode, len(b))
	}
}
