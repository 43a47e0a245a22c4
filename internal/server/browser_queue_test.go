package server

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"quire/internal/account"
	bt "quire/internal/browsertest"
	"quire/internal/comment"
	"quire/internal/moderation"
	"quire/internal/store"
)

// TestBrowserQueueOneList: an editor sees a held comment, pingback,
// webmention and guest post in one list (screenshots at 1280 and 390 px,
// no sideways scrolling, a long comment folded behind "Show all"), selects
// all and approves them in one bulk action; each shows where it belongs,
// the guest post published with its byline. Then the same with keyboard
// shortcuts, and the same through the API.
func TestBrowserQueueOneList(t *testing.T) {
	e := newJobsEnv(t)
	eve := e.MustUser("eve", account.Editor)
	f := e.mustQueueFixture(10)
	long := &store.NewComment{Comment: comment.Comment{PostID: f.Post.ID, Kind: comment.KindComment, Status: comment.StatusHeld,
		AuthorName: "Lou Long", AuthorEmail: "lou@mail.invalid", BodySource: "long",
		BodyHTML: strings.Repeat("<p>A long letter, line after line, https://a-very-long-address.invalid/with/a/path/that/does/not/wrap/on/its/own/at/all</p>\n", 60)}}
	if err := store.CreateComment(context.Background(), e.Store.Pool, long); err != nil {
		t.Fatal(err)
	}
	longKey := moderation.Key{Kind: moderation.KindComment, ID: long.ID}
	ctx := bt.New(t)
	pubSignIn(t, ctx, e, "eve")
	bt.Do(t, ctx, chromedp.Navigate(e.TS.URL+"/admin/moderation"), chromedp.WaitVisible(`#queue-form`))
	for _, k := range []moderation.Key{f.Comment, f.Pingback, f.Webmention, f.Guest, longKey} {
		if pubCount(t, ctx, `#item-`+k.String()) != 1 {
			t.Errorf("the list lacks %s", k)
		}
	}
	folded := bt.Get(t, ctx, chromedp.Evaluate[int](`document.querySelector("#item-`+longKey.String()+` .queue-content").offsetHeight`))
	bt.Screenshot(t, ctx, "queue-1280")
	bt.Do(t, ctx, chromedp.Click(`#item-`+longKey.String()+` details.show-all summary`))
	open := bt.Get(t, ctx, chromedp.Evaluate[int](`document.querySelector("#item-`+longKey.String()+` .queue-content").offsetHeight`))
	if folded > 700 || open < 3*folded {
		t.Errorf("folding: %d px folded, %d px shown all", folded, open)
	}
	bt.Do(t, ctx, chromedp.EmulateViewport(390, 844), chromedp.Reload(), chromedp.WaitVisible(`#queue-form`))
	if w := bt.Get(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 390 {
		t.Errorf("the queue scrolls sideways at 390 px: %d px wide", w)
	}
	bt.Screenshot(t, ctx, "queue-390")
	bt.Do(t, ctx, chromedp.EmulateViewport(1280, 900))

	// Select all, approve in one bulk action.
	bt.Do(t, ctx, chromedp.Navigate(e.TS.URL+"/admin/moderation"), chromedp.WaitVisible(`#queue-form`),
		chromedp.Click(`#select-all`), chromedp.SetValue(`#queue-form select[name=action]`, "approve"),
		chromedp.Click(`#queue-form .bulk button[type=submit]`), chromedp.WaitVisible(`.flash`))
	if fl := bt.Get(t, ctx, chromedp.Text(`.flash`)); fl != "Approved: 5 items." {
		t.Errorf("flash %q", fl)
	}
	e.assertPlaced(t, ctx, f)

	g := e.mustQueueFixture(20)
	// "/" goes to the search box; what is typed there is a search, not
	// shortcuts (an "a" would approve), and Enter runs it.
	bt.Do(t, ctx, chromedp.Navigate(e.TS.URL+"/admin/moderation"), chromedp.WaitVisible(`#queue-form`),
		chromedp.KeyEvent("j"), chromedp.KeyEvent("/"))
	waitJS(t, ctx, `document.activeElement === document.querySelector("#queue-filter input[name=q]")`)
	// (The driver's "/" may land in the box after the focus moved; a
	// person's does not: the key's default is prevented.)
	bt.Get(t, ctx, chromedp.Evaluate[bool](`(document.querySelector("#queue-filter input[name=q]").value = "", true)`))
	bt.Do(t, ctx, chromedp.KeyEvent("cat@mail.invalid\r"))
	waitJS(t, ctx, `location.search.indexOf("q=cat") >= 0 && document.querySelectorAll(".queue-item").length === 1`)
	if e.commentStatus(g.Comment.ID) != "held" {
		t.Error("typing in the search box approved a comment")
	}

	// The same through the keyboard: j moves, a approves.
	bt.Do(t, ctx, chromedp.Navigate(e.TS.URL+"/admin/moderation"), chromedp.WaitVisible(`#queue-form`))
	for i := range 4 {
		bt.Do(t, ctx, chromedp.KeyEvent("j"), chromedp.KeyEvent("a"))
		waitJS(t, ctx, `document.querySelectorAll(".queue-item").length === `+itoa(int64(3-i)))
	}
	e.assertPlaced(t, ctx, g)

	// The same through the API.
	h := e.mustQueueFixture(30)
	tok := e.token(eve)
	for _, k := range []moderation.Key{h.Comment, h.Pingback, h.Webmention, h.Guest} {
		if st, out := apiCall(t, e, "POST", "/api/v1/moderation/queue/"+k.String()+"/approve", tok, nil); st != 200 {
			t.Fatalf("API approve %s: %d %v", k, st, out)
		}
	}
	e.assertPlaced(t, ctx, h)
}

// assertPlaced checks that each item of f shows where it belongs: the
// comment and both linkbacks in the post's thread (no Reply link on the
// linkbacks), the guest post published with the guest's byline.
func (e *testEnv) assertPlaced(t *testing.T, ctx context.Context, f queueFixture) {
	t.Helper()
	bt.Do(t, ctx, chromedp.Navigate(e.TS.URL+f.Post.Path()), chromedp.WaitVisible(`#comments`))
	for _, k := range []moderation.Key{f.Comment, f.Pingback, f.Webmention} {
		if pubCount(t, ctx, `#comment-`+itoa(k.ID)) != 1 {
			t.Errorf("%s is not in the thread", k)
		}
	}
	if pubCount(t, ctx, `.linkback a.reply`) != 0 || pubCount(t, ctx, `#comment-`+itoa(f.Comment.ID)+` a.reply`) != 1 {
		t.Error("Reply links: pingbacks and webmentions have one, or the comment has none")
	}
	var slug string
	if err := e.Store.Pool.QueryRow(context.Background(), `SELECT p.slug FROM guest_submissions s JOIN posts p ON p.id = s.post_id
		WHERE s.id = $1 AND p.status = 'published'`, f.Guest.ID).Scan(&slug); err != nil {
		t.Fatalf("guest post %s not published: %v", f.Guest, err)
	}
	bt.Do(t, ctx, chromedp.Navigate(e.TS.URL+"/posts/"+slug), chromedp.WaitVisible(`.byline`))
	if b := bt.Get(t, ctx, chromedp.Text(`.byline`)); !strings.Contains(b, "Guest post by Gia Guest") {
		t.Errorf("byline %q", b)
	}
}
