package server

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"quire/internal/account"
	"quire/internal/commenting"
	"quire/internal/post"
	"quire/internal/render/safetest"
	"quire/internal/store"
)

// xssVectors reads ../shared/testdata/xss-vectors.json (the JSON twin of
// the TSV, same payloads) at test time; the data stays out of the repo.
func xssVectors(t *testing.T) []struct{ ID, Payload string } {
	t.Helper()
	path := filepath.Join("..", "..", "..", "shared", "testdata", "xss-vectors.json")
	b, err := os.ReadFile(path)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("reading %s: %v", path, err)
		}
		t.Skipf("no shared test data: %v", err)
	}
	var vs []struct{ ID, Payload string }
	if err := json.Unmarshal(b, &vs); err != nil {
		t.Fatal(err)
	}
	return vs
}

// TestCommentPagesXSS posts every XSS vector through the comment form,
// shows them in the moderation queue, approves them and shows the post
// page and the comments feed: no page may carry executable content.
func TestCommentPagesXSS(t *testing.T) {
	if testing.Short() {
		t.Skip("754 comments")
	}
	vs := xssVectors(t)
	e := newEnv(t)
	e.Settings(func(s *commenting.Settings) {
		s.MinSeconds, s.MaxLinks, s.IPRateCount, s.EmailRateCount, s.PerPage = 0, -1, 0, 0, 0
	})
	ann := e.MustUser("ann", account.Author)
	p := e.MustPost(ann, "Hostile", post.CommentsOpen)
	poster := e.Client()
	accepted := 0
	for i, v := range vs {
		res := e.PostForm(poster, "/posts/"+strconv.FormatInt(p.ID, 10)+"/comments", url.Values{
			"author_name": {"Vector " + v.ID}, "author_email": {"v" + strconv.Itoa(i) + "@mail.invalid"}, "body": {v.Payload}})
		switch res.StatusCode {
		case http.StatusSeeOther:
			accepted++
		case http.StatusBadRequest: // empty after trimming, or not UTF-8: refused with a message
			if Doc(t, res).Find(".field-error").Length() == 0 {
				t.Errorf("%s refused without a message", v.ID)
			}
		default:
			t.Fatalf("%s: status %d", v.ID, res.StatusCode)
		}
	}
	t.Logf("%d of %d vectors accepted", accepted, len(vs))
	if accepted < 700 {
		t.Fatalf("only %d of %d vectors accepted", accepted, len(vs))
	}
	mod := e.signedIn("admin")
	ctx := context.Background()
	var ids []string
	rows, _ := e.Store.Pool.Query(ctx, `SELECT id FROM comments`)
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		ids = append(ids, "c"+strconv.FormatInt(id, 10))
	}
	rows.Close()

	// The queue, every page of it.
	bulk := func(action string) { // at most 200 items an action, as the queue takes
		for i := 0; i < len(ids); i += 200 {
			e.PostForm(mod, "/admin/moderation", url.Values{"key": ids[i:min(i+200, len(ids))], "action": {action}})
		}
	}
	bulk("hold")
	seen := 0
	for next := "/admin/moderation?status=held"; next != ""; {
		d := e.page(mod, next)
		assertNoScript(t, next, d)
		d.Find(".queue-content").Each(func(_ int, s *goquery.Selection) {
			seen++
			h, _ := s.Html()
			if bad := safetest.Unsafe(h); len(bad) > 0 {
				t.Errorf("queue item %s: %v", s.Closest(".queue-item").AttrOr("id", "?"), bad)
			}
		})
		next, _ = d.Find(`a[href^="/admin/moderation?"][href*="after="]`).Attr("href")
	}
	if seen < accepted {
		t.Errorf("queue showed %d of %d items", seen, accepted)
	}

	// The post page, after approving them all.
	bulk("approve")
	d := e.page(e.Client(), p.Path())
	assertNoScript(t, p.Path(), d)
	n := 0
	d.Find("#comments .e-content").Each(func(_ int, s *goquery.Selection) {
		n++
		h, _ := s.Html()
		if bad := safetest.Unsafe(h); len(bad) > 0 {
			t.Errorf("comment %s: %v", s.Closest("article").AttrOr("id", "?"), bad)
		}
	})
	if n != accepted {
		t.Errorf("post page shows %d of %d comments", n, accepted)
	}

	// The comments feed, with every comment (feeds normally carry 20).
	cs, err := store.RecentComments(ctx, e.Store.Pool, p.ID, 10000)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	if err := e.Srv.serveCommentFeed(rec, httptest.NewRequest("GET", "/x", nil), feedAtom, cs, "t", "/x", "/"); err != nil {
		t.Fatal(err)
	}
	var feed struct {
		Entries []struct {
			ID      string `xml:"id"`
			Content string `xml:"content"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(rec.Body.Bytes(), &feed); err != nil {
		t.Fatal(err)
	}
	if len(feed.Entries) != accepted {
		t.Errorf("feed has %d entries", len(feed.Entries))
	}
	for _, en := range feed.Entries {
		if bad := safetest.Unsafe(en.Content); len(bad) > 0 {
			t.Errorf("feed entry %s: %v", en.ID, bad)
		}
	}
}

// assertNoScript checks the whole page: the only script is Quire's own
// file, and no element anywhere has an event handler attribute.
func assertNoScript(t *testing.T, where string, d *goquery.Document) {
	t.Helper()
	d.Find("script").Each(func(_ int, s *goquery.Selection) {
		if typ, _ := s.Attr("type"); typ == "application/ld+json" {
			// Structured data is not run; it must stay one JSON value.
			if _, src := s.Attr("src"); src || !json.Valid([]byte(s.Text())) {
				t.Errorf("%s: bad JSON-LD %q", where, s.Text())
			}
			return
		}
		if src, _ := s.Attr("src"); !strings.HasPrefix(src, "/static/") || strings.TrimSpace(s.Text()) != "" {
			t.Errorf("%s: foreign script %q", where, src)
		}
	})
	d.Find("*").Each(func(_ int, s *goquery.Selection) {
		for _, a := range s.Nodes[0].Attr {
			if strings.HasPrefix(strings.ToLower(a.Key), "on") {
				t.Errorf("%s: <%s %s=%q>", where, s.Nodes[0].Data, a.Key, a.Val)
			}
		}
	})
}
