package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"quire/internal/account"
)

// titles lists the posts list's rows.
func titles(d *goquery.Document) string {
	var out []string
	d.Find(`tr.post-row a[href^="/admin/posts/"]`).Each(func(_ int, s *goquery.Selection) { out = append(out, s.Text()) })
	return strings.Join(out, " | ")
}

// TestPostListSearch: the admin's posts list finds posts by their words
// (stemmed, in the title or the body) or by part of the title as typed,
// within the tab shown and the writer's own posts; the tabs and pages
// keep the search.
func TestPostListSearch(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ann := e.MustUser("ann", account.Editor)
	bo := e.MustUser("bo", account.Author)
	now := time.Now().Add(-time.Hour)
	e.mustBodyPost(ann, "Trams beat buses", "Rails and wires.", now)
	e.mustBodyPost(ann, "A week in Lisbon", "We rode the old tram up the hill.", now)
	e.mustBodyPost(ann, "100% sure_thing", "Percent signs.", now)
	draft := e.mustBodyPost(bo, "Notes on trams", "Unfinished.", now)
	if _, err := e.Store.Pool.Exec(ctx, `UPDATE posts SET status = 'draft' WHERE id = $1`, draft.ID); err != nil {
		t.Fatal(err)
	}
	editor, author := e.Client(), e.Client()
	e.SignIn(editor, "ann")
	e.SignIn(author, "bo")
	list := func(c *http.Client, v url.Values) *goquery.Document {
		t.Helper()
		return e.page(c, "/admin/posts?"+v.Encode())
	}
	for _, tc := range []struct {
		who  *http.Client
		v    url.Values
		want string
	}{
		{editor, url.Values{"q": {"trams"}}, "Notes on trams | A week in Lisbon | Trams beat buses"}, // stemmed: "tram" in a body
		{editor, url.Values{"q": {"Tra"}}, "Notes on trams | Trams beat buses"},                      // part of a title
		{editor, url.Values{"q": {"trams"}, "status": {"draft"}}, "Notes on trams"},
		{editor, url.Values{"q": {"100%"}}, "100% sure_thing"},
		{editor, url.Values{"q": {"_"}}, "100% sure_thing"}, // not LIKE's any-character
		{editor, url.Values{"q": {"  "}}, "Notes on trams | 100% sure_thing | A week in Lisbon | Trams beat buses"},
		{author, url.Values{"q": {"trams"}}, "Notes on trams"}, // an author searches their own
		{editor, url.Values{"q": {`"unclosed`}}, ""},           // websearch syntax never errs
	} {
		if got := titles(list(tc.who, tc.v)); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.v, got, tc.want)
		}
	}
	d := list(editor, url.Values{"q": {"lisbon"}, "status": {"draft"}})
	if got := strings.TrimSpace(d.Find("p.empty").Text()); got != "No posts match “lisbon” under Draft." {
		t.Errorf("no match: %q", got)
	}
	if v, _ := d.Find(`#posts-search input[name=q]`).Attr("value"); v != "lisbon" {
		t.Errorf("search box holds %q", v)
	}
	if href, _ := d.Find(`nav.tabs a:nth-child(5)`).Attr("href"); href != "/admin/posts?q=lisbon&status=published" {
		t.Errorf("a tab drops the search: %q", href)
	}
	// An editor narrows to one writer: by the choice, or the name in a row.
	d = e.page(editor, "/admin/posts?author=bo")
	if got := titles(d); got != "Notes on trams" {
		t.Errorf("bo's posts: %q", got)
	}
	if v := d.Find(`#posts-search select[name=author] option[selected]`).AttrOr("value", ""); v != "bo" {
		t.Errorf("the writer's choice shows %q", v)
	}
	if href := d.Find(`nav.tabs a:nth-child(2)`).AttrOr("href", ""); href != "/admin/posts?author=bo&status=draft" {
		t.Errorf("a tab drops the writer: %q", href)
	}
	if href := e.page(editor, "/admin/posts?q=lisbon").Find(`td[data-label=Author] a`).AttrOr("href", ""); href != "/admin/posts?author=ann" {
		t.Errorf("a row's writer links %q", href)
	}
	if got := strings.TrimSpace(e.page(editor, "/admin/posts?author=bo&status=published").Find("p.empty").Text()); got != "No posts by bo under Published." {
		t.Errorf("no posts by bo: %q", got)
	}
	if titles(e.page(author, "/admin/posts?author=ann")) != "Notes on trams" { // a writer sees their own whatever is asked
		t.Error("an author's list follows ?author=")
	}
	// The tabs count the posts they hold: everyone's for an editor, one
	// writer's when chosen, one's own for a writer; a search does not
	// change them.
	if _, err := e.Store.Pool.Exec(ctx, `UPDATE posts SET status = 'trashed' WHERE title = 'A week in Lisbon'`); err != nil {
		t.Fatal(err)
	}
	tabCounts := func(d *goquery.Document) string {
		var out []string
		d.Find(`nav.tabs a .count`).Each(func(_ int, s *goquery.Selection) { out = append(out, s.Text()) })
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		who  *http.Client
		path string
		want string // All, Draft, Pending review, Scheduled, Published, Trashed
	}{
		{editor, "/admin/posts", "3 1 0 0 2 1"},
		{editor, "/admin/posts?q=trams&status=trashed", "3 1 0 0 2 1"},
		{editor, "/admin/posts?author=ann", "2 0 0 0 2 1"},
		{author, "/admin/posts", "1 1 0 0 0 0"},
	} {
		if got := tabCounts(e.page(tc.who, tc.path)); got != tc.want {
			t.Errorf("%s: tab counts %q, want %q", tc.path, got, tc.want)
		}
	}
	if res := e.Get(editor, "/admin/posts?author=nobody"); res.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown writer: %d", res.StatusCode)
	}
	// A search of more than a page: its next page is the same search.
	for i := 0; i < 26; i++ {
		e.mustBodyPost(ann, fmt.Sprintf("Tram stop %d", i), "A stop.", now)
	}
	d = list(editor, url.Values{"q": {"tram stop"}})
	older, ok := d.Find(`a[href*="cursor="]`).Attr("href")
	if n := d.Find("tr.post-row").Length(); n != 25 || !ok || !strings.Contains(older, "q=tram+stop") {
		t.Fatalf("first page of a long search: %d rows, next %q", n, older)
	}
	if got := titles(e.page(editor, older)); got != "Tram stop 0" {
		t.Errorf("second page of the search: %q", got)
	}
	if res := e.Get(editor, "/admin/posts?q="+strings.Repeat("x", 201)); res.StatusCode != http.StatusBadRequest {
		t.Errorf("a 201-character search: %d", res.StatusCode)
	}
}
