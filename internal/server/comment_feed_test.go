package server

import (
	"encoding/xml"
	"io"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"quire/internal/account"
	"quire/internal/commenting"
	"quire/internal/post"
)

// TestCommentPagesAndFeeds: top-level threads paginate, a permalink lands
// on the right page, and the feeds carry RFC 4685 threading.
func TestCommentPagesAndFeeds(t *testing.T) {
	e := newEnv(t)
	ann := e.MustUser("ann", account.Author)
	p := e.MustPost(ann, "Paged", post.CommentsOpen)
	e.Settings(func(s *commenting.Settings) { s.PerPage = 2 })
	author := e.Client()
	e.SignIn(author, "ann")
	var ids []int64
	for i := range 5 {
		ids = append(ids, commentID(t, e.Comment(author, p, url.Values{"body": {"Top " + strconv.Itoa(i)}})))
	}
	reply := commentID(t, e.Comment(author, p, url.Values{"body": {"A reply"}, "parent_id": {strconv.FormatInt(ids[4], 10)}}))

	reader := e.Client()
	d := e.page(reader, p.Path())
	if n := d.Find(".comment-list > li").Length(); n != 2 || d.Find("#comments-title").Text() != "6 responses" {
		t.Errorf("page 1: %d threads, %q", n, d.Find("#comments-title").Text())
	}
	next, _ := d.Find(`.comment-pages a[rel=next]`).Attr("href")
	if next != p.Path()+"?cpage=2#comments" {
		t.Errorf("next link %q", next)
	}
	res := e.Get(reader, "/comments/"+strconv.FormatInt(reply, 10))
	want := p.Path() + "?cpage=3#comment-" + strconv.FormatInt(reply, 10)
	if loc := res.Header.Get("Location"); loc != want {
		t.Errorf("permalink → %q, want %q", loc, want)
	}
	d = e.page(reader, p.Path()+"?cpage=3")
	if d.Find("#comment-"+strconv.FormatInt(reply, 10)).Length() != 1 {
		t.Error("reply not on page 3")
	}
	// Newest first: the newest thread leads page 1.
	e.Settings(func(s *commenting.Settings) { s.NewestFirst = true })
	d = e.page(reader, p.Path())
	if id, _ := d.Find(".comment-list > li > article").First().Attr("id"); id != "comment-"+strconv.FormatInt(ids[4], 10) {
		t.Errorf("newest first starts with %s", id)
	}

	res = e.Get(reader, p.Path()+"/comments.atom")
	body, _ := io.ReadAll(res.Body)
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "application/atom+xml") {
		t.Errorf("atom content type %q", res.Header.Get("Content-Type"))
	}
	var feed struct {
		Entries []struct {
			ID    string `xml:"id"`
			Reply struct {
				Ref string `xml:"ref,attr"`
			} `xml:"http://purl.org/syndication/thread/1.0 in-reply-to"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(body, &feed); err != nil {
		t.Fatalf("atom: %v\n%s", err, body)
	}
	if len(feed.Entries) != 6 {
		t.Fatalf("%d entries", len(feed.Entries))
	}
	// Newest first: the reply, answering comment ids[4].
	if !strings.HasSuffix(feed.Entries[0].Reply.Ref, "/comments/"+strconv.FormatInt(ids[4], 10)) ||
		!strings.HasPrefix(feed.Entries[1].Reply.Ref, "tag:") {
		t.Errorf("in-reply-to: %q, %q", feed.Entries[0].Reply.Ref, feed.Entries[1].Reply.Ref)
	}
	for _, path := range []string{p.Path() + "/comments.rss", "/comments/feed.atom", "/comments/feed.rss"} {
		res := e.Get(reader, path)
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 || !strings.Contains(string(b), "A reply") {
			t.Errorf("%s: %d", path, res.StatusCode)
		}
	}
	if res := e.Get(reader, "/posts/nope/comments.atom"); res.StatusCode != 404 {
		t.Errorf("missing post feed: %d", res.StatusCode)
	}
}
