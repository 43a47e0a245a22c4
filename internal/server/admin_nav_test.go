package server

import (
	"net/http"
	"net/url"
	"path"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/go-chi/chi/v5"

	"quire/internal/account"
)

// TestAdminPagesReachable walks the router for every admin page without a
// parameter and follows an admin's links from the dashboard, three clicks
// deep (an image's address counts): each page must be found, so that none is reachable only by typing
// its address (the subscribers' page once was).
func TestAdminPagesReachable(t *testing.T) {
	e := newEnv(t)
	e.MustUser("ann", account.Admin)
	c := e.signedIn("ann")
	mux, ok := e.Srv.routes().(chi.Routes)
	if !ok {
		t.Fatal("the router is not a chi.Routes")
	}
	var pages []string
	err := chi.Walk(mux, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if method == http.MethodGet && (route == "/admin" || strings.HasPrefix(route, "/admin/")) && !strings.Contains(route, "{") {
			pages = append(pages, route)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) < 20 {
		t.Fatalf("the walk found %d admin pages: %v", len(pages), pages)
	}

	found := map[string]bool{"/admin": true}
	next := []string{"/admin"}
	for depth := 0; depth < 3; depth++ {
		var later []string
		for _, p := range next {
			e.page(c, p).Find(`a[href^="/admin"], img[src^="/admin"]`).Each(func(_ int, a *goquery.Selection) {
				u, err := url.Parse(a.AttrOr("href", a.AttrOr("src", "")))
				if err != nil || found[u.Path] {
					return
				}
				found[u.Path] = true
				if path.Ext(u.Path) == "" { // a page, not a download
					later = append(later, u.Path)
				}
			})
		}
		next = later
	}
	for _, p := range pages {
		if !found[p] {
			t.Errorf("no link leads to %s within three clicks of the dashboard", p)
		}
	}
}

// TestAdminSaysWhatEachRoleDoes: a contributor's dashboard and editor do
// not offer to publish or schedule, and a page refused inside the admin leads back to the
// dashboard rather than out to the blog; outside it, to the front page.
func TestAdminSaysWhatEachRoleDoes(t *testing.T) {
	e := newEnv(t)
	e.MustUser("cora", account.Contributor)
	e.MustUser("ann", account.Author)
	for _, tc := range []struct{ user, page, want, not string }{
		{"cora", "/admin", "Write drafts and send them to an editor for review.", "schedule and publish"},
		{"ann", "/admin", "Write, schedule and publish; review what waits.", "send them to an editor"},
		// The editor's date: a contributor has no Schedule button.
		{"cora", "/admin/posts/new", "the editor who publishes it decides", "Schedule publish it then"},
		{"ann", "/admin/posts/new", "Schedule publish it then", "the editor who publishes it decides"},
	} {
		c := e.Client()
		e.SignIn(c, tc.user)
		text := e.page(c, tc.page).Find("main").Text()
		if !strings.Contains(text, tc.want) || strings.Contains(text, tc.not) {
			t.Errorf("%s's %s: want %q, not %q, in %q", tc.user, tc.page, tc.want, tc.not, text)
		}
	}
	c := e.Client()
	e.SignIn(c, "cora")
	res := e.Get(c, "/admin/moderation")
	if d := Doc(t, res); res.StatusCode != http.StatusForbidden || d.Find(`.error-page a[href="/admin"]`).Text() != "Go to the dashboard" {
		t.Errorf("403 in the admin: %d, link %q", res.StatusCode, d.Find(".error-page a").Text())
	}
	res = e.Get(e.Client(), "/no-such-page")
	if d := Doc(t, res); d.Find(`.error-page a[href="/"]`).Text() != "Go to the front page" {
		t.Errorf("404 on the blog: link %q", d.Find(".error-page a").Text())
	}
}
