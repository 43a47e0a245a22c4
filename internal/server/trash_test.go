package server

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"quire/internal/account"
	"quire/internal/post"
)

// TestTrashLeavesNavigation: a page trashed from the editor and one
// trashed through the API both leave this node's navigation at once (one
// publishing.Service.Trash behind both; the API used to leave the cached
// navigation stale).
func TestTrashLeavesNavigation(t *testing.T) {
	e := newEnv(t)
	ed := e.MustUser("edna", account.Editor)
	about := e.MustSitePage(ed, "About", "about", post.PageSettings{InNav: true, NavOrder: 1}, "")
	team := e.MustSitePage(ed, "Team", "team", post.PageSettings{InNav: true, NavOrder: 2}, "")
	reader := e.Client()
	navTexts := func() []string {
		var out []string
		e.page(reader, "/").Find(".site-nav a.nav-page").Each(func(_ int, a *goquery.Selection) { out = append(out, a.Text()) })
		return out
	}
	if got := navTexts(); len(got) != 2 { // the navigation is now cached
		t.Fatalf("navigation before: %q", got)
	}

	res := e.PostForm(e.signedIn("edna"), "/admin/posts/"+strconv.FormatInt(about.ID, 10)+"/trash", nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/pages" {
		t.Fatalf("editor trash: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if got := navTexts(); len(got) != 1 || got[0] != "Team" {
		t.Errorf("navigation after the editor's trash: %q", got)
	}

	st, p := pubAPI(t, e, "DELETE", "/api/v1/posts/"+strconv.FormatInt(team.ID, 10), e.token(ed), nil)
	if st != http.StatusOK || p["status"] != "trashed" || p["kind"] != "page" {
		t.Fatalf("API trash: %d %v", st, p)
	}
	if got := navTexts(); len(got) != 0 {
		t.Errorf("navigation after the API's trash: %q", got)
	}
}

// TestPagesTrash: a trashed page leaves the pages list for its Trashed
// tab (it was nowhere to be found), where it is restored as a draft or
// deleted forever; the tabs count both, and the flash speaks of pages.
func TestPagesTrash(t *testing.T) {
	e := newEnv(t)
	ed := e.MustUser("edna", account.Editor)
	about := e.MustSitePage(ed, "About", "about", post.PageSettings{InNav: true, NavOrder: 1}, "")
	e.MustSitePage(ed, "Team", "team", post.PageSettings{}, "")
	old := e.MustSitePage(ed, "Old news", "old-news", post.PageSettings{}, "")
	c := e.signedIn("edna")
	for _, p := range []*post.Post{about, old} {
		e.PostForm(c, "/admin/posts/"+strconv.FormatInt(p.ID, 10)+"/trash", nil)
	}
	rows := func(d *goquery.Document) (out []string) {
		d.Find("tr.page-row td:not(.pick) a[href^='/admin/posts/']").Each(func(_ int, a *goquery.Selection) { out = append(out, a.Text()) })
		return out
	}
	d := e.page(c, "/admin/pages")
	if got := rows(d); len(got) != 1 || got[0] != "Team" || d.Find("#pages-bulk").Length() != 0 {
		t.Errorf("pages: %q", got)
	}
	if got := d.Find("nav.tabs").Text(); got != "\n  Pages 1Trashed 2\n" {
		t.Errorf("tabs %q", got)
	}
	d = e.page(c, "/admin/pages?status=trashed")
	if got := rows(d); len(got) != 2 || got[0] != "About" || got[1] != "Old news" {
		t.Errorf("trashed pages: %q", got)
	}
	if !d.Find(`nav.tabs a[href="/admin/pages?status=trashed"]`).Is("[aria-current]") ||
		!d.Find("#trash-note").Is("p") || d.Find(`#pages-bulk select option[value=delete]`).Length() != 1 {
		t.Error("the Trashed tab lacks its mark, note or actions")
	}
	bulk := func(id int64, action string) string {
		res := e.PostForm(c, "/admin/posts/bulk", map[string][]string{"id": {strconv.FormatInt(id, 10)}, "action": {action},
			"back": {"/admin/pages?status=trashed"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/pages?status=trashed" {
			t.Fatalf("%s: %d to %q", action, res.StatusCode, res.Header.Get("Location"))
		}
		return e.page(c, "/admin/pages?status=trashed").Find(".flash").Text()
	}
	if flash := bulk(about.ID, "restore"); flash != "Restored 1 page as drafts." {
		t.Errorf("restore: %q", flash)
	}
	if flash := bulk(old.ID, "delete"); flash != "Deleted 1 page forever." {
		t.Errorf("delete: %q", flash)
	}
	d = e.page(c, "/admin/pages")
	if got := rows(d); len(got) != 2 || d.Find(`tr.page-row .status-draft`).Length() != 1 {
		t.Errorf("pages after: %q", got)
	}
	if got := e.page(c, "/admin/pages?status=trashed").Find("p.empty").Text(); got != "No pages in the trash." {
		t.Errorf("empty trash: %q", got)
	}
}
