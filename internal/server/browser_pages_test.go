package server

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"quire/internal/account"
	bt "quire/internal/browsertest"
	"quire/internal/post"
)

// TestBrowserEditorAddsAboutPage: an editor opens Pages, creates an About
// page placed in the navigation and publishes it; a reader, signed out,
// finds it in the site navigation on the front page, follows the link,
// and the feed does not carry it.
func TestBrowserEditorAddsAboutPage(t *testing.T) {
	e := newEnv(t)
	ed := e.MustUser("edna", account.Editor)
	e.MustPost(ed, "The first post", post.CommentsOpen)
	ctx := bt.New(t)
	pubSignIn(t, ctx, e, "edna")
	bt.Do(t, ctx,
		chromedp.Navigate(e.TS.URL+"/admin/pages"),
		chromedp.Click(`a[href="/admin/pages/new"]`),
		chromedp.WaitVisible(`#post-form input[name=nav_order]`),
		chromedp.SetValue(`#post-form input[name=title]`, "About this blog"),
		chromedp.SetValue(`#post-form input[name=slug]`, "about"),
		chromedp.SetValue(`#post-form textarea[name=body]`, "Two writers and a *notebook*."),
		chromedp.SetValue(`#post-form input[name=nav_order]`, "1"),
		chromedp.Click(`#post-form .actions button:not(.secondary)`),
		chromedp.WaitVisible(`.flash`),
	)
	if f := bt.Get(t, ctx, chromedp.Text(`.flash`)); !strings.Contains(f, "Published") {
		t.Fatalf("flash %q", f)
	}
	// The reader, signed out.
	bt.Do(t, ctx, chromedp.Click(`button.link`), chromedp.WaitVisible(`#signin-form`))
	bt.Do(t, ctx, chromedp.Navigate(e.TS.URL+"/"), chromedp.WaitVisible(`.site-nav`))
	if pubCount(t, ctx, `.site-nav a[href="/about"]`) != 1 {
		t.Fatal("the About page is not in the navigation")
	}
	if pubCount(t, ctx, `main a[href="/about"]`) != 0 {
		t.Error("the About page is listed among the posts")
	}
	bt.Do(t, ctx, chromedp.Click(`.site-nav a[href="/about"]`), chromedp.WaitVisible(`article.page`))
	if h := bt.Get(t, ctx, chromedp.Text(`article.page h1`)); h != "About this blog" {
		t.Errorf("page heading %q", h)
	}
	if cur := bt.Get(t, ctx, chromedp.Evaluate[string](`document.querySelector('.site-nav a[href="/about"]').getAttribute('aria-current')`)); cur != "page" {
		t.Errorf("aria-current %q", cur)
	}
	bt.Screenshot(t, ctx, "about")
	feed := body(t, e.Get(e.Client(), "/feed.atom"))
	if !strings.Contains(feed, "The first post") || strings.Contains(feed, "About this blog") {
		t.Error("the feed carries the page, or lacks the post")
	}
}
