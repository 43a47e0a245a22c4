package server

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	bt "quire/internal/browsertest"
	"quire/internal/media/library"
	"quire/internal/media/mediatest"
	"quire/internal/store"
)

// TestBrowserNewBloggerJourney: on a blog with no admin, a new blogger
// opens the set-up address, names the blog and creates their account,
// writes a post, inserts an image from the library, previews it, goes back
// to the editor, publishes, and finds the post on the front page under the
// new name — at 1280 and at 390 px, with no sideways scrolling.
func TestBrowserNewBloggerJourney(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	link, err := e.Srv.SetupURL(ctx)
	if err != nil || link == "" {
		t.Fatalf("set-up URL %q %v", link, err)
	}
	b := bt.New(t)
	bt.Do(t, b,
		chromedp.Navigate(link),
		chromedp.WaitVisible(`#setup-form`),
		chromedp.SetValue(`#setup-form input[name=blog_name]`, "Harbour Notes"),
		chromedp.SetValue(`#setup-form input[name=username]`, "jo"),
		chromedp.SetValue(`#setup-form input[name=email]`, "jo@example.com"),
		chromedp.SetValue(`#setup-form input[name=password]`, "a long enough password"),
		chromedp.SetValue(`#setup-form input[name=confirm_password]`, "a long enough password"),
	)
	bt.Screenshot(t, b, "setup")
	bt.Do(t, b, chromedp.Submit(`#setup-form`), chromedp.WaitVisible(`#figures`))
	if f := bt.Get(t, b, chromedp.Text(`.flash`)); !strings.Contains(f, "Welcome to Harbour Notes") {
		t.Fatalf("after set-up: flash %q", f)
	}
	// An image in the library, uploaded by the new admin.
	jo, err := store.UserByLogin(ctx, e.Store.Pool, "jo")
	if err != nil {
		t.Fatal(err)
	}
	img, err := e.Srv.media.Upload(ctx, jo, &library.Form{Data: mediatest.JPEG(t, mediatest.Photo(1200, 800)), Filename: "harbour.jpg", Alt: "Boats at dawn"})
	if err != nil {
		t.Fatal(err)
	}
	bt.Do(t, b,
		chromedp.Navigate(e.TS.URL+"/admin/posts/new"),
		chromedp.WaitVisible(`#post-form`),
		chromedp.SetValue(`#post-form input[name=title]`, "First light"),
		chromedp.SetValue(`#post-form textarea[name=body]`, "We walked down to the water early."),
		chromedp.Click(`#insert-image summary`),
		chromedp.WaitVisible(`#insert-image button.insert`),
	)
	bt.Do(t, b, chromedp.Evaluate[chromedp.Void](`(function(){var t=document.querySelector('#post-form textarea[name=body]'); t.focus(); t.setSelectionRange(t.value.length, t.value.length);})()`))
	bt.Do(t, b, chromedp.Click(`#insert-image button.insert`))
	body := bt.Get(t, b, chromedp.Value(`#post-form textarea[name=body]`))
	if !strings.Contains(body, "We walked down to the water early.\n\n![Boats at dawn](/media/") {
		t.Fatalf("body after Insert image: %q", body)
	}
	// The image's alt text and address are not counted: seven words.
	if wc := bt.Get(t, b, chromedp.Text(`#word-count`)); wc != "7 words, about 1 min to read." {
		t.Errorf("word count %q", wc)
	}
	bt.Screenshot(t, b, "editor")
	bt.Do(t, b, chromedp.Click(`button[formaction="/admin/posts/preview"]`), chromedp.WaitVisible(`.e-content img`))
	bt.Screenshot(t, b, "preview")
	bt.Do(t, b, chromedp.Click(`#back-to-editor`), chromedp.WaitVisible(`#post-form`))
	if v := bt.Get(t, b, chromedp.Value(`#post-form input[name=title]`)); v != "First light" {
		t.Fatalf("back in the editor, title %q", v)
	}
	// The same picture as the featured image: the front page's card shows it.
	bt.Do(t, b, chromedp.SetValue(`#post-form select[name=featured_media_id]`, strconv.FormatInt(img.ID, 10)))
	bt.Do(t, b, chromedp.Click(`#post-form button[value=publish]`), chromedp.WaitVisible(`.flash`))
	if f := bt.Get(t, b, chromedp.Text(`.flash`)); !strings.Contains(f, "Published") {
		t.Fatalf("flash %q", f)
	}
	for _, w := range []int64{1280, 390} {
		bt.Do(t, b, chromedp.EmulateViewport(w, 900), chromedp.Navigate(e.TS.URL+"/"), chromedp.WaitVisible(`main`))
		if got := bt.Get(t, b, chromedp.Text(`.site-title`)); got != "Harbour Notes" {
			t.Errorf("%d px: site title %q", w, got)
		}
		if pubCount(t, b, `main a[href="/posts/first-light"]`) == 0 {
			t.Errorf("%d px: the post is not on the front page", w)
		}
		if src := bt.Get(t, b, chromedp.Evaluate[string](`(document.querySelector('a.card-image[href="/posts/first-light"] img')||{}).src||""`)); !strings.Contains(src, img.Hash) {
			t.Errorf("%d px: the card shows %q, not the featured image", w, src)
		}
		if sw, cw := bt.Get(t, b, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)),
			bt.Get(t, b, chromedp.Evaluate[int](`document.documentElement.clientWidth`)); sw > cw {
			t.Errorf("%d px: front page scrolls sideways (%d > %d)", w, sw, cw)
		}
		if w == 390 {
			bt.Screenshot(t, b, "front-390")
		} else {
			bt.Screenshot(t, b, "front-1280")
		}
		bt.Do(t, b, chromedp.Navigate(e.TS.URL+"/posts/first-light"), chromedp.WaitVisible(`.e-content img`))
		// The inserted Markdown image is served responsive.
		if set := bt.Get(t, b, chromedp.Evaluate[string](`document.querySelector('.e-content img').getAttribute('srcset')||""`)); !strings.Contains(set, img.Hash+"-480") {
			t.Errorf("%d px: the inserted image has srcset %q", w, set)
		}
	}
}
