package server

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"quire/internal/account"
	bt "quire/internal/browsertest"
	"quire/internal/post"
)

// a11yBlog fills a blog with what the public pages show: a long post with
// an image, code, a table, footnotes and a thread, enough posts for a
// second front page, tags, categories and a page in the navigation.
func a11yBlog(t *testing.T, e *testEnv) *post.Post {
	t.Helper()
	ann := e.MustUser("ann", account.Author)
	now := time.Now()
	long := "<figure><img src=\"/favicon.ico\" alt=\"Quire's mark\" width=\"1200\" height=\"675\"><figcaption>A lead figure with a caption.</figcaption></figure>\n\n" +
		"The opening paragraph says what the post is about, in a sentence or two.\n\n" +
		"## Setting up\n\nSome prose with `code` and a footnote.[^1]\n\n```go\nfunc main() {\n\tfmt.Println(\"a very long line of code that must scroll inside its own box rather than the page\")\n}\n```\n\n" +
		"## The table\n\n| language | year | a rather long column heading |\n|---|---|---|\n| Go | 2009 | yes |\n\n### A detail\n\n> A quotation.\n\n- [x] done\n- [ ] to do\n\n" +
		"## Last\n\nAnUnbrokenWordThatIsMuchLongerThanAPhoneScreenIsWideAndMustWrapSomehowWithoutScrolling.\n\n[^1]: The note."
	p := e.mustBodyPost(ann, "A long post about accessible pages", long, now.Add(-time.Hour))
	_, _ = e.Store.Pool.Exec(context.Background(), `INSERT INTO terms (kind, name, slug) VALUES ('tag', 'Go', 'go'), ('category', 'Notes', 'notes')`)
	for i := range 11 {
		e.mustBodyPost(ann, "Short post "+strconv.Itoa(i), "A short post, number "+strconv.Itoa(i)+".", now.Add(-time.Duration(i+2)*time.Hour))
	}
	e.MustSitePage(ann, "About", "about", post.PageSettings{InNav: true}, "")
	mod := e.signedIn("mod")
	reader := e.Client()
	var parent int64
	for i := range 6 {
		v := guest(fmt.Sprintf("Reader %d", i), fmt.Sprintf("r%d@mail.invalid", i), "A *thoughtful* comment, number "+strconv.Itoa(i)+".")
		if parent != 0 && i%2 == 1 {
			v.Set("parent_id", strconv.FormatInt(parent, 10))
		}
		id := commentID(t, e.Comment(reader, p, v))
		e.approve(mod, id)
		parent = id
	}
	return p
}

// TestBrowserAccessibility runs axe-core on every public page and fails on
// any serious or critical WCAG 2.2 A/AA violation (the main pages in dark
// colours too), and on every admin page in both palettes; at 390 px no
// public page may scroll sideways (TestBrowserAdminFitsPhoneAndDesktop
// checks the admin's). Screenshots of the front page, the
// post, the archive and search are kept at both widths.
func TestBrowserAccessibility(t *testing.T) {
	axe := bt.AxeSource(t)
	e := newEnv(t)
	e.allowFastForms()
	p := a11yBlog(t, e)
	ctx := bt.NewFor(t, 8*time.Minute)
	month := time.Now().UTC().Format("2006/01")
	public := []string{"/", "", p.Path(), "/about", "/archive", "/archive/" + month, "/tags", "/tags/go", "/categories",
		"/authors/ann", "/search", "/search?q=post", "/signin", "/signup", "/write", "/password/reset", "/no-such-page"}
	shots := map[string]string{"/": "front", p.Path(): "post", "/archive": "archive", "/search?q=post": "search"}

	for _, width := range []int64{1280, 390} {
		bt.Do(t, ctx, chromedp.EmulateViewport(width, 900))
		for _, path := range public {
			if path == "" { // page 2 of the front page, by its link
				bt.Do(t, ctx, chromedp.Navigate(e.TS.URL+"/"), chromedp.WaitVisible(chromedp.ID("main")))
				path = bt.Get(t, ctx, chromedp.Evaluate[string](`document.querySelector(".pager a[rel=next]").getAttribute("href")`))
			}
			start := time.Now()
			bt.Do(t, ctx, chromedp.Navigate(e.TS.URL+path), chromedp.WaitVisible(chromedp.ID("main")))
			if width == 1280 || path == "/" || path == p.Path() {
				for _, v := range bt.Serious(bt.Axe(t, ctx, axe)) {
					t.Errorf("%s at %d px: %s", path, width, v)
				}
			}
			if sw := bt.Get(t, ctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth`)); sw > width {
				t.Errorf("%s at %d px scrolls sideways: %d px wide", path, width, sw)
			}
			t.Logf("%s at %d px: %v", path, width, time.Since(start).Round(time.Millisecond))
			if name, ok := shots[path]; ok {
				bt.Screenshot(t, ctx, fmt.Sprintf("%s-%d", name, width))
			}
		}
	}

	// The dark palette: contrast checked on the pages with the most colour.
	bt.ColorScheme(t, ctx, "dark")
	for _, path := range []string{"/", p.Path(), "/archive", "/search?q=post"} {
		bt.Do(t, ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(e.TS.URL+path), chromedp.WaitVisible(chromedp.ID("main")))
		for _, v := range bt.Serious(bt.Axe(t, ctx, axe)) {
			t.Errorf("%s in dark colours: %s", path, v)
		}
	}
	bt.Screenshot(t, ctx, "search-dark")
	bt.ColorScheme(t, ctx, "")

	// The comment form: errors tied to their fields, then the writer's
	// own comment awaiting moderation.
	bt.Do(t, ctx, chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(e.TS.URL+p.Path()+"#respond"), chromedp.WaitVisible(`#comment-form`),
		chromedp.SetValue(`#comment-form input[name=author_email]`, "not-an-address"),
		chromedp.Submit(`#comment-form`), chromedp.WaitVisible(`.field-error`))
	if got := bt.Get(t, ctx, chromedp.Evaluate[string](`(() => { const i = document.querySelector("[aria-invalid=true]"); return i ? document.getElementById(i.getAttribute("aria-describedby").split(" ")[0]).textContent : "" })()`)); got == "" {
		t.Error("no invalid field described by its error")
	}
	for _, v := range bt.Serious(bt.Axe(t, ctx, axe)) {
		t.Errorf("comment form with errors: %s", v)
	}
	bt.Do(t, ctx,
		chromedp.SetValue(`#comment-form input[name=author_name]`, "New Reader"),
		chromedp.SetValue(`#comment-form input[name=author_email]`, "new@mail.invalid"),
		chromedp.SetValue(`#comment-form textarea[name=body]`, "My first comment here."),
		chromedp.Submit(`#comment-form`), chromedp.WaitVisible(`.comment.held`))
	if got := bt.Get(t, ctx, chromedp.Text(`.comment.held .held-badge`)); !strings.Contains(strings.ToLower(got), "awaiting moderation") {
		t.Errorf("held state %q", got)
	}
	for _, v := range bt.Serious(bt.Axe(t, ctx, axe)) {
		t.Errorf("held comment: %s", v)
	}

	// Every admin page, in light and dark colours.
	statusPath(t, e.submitGuest(e.Client(), guestValues("A guest's post", "Some text.\n", "Ada Guest", "ada@mail.invalid")))
	var guestID int64
	if err := e.Store.Pool.QueryRow(context.Background(), `SELECT id FROM guest_submissions`).Scan(&guestID); err != nil {
		t.Fatal(err)
	}
	var commentID int64
	if err := e.Store.Pool.QueryRow(context.Background(), `SELECT min(id) FROM comments`).Scan(&commentID); err != nil {
		t.Fatal(err)
	}
	pubSignIn(t, ctx, e, "mod")
	// Contrast differs by palette, and touch targets' room by width.
	for _, look := range []struct {
		scheme string
		width  int64
	}{{"light", 1280}, {"dark", 1280}, {"light", 390}} {
		bt.ColorScheme(t, ctx, look.scheme)
		bt.Do(t, ctx, chromedp.EmulateViewport(look.width, 900))
		for _, path := range adminPages {
			path = adminPath(path, p.ID, guestID, commentID)
			bt.Do(t, ctx, chromedp.Navigate(e.TS.URL+path), chromedp.WaitVisible(chromedp.ID("main")))
			for _, v := range bt.Serious(bt.Axe(t, ctx, axe)) {
				t.Errorf("admin %s in %s colours at %d px: %s", path, look.scheme, look.width, v)
			}
		}
	}
	// The post as its moderator reads it: each comment with its actions,
	// still inside a phone's width.
	for _, scheme := range []string{"light", "dark"} {
		bt.ColorScheme(t, ctx, scheme)
		for _, width := range []int64{1280, 390} {
			bt.Do(t, ctx, chromedp.EmulateViewport(width, 900), chromedp.Navigate(e.TS.URL+p.Path()), chromedp.WaitVisible(`.mod-bar`))
			for _, v := range bt.Serious(bt.Axe(t, ctx, axe)) {
				t.Errorf("the post as its moderator reads it, %d px, %s colours: %s", width, scheme, v)
			}
			if sw := bt.Get(t, ctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth`)); sw > width {
				t.Errorf("the moderator's post at %d px scrolls sideways: %d px wide", width, sw)
			}
			bt.Do(t, ctx, chromedp.ScrollIntoView(`.mod-bar`))
			bt.Screenshot(t, ctx, fmt.Sprintf("post-moderator-%s-%d", scheme, width))
		}
	}
	bt.ColorScheme(t, ctx, "")

	// Spam from the post: back on it, with word of what was done, and the
	// comment gone from the thread.
	first := bt.Get(t, ctx, chromedp.Evaluate[string](`document.querySelector(".comment-list article").id`))
	bt.Do(t, ctx, chromedp.Click(`.comment-list article form.mod button[value^="spam:"]`), chromedp.WaitVisible(`.flash`))
	if got := bt.Get(t, ctx, chromedp.Text(`.flash`)); got != "Marked as spam: 1 item." {
		t.Errorf("flash on the post: %q", got)
	}
	if u := bt.Get(t, ctx, chromedp.Evaluate[string](`location.pathname + location.hash`)); u != p.Path()+"#comments" {
		t.Errorf("after Spam the moderator is at %q", u)
	}
	if n := bt.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#`+first+`").length`)); n != 0 {
		t.Errorf("%s is still on the post after Spam", first)
	}
}
