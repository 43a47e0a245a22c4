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
