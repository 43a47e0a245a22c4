package server

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"quire/internal/account"
	bt "quire/internal/browsertest"
)

// signInBrowser signs the browser in as username through the form.
func pubSignIn(t *testing.T, ctx context.Context, e *testEnv, username string) {
	t.Helper()
	bt.Do(t, ctx,
		chromedp.Navigate(e.TS.URL+"/signin"),
		chromedp.SetValue(`input[name=login]`, username),
		chromedp.SetValue(`input[name=password]`, "password123"),
		chromedp.Submit(`#signin-form`),
		chromedp.WaitVisible(`.flash`),
	)
}

// pubFill fills the editor form; the primary button the test clicks
// (Publish, or Submit for review for a contributor) sets the status.
func pubFill(title, body, tags, status string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.WaitVisible(`#post-form`),
		chromedp.SetValue(`#post-form input[name=title]`, title),
		chromedp.SetValue(`#post-form textarea[name=body]`, body),
		chromedp.SetValue(`#post-form input[name=tags]`, tags),
	}
}

func pubCount(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	return bt.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+"`"+sel+"`"+`).length`))
}

// TestBrowserAuthorPublishes: an author writes a Markdown post with a code
// block, a table and a link, previews it, publishes it; a reader finds it on
// the front page, its tag page, the author page, by search and in the Atom
// feed. Screenshots at phone and desktop widths.
func TestBrowserAuthorPublishes(t *testing.T) {
	e := newEnv(t)
	e.MustUser("ann", account.Author)
	ctx := bt.New(t)
	pubSignIn(t, ctx, e, "ann")
	body := "A post with a [link](http://example.invalid/x).\n\n```go\nfmt.Println(\"hello\")\n```\n\n| lang | year |\n|---|---|\n| Go | 2009 |\n"
	bt.Do(t, ctx, chromedp.Navigate(e.TS.URL+"/admin/posts/new"))
	bt.Do(t, ctx, pubFill("Hello from the browser", body, "Go, Browsers", "published")...)
	bt.Screenshot(t, ctx, "editor")
	bt.Do(t, ctx,
		chromedp.Click(`button[formaction="/admin/posts/preview"]`),
		chromedp.WaitVisible(`.notice`),
	)
	if pubCount(t, ctx, `.e-content table`) != 1 || pubCount(t, ctx, `.e-content pre code`) != 1 {
		t.Fatal("preview lacks the table or the code block")
	}
	bt.Screenshot(t, ctx, "preview")
	bt.Do(t, ctx, chromedp.Navigate(e.TS.URL+"/admin/posts/new"))
	bt.Do(t, ctx, pubFill("Hello from the browser", body, "Go, Browsers", "published")...)
	bt.Do(t, ctx,
		chromedp.Click(`#post-form .actions button:not(.secondary)`),
		chromedp.WaitVisible(`.flash`),
	)
	if f := bt.Get(t, ctx, chromedp.Text(`.flash`)); !strings.Contains(f, "Published") {
		t.Fatalf("flash %q", f)
	}
	// The reader, signed out.
	bt.Do(t, ctx, chromedp.Click(`button.link`), chromedp.WaitVisible(`#signin-form`))
	for _, path := range []string{"/", "/tags/go", "/authors/ann", "/search?q=browser"} {
		bt.Do(t, ctx, chromedp.Navigate(e.TS.URL+path), chromedp.WaitVisible(`main`))
		if pubCount(t, ctx, `main a[href="/posts/hello-from-the-browser"]`) == 0 {
			t.Errorf("%s does not show the post", path)
		}
	}
	bt.Do(t, ctx, chromedp.Navigate(e.TS.URL+"/posts/hello-from-the-browser"), chromedp.WaitVisible(`article.h-entry`))
	if pubCount(t, ctx, `.e-content a[href="http://example.invalid/x"]`) != 1 || pubCount(t, ctx, `.e-content table`) != 1 {
		t.Error("post page lacks the link or the table")
	}
	bt.Screenshot(t, ctx, "post-desktop")
	bt.Do(t, ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(e.TS.URL+"/"), chromedp.WaitVisible(`main`))
	bt.Screenshot(t, ctx, "front-phone")
	if resp, err := chromedp.RunResponse(ctx, chromedp.Navigate(e.TS.URL+"/posts/hello-from-the-browser")); err != nil || resp.Status != 200 {
		t.Fatalf("post page at phone width: %v %v", resp, err)
	}
	bt.Screenshot(t, ctx, "post-phone")

	res := e.Get(e.Client(), "/feed.atom")
	if b, _ := io.ReadAll(res.Body); !strings.Contains(string(b), "<title type=\"text\">Hello from the browser</title>") {
		t.Errorf("Atom feed lacks the post: %.300s", b)
	}
}

// TestBrowserReviewAndForbidden: a contributor's post waits for an editor,
// who publishes it; an author gets 403 on another author's post.
func TestBrowserReviewAndForbidden(t *testing.T) {
	e := newEnv(t)
	e.MustUser("cal", account.Contributor)
	e.MustUser("eve", account.Editor)
	e.MustUser("bob", account.Author)
	ctx := bt.New(t)
	pubSignIn(t, ctx, e, "cal")
	bt.Do(t, ctx, chromedp.Navigate(e.TS.URL+"/admin/posts/new"))
	if n := pubCount(t, ctx, `#post-form button[value=publish]`); n != 0 {
		t.Error("a contributor is offered Publish")
	}
	bt.Do(t, ctx, pubFill("A contributor writes", "Words.", "Review", "pending")...)
	bt.Do(t, ctx, chromedp.Click(`#post-form .actions button:not(.secondary)`), chromedp.WaitVisible(`.flash`))
	editURL := bt.Get(t, ctx, chromedp.Location())
	bt.Do(t, ctx, chromedp.Click(`button.link`), chromedp.WaitVisible(`#signin-form`))

	pubSignIn(t, ctx, e, "eve")
	bt.Do(t, ctx, chromedp.Navigate(e.TS.URL+"/admin/posts?status=pending"), chromedp.WaitVisible(`table.list`))
	bt.Screenshot(t, ctx, "review-list")
	bt.Do(t, ctx, chromedp.Click(`table.list a`), chromedp.WaitVisible(`#post-form`),
		chromedp.Click(`#post-form .actions button:not(.secondary)`), chromedp.WaitVisible(`.flash`))
	bt.Do(t, ctx, chromedp.Click(`button.link`), chromedp.WaitVisible(`#signin-form`))
	resp, err := chromedp.RunResponse(ctx, chromedp.Navigate(e.TS.URL+"/posts/a-contributor-writes"))
	if err != nil || resp.Status != 200 {
		t.Fatalf("published post: %v %v", resp, err)
	}

	pubSignIn(t, ctx, e, "bob")
	resp, err = chromedp.RunResponse(ctx, chromedp.Navigate(editURL))
	if err != nil || resp.Status != 403 {
		t.Errorf("bob on cal's post: %v %v", resp, err)
	}
	if h := bt.Get(t, ctx, chromedp.Text(`h1`)); h != "Not allowed" {
		t.Errorf("403 page heading %q", h)
	}
}
