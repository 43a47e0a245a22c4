package server

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"quire/internal/account"
	bt "quire/internal/browsertest"
	"quire/internal/comment"
	"quire/internal/post"
	"quire/internal/store"
)

// waitJS waits until the expression is true in the page. Errors are
// retried: after a form is sent the page navigates under the check.
func waitJS(t *testing.T, ctx context.Context, js string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.readyState === "complete" && (`+js+`)`))
		if err == nil && ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", js)
}

// writeComment fills the comment form and sends it.
func writeComment(name, email, body string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.WaitVisible(`#comment-form`),
		chromedp.SendKeys(`#comment-form input[name=author_name]`, name),
		chromedp.SendKeys(`#comment-form input[name=author_email]`, email),
		chromedp.SendKeys(`#comment-form textarea[name=body]`, body),
		chromedp.Click(`#comment-form input[name=remember]`),
		chromedp.Click(`#comment-form button[type=submit]`),
	}
}

// TestBrowserCommentModeration: a guest comments and is told it awaits
// moderation; a moderator approves it from the queue with the keyboard;
// the guest's next comment (remembered, now a known address) appears at
// once; a comment with three links is held and the queue says why.
func TestBrowserCommentModeration(t *testing.T) {
	e := newEnv(t)
	e.allowFastForms()
	ann := e.MustUser("ann", account.Author)
	e.MustUser("mo", account.Moderator)
	p := e.MustPost(ann, "Say something", post.CommentsOpen)
	ctx := bt.New(t)

	bt.Do(t, ctx, chromedp.Navigate(e.TS.URL+p.Path()), chromedp.WaitVisible(`#comment-form .md-toolbar`))
	// The comment box's toolbar: what a comment may hold, no headings.
	marks := `Array.from(document.querySelectorAll("#comment-form .md-toolbar button")).map(b => b.dataset.mark).join(" ")`
	if got := bt.Get(t, ctx, chromedp.Evaluate[string](marks)); got != "bold italic link quote list code" {
		t.Errorf("the comment form's toolbar: %q", got)
	}
	bt.Do(t, ctx, writeComment("Maria", "maria@mail.invalid", "First thoughts.")...)
	bt.Do(t, ctx, chromedp.WaitVisible(`.comment.held .notice`))
	if got := bt.Get(t, ctx, chromedp.Text(`.comment.held .notice`)); got != "Your comment is awaiting moderation." {
		t.Errorf("notice %q", got)
	}

	// The moderator, in the same browser: j selects the item, a approves.
	bt.Do(t, ctx,
		chromedp.Navigate(e.TS.URL+"/signin?next=/admin/moderation"),
		chromedp.SendKeys(`input[name=login]`, "mo"),
		chromedp.SendKeys(`input[name=password]`, "password123"),
		chromedp.Submit(`#signin-form`),
		chromedp.WaitVisible(`.queue-item`),
	)
	if r := bt.Get(t, ctx, chromedp.Text(`.queue-item .reasons`)); !strings.Contains(r, "First comment from this e-mail address") {
		t.Errorf("reasons %q", r)
	}
	bt.Do(t, ctx, chromedp.KeyEvent("j"), chromedp.KeyEvent("a"))
	waitJS(t, ctx, `document.querySelector(".flash") && document.querySelector(".flash").textContent.includes("Approved")`)
	if f := bt.Get(t, ctx, chromedp.Text(`.flash`)); !strings.Contains(f, "Approved: 1 item.") {
		t.Errorf("flash %q", f)
	}
	bt.Screenshot(t, ctx, "queue-after-approve")

	// Back as the guest: the comment is public; the next appears at once.
	bt.Do(t, ctx,
		chromedp.Navigate(e.TS.URL+"/admin"), chromedp.Click(`button.link`), chromedp.WaitVisible(`#signin-form`),
		chromedp.Navigate(e.TS.URL+p.Path()), chromedp.WaitVisible(`.comment-list`),
	)
	if name := bt.Get(t, ctx, chromedp.Evaluate[string](`document.querySelector("#comment-form input[name=author_name]").value`)); name != "Maria" {
		t.Errorf("remembered name %q", name)
	}
	// "second" made bold with the toolbar.
	bt.Do(t, ctx, chromedp.SendKeys(`#comment-form textarea[name=body]`, "And a second thought."))
	bt.Get(t, ctx, chromedp.Evaluate[bool](`(function(){var t=document.getElementById("comment-body"); t.focus(); t.setSelectionRange(6, 12); return true})()`))
	bt.Do(t, ctx, chromedp.Click(`#comment-form .md-toolbar button[data-mark=bold]`))
	if got := bt.Get(t, ctx, chromedp.Value(`#comment-body`)); got != "And a **second** thought." {
		t.Errorf("bold in the comment box: %q", got)
	}
	bt.Do(t, ctx, chromedp.Click(`#comment-form button[type=submit]`))
	waitJS(t, ctx, `Array.from(document.querySelectorAll(".comment-content strong")).some(s => s.textContent === "second")`)
	if got := bt.Get(t, ctx, chromedp.Text(`#comments-title`)); got != "2 responses" {
		t.Errorf("after the second comment: %q", got)
	}
	bt.Do(t, ctx,
		chromedp.SendKeys(`#comment-form textarea[name=body]`, "Links: https://a.invalid/ https://b.invalid/ https://c.invalid/"),
		chromedp.Click(`#comment-form button[type=submit]`),
		chromedp.WaitVisible(`.comment.held .notice`),
	)
	items, _, err := store.Queue(context.Background(), e.Store.Pool, store.QueueFilter{})
	if err != nil || len(items) != 1 || items[0].Reasons[0].Message != "Contains 3 links; more than 2 are held" {
		t.Errorf("held for links: %+v %v", items, err)
	}
}

// TestBrowserReplyThreeLevels: with JavaScript the reply link moves the
// form under the comment; a reader replies three levels deep.
func TestBrowserReplyThreeLevels(t *testing.T) {
	e := newEnv(t)
	e.allowFastForms()
	ann := e.MustUser("ann", account.Author)
	p := e.MustPost(ann, "Deep", post.CommentsOpen)
	// Both readers are known (an approved comment each), so nothing is held.
	mk := func(name, email string) int64 {
		n := &store.NewComment{Comment: comment.Comment{PostID: p.ID, Kind: comment.KindComment, Status: comment.StatusApproved,
			AuthorName: name, AuthorEmail: email, BodySource: "Hello", BodyHTML: "<p>Hello from " + name + "</p>"}}
		if err := store.CreateComment(context.Background(), e.Store.Pool, n); err != nil {
			t.Fatal(err)
		}
		return n.ID
	}
	last := mk("Maria", "maria@mail.invalid")
	mk("Jon", "jon@mail.invalid")
	ctx := bt.New(t)
	bt.Do(t, ctx, chromedp.Navigate(e.TS.URL+p.Path()), chromedp.WaitVisible(`.comment-list`))
	for level := 1; level <= 3; level++ {
		sel := `#comment-` + strconv.FormatInt(last, 10)
		bt.Do(t, ctx, chromedp.Click(sel+` a.reply`))
		waitJS(t, ctx, `!!document.querySelector("`+sel+` + #respond")`)
		if title := bt.Get(t, ctx, chromedp.Text(`#reply-title`)); !strings.HasPrefix(title, "Reply to ") {
			t.Errorf("reply title %q", title)
		}
		if level == 1 {
			bt.Do(t, ctx, chromedp.SendKeys(`#comment-form input[name=author_name]`, "Jon"),
				chromedp.SendKeys(`#comment-form input[name=author_email]`, "jon@mail.invalid"),
				chromedp.Click(`#comment-form input[name=remember]`))
		}
		bt.Do(t, ctx,
			chromedp.SendKeys(`#comment-form textarea[name=body]`, "Reply at level "+strconv.Itoa(level)),
			chromedp.Click(`#comment-form button[type=submit]`),
		)
		waitJS(t, ctx, `document.body.textContent.includes("Reply at level `+strconv.Itoa(level)+`")`)
		loc := bt.Get(t, ctx, chromedp.Location())
		_, frag, _ := strings.Cut(loc, "#comment-")
		id, err := strconv.ParseInt(frag, 10, 64)
		if err != nil || strings.Contains(loc, "unapproved") {
			t.Fatalf("level %d: landed on %s", level, loc)
		}
		last = id
	}
	depth := bt.Get(t, ctx, chromedp.Evaluate[int](`(function(){var n=0,e=document.getElementById("comment-`+strconv.FormatInt(last, 10)+`");while(e){if(e.matches&&e.matches("ol.children"))n++;e=e.parentElement}return n})()`))
	if depth != 3 {
		t.Errorf("third reply nested %d levels deep", depth)
	}
	bt.Screenshot(t, ctx, "thread")
}

// TestBrowserPolicies: a members-only post refuses a guest and offers to
// sign in; a closed post shows its thread and no form.
func TestBrowserPolicies(t *testing.T) {
	e := newEnv(t)
	ann := e.MustUser("ann", account.Author)
	members := e.MustPost(ann, "Members only", post.CommentsMembers)
	closed := e.MustPost(ann, "Closed", post.CommentsOpen)
	n := &store.NewComment{Comment: comment.Comment{PostID: closed.ID, Kind: comment.KindComment, Status: comment.StatusApproved,
		AuthorName: "Early", BodyHTML: "<p>Before it closed.</p>"}}
	if err := store.CreateComment(context.Background(), e.Store.Pool, n); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Store.Pool.Exec(context.Background(), `UPDATE posts SET comment_policy = 'closed' WHERE id = $1`, closed.ID); err != nil {
		t.Fatal(err)
	}
	ctx := bt.New(t)
	bt.Do(t, ctx, chromedp.Navigate(e.TS.URL+members.Path()), chromedp.WaitVisible(`.members-only`))
	if msg := bt.Get(t, ctx, chromedp.Text(`.members-only`)); !strings.Contains(msg, "Only members of this blog may comment") {
		t.Errorf("members-only message %q", msg)
	}
	if forms := bt.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#comment-form").length`)); forms != 0 {
		t.Error("members-only post shows a form to a guest")
	}
	bt.Do(t, ctx, chromedp.Navigate(e.TS.URL+closed.Path()), chromedp.WaitVisible(`.comments-closed`))
	if txt := bt.Get(t, ctx, chromedp.Text(`.comment-list`)); !strings.Contains(txt, "Before it closed.") {
		t.Errorf("closed thread %q", txt)
	}
	if forms := bt.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#comment-form, a.reply").length`)); forms != 0 {
		t.Error("closed post shows a form or reply links")
	}
}
