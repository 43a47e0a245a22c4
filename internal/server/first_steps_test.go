package server

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"quire/internal/account"
	"quire/internal/commenting"
	"quire/internal/post"
)

// steps returns the dashboard's first steps as "href done|todo" lines, or
// nil when the dashboard has none.
func steps(d *goquery.Document) []string {
	var out []string
	d.Find("#first-steps li").Each(func(_ int, s *goquery.Selection) {
		href, _ := s.Find("a").Attr("href")
		state := "todo"
		if s.HasClass("done") && strings.TrimSpace(s.Find(".state").Text()) == "Done" {
			state = "done"
		}
		out = append(out, href+" "+state)
	})
	return out
}

// TestFirstSteps: a new blog's admin finds five first steps on the
// dashboard, each ticked by what the blog holds (however it got there),
// and the panel leaves once all are done; others never see it.
func TestFirstSteps(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin := e.signedIn("ada")
	ada, _ := e.Srv.accounts.UserByLogin(ctx, "ada")
	want := func(when string, done ...string) {
		t.Helper()
		got := steps(e.page(admin, "/admin"))
		all := []string{"/admin/settings", "/admin/posts/new", "/admin/pages/new", "/admin/invite", "/admin/discussion"}
		var exp []string
		for _, h := range all {
			st := "todo"
			for _, d := range done {
				if d == h {
					st = "done"
				}
			}
			exp = append(exp, h+" "+st)
		}
		if strings.Join(got, ", ") != strings.Join(exp, ", ") {
			t.Errorf("%s: steps\n%v\nwant\n%v", when, got, exp)
		}
	}
	want("a new blog")
	if n := e.page(admin, "/admin").Find("#first-steps .hint").Text(); !strings.HasPrefix(n, "0 of 5 done") {
		t.Errorf("count: %q", n)
	}
	e.MustPost(ada, "Hello", post.CommentsOpen)
	want("a post published", "/admin/posts/new")
	ed := e.MustUser("ed", account.Editor) // also the blog's second account
	want("a second account", "/admin/posts/new", "/admin/invite")
	e.Settings(func(s *commenting.Settings) { s.MaxDepth = 3 })
	want("discussion saved", "/admin/posts/new", "/admin/invite", "/admin/discussion")
	e.MustSitePage(ada, "About", "about", post.PageSettings{}, "")
	want("a page", "/admin/posts/new", "/admin/pages/new", "/admin/invite", "/admin/discussion")
	if n := e.page(admin, "/admin").Find("#first-steps .hint").Text(); !strings.HasPrefix(n, "4 of 5 done") {
		t.Errorf("count: %q", n)
	}
	// Only an admin sees them, and only an admin may hide them.
	edc := e.Client()
	e.SignIn(edc, ed.Username)
	if d := e.page(edc, "/admin"); d.Find("#figures").Length() != 1 || d.Find("#first-steps").Length() != 0 {
		t.Error("an editor's dashboard: figures missing or first steps shown")
	}
	if res := e.PostForm(edc, "/admin/first-steps/hide", nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("an editor hid the steps: %d", res.StatusCode)
	}
	// The tagline through the settings page, as an admin saves it (the
	// dashboard reads the node's copy of the settings, which the page's
	// save refreshes).
	if res := e.PostForm(admin, "/admin/settings", settingsForm(nil)); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("settings: %d", res.StatusCode)
	}
	if d := e.page(admin, "/admin"); d.Find("#first-steps").Length() != 0 || d.Find("#figures").Length() != 1 {
		t.Error("every step done, and the panel still shows (or the figures went)")
	}
}

// TestHideFirstSteps: Hide these steps puts them away for every admin.
func TestHideFirstSteps(t *testing.T) {
	e := newEnv(t)
	admin := e.signedIn("ada")
	other := e.signedIn("bea")
	if len(steps(e.page(other, "/admin"))) != 5 {
		t.Fatal("no first steps on a new blog")
	}
	res := e.PostForm(admin, "/admin/first-steps/hide", nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin" {
		t.Fatalf("hide: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if d := e.page(admin, "/admin"); d.Find("#first-steps").Length() != 0 || !strings.Contains(d.Find(".flash").Text(), "put away") {
		t.Errorf("after hiding: steps %d, flash %q", d.Find("#first-steps").Length(), d.Find(".flash").Text())
	}
	if steps(e.page(other, "/admin")) != nil {
		t.Error("another admin still sees the steps")
	}
}
