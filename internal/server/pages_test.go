package server

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"quire/internal/account"
	"quire/internal/post"
	"quire/internal/store"
)

// pageValues is the editor's form for a new published page.
func pageValues(title, slug, body, nav, template string) url.Values {
	return url.Values{"kind": {"page"}, "title": {title}, "slug": {slug}, "body": {body}, "format": {"markdown"},
		"status": {"published"}, "comment_policy": {"closed"}, "nav_order": {nav}, "template": {template}}
}

// MustSitePage publishes a page through the store.
func (e *testEnv) MustSitePage(author *account.User, title, slug string, st post.PageSettings, tags string) *post.Post {
	e.t.Helper()
	p := &post.Post{Kind: post.KindPage, AuthorID: author.ID, Title: title, Slug: slug, BodySource: "The body of " + title + ".",
		Status: post.Published, PublishedAt: time.Now().Add(-time.Hour), Tags: post.ParseTerms(post.Tag, tags)}
	p.Normalize()
	if err := p.Validate(); err != nil {
		e.t.Fatal(err)
	}
	if err := p.Render(renderer()); err != nil {
		e.t.Fatal(err)
	}
	if err := store.CreatePage(context.Background(), e.Store.Pool, nil, author.ID, p, st); err != nil {
		e.t.Fatal(err)
	}
	e.Srv.navChanged()
	return p
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestPageAtRoot: an editor's About page is at /about, in the navigation,
// and nowhere posts are listed: not the front page, the feeds, the tag,
// author or month pages; it is in the sitemap at its own address.
func TestPageAtRoot(t *testing.T) {
	e := newEnv(t)
	ed := e.MustUser("edna", account.Editor)
	e.MustPost(ed, "A real post", post.CommentsOpen)
	c := e.signedIn("edna")
	res := e.PostForm(c, "/admin/posts", pageValues("About us", "about", "We write *things*.", "1", ""))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create page: %d", res.StatusCode)
	}
	p, err := store.PostBySlug(context.Background(), e.Store.Pool, post.KindPage, "about")
	if err != nil || p.CommentPolicy != post.CommentsClosed || p.Path() != "/about" {
		t.Fatalf("stored page %+v %v", p, err)
	}
	// A tagged page (the importer or the API can tag one) stays off tag pages.
	e.MustSitePage(ed, "Colophon", "colophon", post.PageSettings{InNav: true, NavOrder: 0}, "go")

	reader := e.Client()
	d := e.page(reader, "/about")
	if d.Find("h1").Text() != "About us" || d.Find(".e-content em").Text() != "things" {
		t.Errorf("page shows %q", d.Find("main").Text())
	}
	if d.Find("time.dt-published").Length() != 0 || d.Find("#comment-form").Length() != 0 {
		t.Error("a page shows a date or a comment form")
	}
	front := e.page(reader, "/")
	nav := front.Find(".site-nav a.nav-page")
	if nav.Length() != 2 || nav.Eq(0).Text() != "Colophon" || nav.Eq(1).AttrOr("href", "") != "/about" {
		t.Errorf("navigation: %d links, %q", nav.Length(), nav.Text())
	}
	if front.Find(`main a[href="/about"], main a[href="/colophon"]`).Length() != 0 {
		t.Error("a page is listed on the front page")
	}
	if front.Find(`main a[href="/posts/a-real-post"]`).Length() == 0 {
		t.Error("the post is missing from the front page")
	}
	month := time.Now().UTC().Format("/archive/2006/01")
	for _, path := range []string{"/feed.atom", "/feed.rss", "/tags/go", "/tags/go/feed.atom", "/authors/edna", "/authors/edna/feed.atom", month} {
		res := e.Get(reader, path)
		b := body(t, res)
		if res.StatusCode != 200 {
			t.Errorf("%s: %d", path, res.StatusCode)
		}
		if _, nav, ok := strings.Cut(b, `<main`); ok {
			b = nav // an HTML list: the navigation above main names the pages
		}
		if strings.Contains(b, "About us") || strings.Contains(b, "Colophon") {
			t.Errorf("%s lists a page", path)
		}
	}
	sm := body(t, e.Get(reader, "/sitemap.xml"))
	if !strings.Contains(sm, e.TS.URL+"/about</loc>") || strings.Contains(sm, "/posts/about") {
		t.Errorf("sitemap: %s", sm)
	}
	if res := e.Get(reader, "/no-such-page"); res.StatusCode != 404 {
		t.Errorf("unknown page: %d", res.StatusCode)
	}
	// A draft page is not there for readers, and not in the navigation.
	v := pageValues("Secret", "secret", "Not yet.", "3", "")
	v.Set("status", "draft")
	e.PostForm(c, "/admin/posts", v)
	if res := e.Get(reader, "/secret"); res.StatusCode != 404 {
		t.Errorf("draft page for a reader: %d", res.StatusCode)
	}
	if res := e.Get(c, "/secret"); res.StatusCode != 200 {
		t.Errorf("draft page for its editor: %d", res.StatusCode)
	}
	if strings.Contains(body(t, e.Get(reader, "/")), "Secret") {
		t.Error("a draft page is in the navigation")
	}
	// The pages list.
	list := e.page(c, "/admin/pages")
	if list.Find("tr.page-row").Length() != 3 {
		t.Errorf("pages list: %d rows", list.Find("tr.page-row").Length())
	}
}

// TestPageSlugs: a page may not take a slug the site's routes use; a
// derived one steps aside; a renamed page redirects.
func TestPageSlugs(t *testing.T) {
	e := newEnv(t)
	e.MustUser("edna", account.Editor)
	c := e.signedIn("edna")
	for _, slug := range []string{"archive", "admin", "feed", "search", "posts", "tags"} {
		res := e.PostForm(c, "/admin/posts", pageValues("Mine", slug, "x", "", ""))
		if res.StatusCode != http.StatusBadRequest {
			t.Fatalf("slug %q: %d", slug, res.StatusCode)
		}
		if msg := Doc(t, res).Find(".field-error").Text(); !strings.Contains(msg, "used by the site") {
			t.Errorf("slug %q: error %q", slug, msg)
		}
	}
	res := e.PostForm(c, "/admin/posts", pageValues("Search", "", "x", "", ""))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("derived slug: %d", res.StatusCode)
	}
	if _, err := store.PostBySlug(context.Background(), e.Store.Pool, post.KindPage, "search-2"); err != nil {
		t.Errorf("page titled Search: %v", err)
	}
	// The route still wins.
	if d := e.page(e.Client(), "/search"); d.Find("form").Length() == 0 {
		t.Error("/search is not the search page")
	}
	// Renaming keeps the old address as a redirect.
	p, _ := store.PostBySlug(context.Background(), e.Store.Pool, post.KindPage, "search-2")
	v := pageValues("Search", "finding", "x", "", "")
	if res := e.PostForm(c, "/admin/posts/"+itoa(p.ID), v); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("rename: %d", res.StatusCode)
	}
	if res := e.Get(e.Client(), "/search-2"); res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/finding" {
		t.Errorf("old slug: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	// A post may still be called "archive": only pages live at the root.
	if res := e.PostForm(c, "/admin/posts", url.Values{"title": {"Archive"}, "slug": {"archive"}, "body": {"x"},
		"format": {"markdown"}, "status": {"draft"}, "comment_policy": {"open"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("post slugged archive: %d", res.StatusCode)
	}
}

// TestReservedCoversRoutes walks the router: every first path segment a
// route uses is reserved, so no page can be shadowed by (or shadow) one.
func TestReservedCoversRoutes(t *testing.T) {
	e := newEnv(t)
	mux, ok := e.Srv.routes().(chi.Routes)
	if !ok {
		t.Fatal("the router is not a chi.Routes")
	}
	seen := map[string]bool{}
	err := chi.Walk(mux, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		seg, _, _ := strings.Cut(strings.TrimPrefix(route, "/"), "/")
		seg = strings.TrimSuffix(seg, "*")
		seen[seg] = true
		if seg == "" || strings.HasPrefix(seg, "{") || !post.ValidSlug(seg) {
			return nil // the root, the catch-all, or a name no slug can be (feed.atom)
		}
		if !post.ReservedSlug(seg) {
			t.Errorf("route %s %s: first segment %q is not reserved for pages", method, route, seg)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !seen["admin"] || !seen["api"] || !seen["{slug}"] {
		t.Errorf("the walk missed routes: %v", seen)
	}
}

// TestPagePermissions: authors cannot create or edit pages; editors can.
func TestPagePermissions(t *testing.T) {
	e := newEnv(t)
	ed := e.MustUser("edna", account.Editor)
	e.MustUser("ann", account.Author)
	about := e.MustSitePage(ed, "About", "about", post.PageSettings{}, "")
	ann := e.signedIn("ann")
	if res := e.Get(ann, "/admin/pages/new"); res.StatusCode != http.StatusForbidden {
		t.Errorf("author, new page form: %d", res.StatusCode)
	}
	if res := e.Get(ann, "/admin/pages"); res.StatusCode != http.StatusForbidden {
		t.Errorf("author, pages list: %d", res.StatusCode)
	}
	if res := e.PostForm(ann, "/admin/posts", pageValues("Mine", "mine", "x", "1", "")); res.StatusCode != http.StatusForbidden {
		t.Errorf("author creates a page: %d", res.StatusCode)
	}
	if res := e.Get(ann, "/admin/posts/"+itoa(about.ID)); res.StatusCode != http.StatusForbidden {
		t.Errorf("author edits a page: %d", res.StatusCode)
	}
	edna := e.signedIn("edna")
	d := e.page(edna, "/admin/pages/new")
	if d.Find(`input[name=kind][value=page]`).Length() != 1 || d.Find(`select[name=comment_policy] option[selected]`).AttrOr("value", "") != "closed" {
		t.Error("the new page form lacks kind=page or closed comments")
	}
	if res := e.PostForm(edna, "/admin/posts", pageValues("Hers", "hers", "x", "1", "")); res.StatusCode != http.StatusSeeOther {
		t.Errorf("editor creates a page: %d", res.StatusCode)
	}
	// Editing keeps the kind; revisions work as for posts.
	v := pageValues("About", "about", "New words.", "", "")
	v.Set("kind", "post")
	if res := e.PostForm(edna, "/admin/posts/"+itoa(about.ID), v); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("editor saves a page: %d", res.StatusCode)
	}
	revs, err := store.Revisions(context.Background(), e.Store.Pool, about.ID)
	if err != nil || len(revs) != 1 {
		t.Errorf("revisions: %d %v", len(revs), err)
	}
	if res := e.Get(e.Client(), "/about"); res.StatusCode != 200 {
		t.Errorf("saved page: %d", res.StatusCode)
	}
}

// TestPageComments: a page takes no comments unless its editor opens them;
// then they work as on a post and come back to the page.
func TestPageComments(t *testing.T) {
	e := newEnv(t)
	e.allowFastForms()
	e.MustUser("edna", account.Editor)
	c := e.signedIn("edna")
	v := pageValues("Guestbook", "guestbook", "Say hello.", "", "")
	v.Set("comment_policy", "open")
	if res := e.PostForm(c, "/admin/posts", v); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", res.StatusCode)
	}
	p, err := store.PostBySlug(context.Background(), e.Store.Pool, post.KindPage, "guestbook")
	if err != nil {
		t.Fatal(err)
	}
	res := e.Comment(c, p, url.Values{"body": {"Welcome, all."}})
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/guestbook") {
		t.Fatalf("comment: %d %q", res.StatusCode, loc)
	}
	d := e.page(e.Client(), "/guestbook")
	if !strings.Contains(d.Find(".comments, #comments").Text(), "Welcome, all.") || d.Find(".comment-feeds").Length() != 0 {
		t.Error("the comment is not shown, or a broken feed link is")
	}
}

// TestPagePreview: the editor's preview of a page shows it as a page,
// with its contact form, and saves nothing.
func TestPagePreview(t *testing.T) {
	e := newEnv(t)
	e.MustUser("edna", account.Editor)
	c := e.signedIn("edna")
	res := e.PostForm(c, "/admin/posts/preview", pageValues("Reach us", "reach", "Write below.", "", "contact"))
	if res.StatusCode != 200 {
		t.Fatalf("preview: %d", res.StatusCode)
	}
	d := Doc(t, res)
	if d.Find("article.page .notice, .notice").Length() == 0 || d.Find("#contact-form").Length() != 1 || d.Find("time.dt-published").Length() != 0 {
		t.Error("the preview is not the page with its form")
	}
	if _, err := store.PostBySlug(context.Background(), e.Store.Pool, post.KindPage, "reach"); err == nil {
		t.Error("the preview saved the page")
	}
}
