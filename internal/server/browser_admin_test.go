package server

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"quire/internal/account"
	bt "quire/internal/browsertest"
	"quire/internal/post"
)

// adminPages are the signed-in pages every width must fit; {post} is a
// post's id.
var adminPages = []string{"/admin", "/admin/posts", "/admin/posts/new", "/admin/posts/{post}", "/admin/posts/{post}/revisions",
	"/admin/pages", "/admin/pages/new", "/admin/tags", "/admin/media", "/admin/moderation", "/admin/guest-posts", "/admin/profile",
	"/admin/settings", "/admin/discussion", "/admin/users", "/admin/invite", "/admin/import", "/admin/outbox", "/admin/audit",
	"/admin/profile/2fa", "/admin/profile/passkeys", "/admin/profile/newsletter", "/admin/subscribers", "/admin/themes",
	"/admin/guest-posts/{guest}", "/admin/moderation?status=approved", "/admin/moderation/c{comment}/edit", "/admin/privacy"}

// adminPath fills in adminPages' placeholders: a post, a guest post and a
// comment of the test's blog.
func adminPath(path string, post, guest, comment int64) string {
	return strings.NewReplacer("{post}", fmt.Sprint(post), "{guest}", fmt.Sprint(guest), "{comment}", fmt.Sprint(comment)).Replace(path)
}

// TestBrowserAdminFitsPhoneAndDesktop visits every admin page at 390 and
// 1280 px and fails when one scrolls sideways; at 390 px the menu is
// folded behind its button and opens.
func TestBrowserAdminFitsPhoneAndDesktop(t *testing.T) {
	e := newEnv(t)
	ann := e.MustUser("ann", account.Admin)
	wide := e.MustUser("a_rather_long_username_here", account.Author)
	e.MustPost(wide, "Wide columns", post.CommentsOpen) // a long author and a date: the posts list's widest row
	long := "A post whose title runs on and on to see whether the posts list wraps it instead of pushing the page sideways"
	p := e.MustPost(ann, long, post.CommentsOpen)
	e.MustPost(ann, "Short", post.CommentsOpen)
	e.taggedPost(ann, "Filed", "A tag whose name runs on for a phone's width, Go", "Notes", post.Published) // the tags page's rows
	c := e.signedIn("ann")
	e.PostForm(c, "/admin/settings", settingsForm(nil)) // an audit entry with a long JSON value
	statusPath(t, e.submitGuest(e.Client(), guestValues("A guest's post", "Some text.\n", "Ada Guest", "ada@mail.invalid")))
	comment := commentID(t, e.Comment(e.Client(), p, guest("Cleo", "cleo@mail.invalid", "A comment to edit.")))
	var guestID int64
	if err := e.Store.Pool.QueryRow(context.Background(), `SELECT id FROM guest_submissions`).Scan(&guestID); err != nil {
		t.Fatal(err)
	}
	ctx := bt.New(t)
	pubSignIn(t, ctx, e, "ann")
	for _, w := range []int64{1280, 390} {
		bt.Do(t, ctx, chromedp.EmulateViewport(w, 900))
		for _, path := range adminPages {
			path = adminPath(path, p.ID, guestID, comment)
			bt.Do(t, ctx, chromedp.Navigate(e.TS.URL+path), chromedp.WaitVisible(`.admin-main h1`))
			// Folded forms are measured open (the tags page's).
			bt.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("details").forEach(d => d.open = true), 0`))
			sw := bt.Get(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
			cw := bt.Get(t, ctx, chromedp.Evaluate[int](`document.documentElement.clientWidth`))
			if sw > cw {
				bt.Screenshot(t, ctx, fmt.Sprintf("%d-%s", w, url.PathEscape(path)))
				t.Errorf("%s at %d px: scrollWidth %d > clientWidth %d", path, w, sw, cw)
			}
			// Nor may a list hide a column behind a sideways scroll of its
			// own: on a phone its rows are cards.
			if cut := bt.Get(t, ctx, chromedp.Evaluate[string](cellsPastEdge)); cut != "" {
				bt.Screenshot(t, ctx, fmt.Sprintf("%d-%s-cut", w, url.PathEscape(path)))
				t.Errorf("%s at %d px: cells past the window's right edge: %s", path, w, cut)
			}
			// Nor may a field shrink to a sliver (a date input once took
			// the width of a checkbox beside its radio button).
			if thin := bt.Get(t, ctx, chromedp.Evaluate[string](thinFields)); thin != "" {
				bt.Screenshot(t, ctx, fmt.Sprintf("%d-%s-thin", w, url.PathEscape(path)))
				t.Errorf("%s at %d px: fields too narrow to use: %s", path, w, thin)
			}
			// Nor may bare text sit in a flex or grid box, where it becomes
			// a row of its own (a lone "·" between two links once did).
			if stray := bt.Get(t, ctx, chromedp.Evaluate[string](strayText)); stray != "" {
				t.Errorf("%s at %d px: bare text in a flex or grid box: %s", path, w, stray)
			}
			if path == "/admin" || path == "/admin/posts" || path == "/admin/settings" || path == "/admin/audit" {
				bt.Screenshot(t, ctx, fmt.Sprintf("%d%s", w, strings.ReplaceAll(path, "/", "-")))
			}
		}
	}
	// On a phone each of a card's lines says which column it is.
	bt.Do(t, ctx, chromedp.Navigate(e.TS.URL+"/admin/posts"), chromedp.WaitVisible(`.admin-main h1`))
	if got := bt.Get(t, ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('table.list td[data-label=Date]'), '::before').content`)); got != `"Date: "` {
		t.Errorf("the posts list's date cell at 390 px is led by %s, want \"Date: \"", got)
	}
	// At 390 px the menu is folded, and its button opens it.
	bt.Do(t, ctx, chromedp.Navigate(e.TS.URL+"/admin"), chromedp.WaitVisible(`.admin-menu-toggle`))
	if vis := bt.Get(t, ctx, chromedp.Evaluate[bool](`getComputedStyle(document.getElementById('admin-nav')).display !== 'none'`)); vis {
		t.Error("the admin menu is open on a phone before the button is pressed")
	}
	bt.Do(t, ctx, chromedp.Click(`.admin-menu-toggle`), chromedp.WaitVisible(`#admin-nav a[href="/admin/settings"]`))
	bt.Screenshot(t, ctx, "390-menu-open")
	bt.Do(t, ctx, chromedp.Click(`#admin-nav a[href="/admin/settings"]`), chromedp.WaitVisible(`#settings-form`))
}

// cellsPastEdge lists the shown cells of the admin's list tables whose
// right edge is past the window's (a column scrolled out of sight).
const cellsPastEdge = `[...document.querySelectorAll('.admin-main table.list td')]
	.filter(td => td.getClientRects().length && td.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
	.slice(0, 3).map(td => (td.dataset.label || 'first') + ': ' + td.textContent.trim().slice(0, 30)).join('; ')`

// thinFields lists the shown form fields of an admin page narrower than
// 4rem, and the check boxes and radio buttons narrower than 1rem (a long
// label once squeezed its radio button).
const thinFields = `(() => {
	const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
	return [...document.querySelectorAll('.admin-main :is(input, select, textarea)')]
		.filter(f => f.type !== 'hidden' && f.getClientRects().length && !f.closest('[aria-hidden=true]'))
		.filter(f => f.getBoundingClientRect().width < (['checkbox', 'radio'].includes(f.type) ? 1 : 4) * rem)
		.slice(0, 3).map(f => (f.name || f.type) + ' ' + Math.round(f.getBoundingClientRect().width) + 'px').join('; ');
})()`

// strayText lists the text lying directly in a flex or grid box of an
// admin page, labels aside (their text leads their field): each such
// text is laid out as an item of its own.
const strayText = `[...document.querySelectorAll('.admin-main *')]
	.filter(el => el.tagName !== 'LABEL' && el.getClientRects().length && /^(inline-)?(flex|grid)$/.test(getComputedStyle(el).display))
	.flatMap(el => [...el.childNodes].filter(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim())
		.map(n => el.tagName.toLowerCase() + '.' + el.className + ': "' + n.textContent.trim().slice(0, 30) + '"'))
	.slice(0, 3).join('; ')`
