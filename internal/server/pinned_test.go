package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"quire/internal/account"
	"quire/internal/post"
	"quire/internal/site"
	"quire/internal/store"
)

// editorValues is what the editor's form at path would send as it is:
// every named input, select and text box (a box unticked sends nothing).
func (e *testEnv) editorValues(c *http.Client, path string) url.Values {
	e.t.Helper()
	v := url.Values{}
	e.page(c, path).Find("#post-form").Find("input[name], select[name], textarea[name]").Each(func(_ int, s *goquery.Selection) {
		name := s.AttrOr("name", "")
		switch {
		case goquery.NodeName(s) == "textarea":
			v.Add(name, s.Text())
		case goquery.NodeName(s) == "select":
			v.Add(name, s.Find("option[selected]").AttrOr("value", s.Find("option").First().AttrOr("value", "")))
		case s.AttrOr("type", "") == "checkbox":
			if _, on := s.Attr("checked"); on {
				v.Add(name, s.AttrOr("value", "on"))
			}
		default:
			v.Add(name, s.AttrOr("value", ""))
		}
	})
	if v.Get("title") == "" {
		e.t.Fatalf("no editor form at %s", path)
	}
	return v
}

// TestPinnedPosts: an editor pins an old post from the editor; the front
// page's first page shows it first, labelled, and only once; the second
// page keeps every post in its place; unpinning takes it back. An author
// is offered no box and the API refuses their pin; the API pins for an
// editor; a page cannot be pinned.
func TestPinnedPosts(t *testing.T) {
	e := newEnv(t)
	ann := e.MustUser("ann", account.Author)
	e.MustUser("eve", account.Editor)
	if _, err := store.UpdateSiteSettings(t.Context(), e.Store, 0, func(s *site.Settings) error { s.PostsPerPage = 3; return nil }); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	old := e.mustBodyPost(ann, "Start here", "The guide.", now.Add(-30*24*time.Hour))
	onFirst := e.mustBodyPost(ann, "Fresh news", "New.", now.Add(-time.Hour))
	for i := 2; i <= 6; i++ {
		e.mustBodyPost(ann, "Post "+strconv.Itoa(i), "Body.", now.Add(-time.Duration(i)*24*time.Hour))
	}
	cards := func(path string) []string {
		var out []string
		e.page(e.Client(), path).Find(".post-card").Each(func(_ int, s *goquery.Selection) {
			title := s.Find("h2.p-name").Text()
			if s.Find(".kicker .pinned").Length() == 1 {
				title = "📌 " + title
			}
			out = append(out, title)
		})
		return out
	}
	if got := strings.Join(cards("/"), " | "); got != "Fresh news | Post 2 | Post 3" {
		t.Fatalf("front page before: %q", got)
	}

	ed, au := e.signedIn("eve"), e.signedIn("ann")
	path := "/admin/posts/" + strconv.FormatInt(old.ID, 10)
	if e.page(au, path).Find(`input[name=pinned]`).Length() != 0 {
		t.Error("the author is offered the pin")
	}
	v := e.editorValues(ed, path)
	if v.Get("pinned_box") != "1" || v.Get("pinned") != "" {
		t.Fatalf("the editor's box: %v", v)
	}
	v.Set("pinned", "1")
	v.Set("action", "save")
	if res := e.PostForm(ed, path, v); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("pin: %d", res.StatusCode)
	}
	after := e.page(ed, path)
	if _, on := after.Find(`input[name=pinned]`).Attr("checked"); !on {
		t.Error("the box is not ticked after the save")
	}
	if f := after.Find(".flash").Text(); f != "Updated." {
		t.Errorf("the flash after saving a published post: %q", f)
	}
	if got := strings.Join(cards("/"), " | "); got != "📌 Start here | Fresh news | Post 2 | Post 3" {
		t.Errorf("front page pinned: %q", got)
	}
	if n := e.page(ed, "/admin/posts").Find(".status-pinned").Length(); n != 1 {
		t.Errorf("the posts list marks %d posts pinned", n)
	}
	front := e.page(e.Client(), "/")
	older := front.Find(`a[rel=next]`).AttrOr("href", "")
	if older == "" {
		t.Fatal("no older page")
	}
	if got := strings.Join(cards(older), " | "); got != "Post 4 | Post 5 | Post 6" {
		t.Errorf("second page: %q", got)
	}
	// The author's save of their own post keeps the pin they cannot see.
	av := e.editorValues(au, path)
	av.Set("action", "save")
	av.Set("title", "Start here first")
	if res := e.PostForm(au, path, av); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the author's save: %d", res.StatusCode)
	}
	if p, _ := store.PostByID(t.Context(), e.Store.Pool, old.ID); !p.Pinned {
		t.Error("the author's save unpinned the post")
	}
	// A pinned post on the page anyway moves up and is not shown twice.
	api := e.token(e.MustUser("ed2", account.Editor))
	id := "/api/v1/posts/" + strconv.FormatInt(onFirst.ID, 10)
	if st, _ := pubAPI(t, e, "PATCH", id, e.token(ann), map[string]any{"pinned": true}); st != http.StatusForbidden {
		t.Errorf("the author pins by the API: %d", st)
	}
	if st, body := pubAPI(t, e, "PATCH", id, api, map[string]any{"pinned": true}); st != http.StatusOK || body["pinned"] != true {
		t.Errorf("the editor pins by the API: %d %v", st, body)
	}
	if got := strings.Join(cards("/"), " | "); got != "📌 Fresh news | 📌 Start here first | Post 2 | Post 3" {
		t.Errorf("front page with two pinned: %q", got)
	}
	// Unpinned from the editor: back in its place.
	v = e.editorValues(ed, path)
	v.Del("pinned")
	v.Set("action", "save")
	e.PostForm(ed, path, v)
	if got := strings.Join(cards("/"), " | "); got != "📌 Fresh news | Post 2 | Post 3" {
		t.Errorf("front page unpinned: %q", got)
	}
	// A page has no box, and the API refuses to pin one.
	pg := pageValues("About", "about", "Who we are.", "", "")
	if res := e.PostForm(ed, "/admin/posts", pg); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("new page: %d", res.StatusCode)
	}
	about, err := store.PostBySlug(t.Context(), e.Store.Pool, "page", "about")
	if err != nil {
		t.Fatal(err)
	}
	if e.page(ed, "/admin/posts/"+strconv.FormatInt(about.ID, 10)).Find(`input[name=pinned]`).Length() != 0 {
		t.Error("a page offers the pin")
	}
	if st, _ := pubAPI(t, e, "PATCH", "/api/v1/posts/"+strconv.FormatInt(about.ID, 10), api, map[string]any{"pinned": true}); st != http.StatusBadRequest {
		t.Errorf("pinning a page by the API: %d", st)
	}
}

// TestSavedMessage: the editor's flash names what a save did.
func TestSavedMessage(t *testing.T) {
	at := time.Date(2027, 1, 6, 9, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		to, before post.Status
		want       string
	}{
		{post.Published, "", "Published."},
		{post.Published, post.Draft, "Published."},
		{post.Published, post.Published, "Updated."},
		{post.Scheduled, post.Draft, "Scheduled for 6 January 2027, 09:30 UTC."},
		{post.Pending, post.Draft, "Submitted for review."},
		{post.Draft, post.Published, "Saved."},
	} {
		if got := savedMessage(&post.Post{Status: tc.to, PublishedAt: at}, tc.before, time.UTC); got != tc.want {
			t.Errorf("%s from %q: %q, want %q", tc.to, tc.before, got, tc.want)
		}
	}
}
