package server

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"quire/internal/account"
	bt "quire/internal/browsertest"
)

// TestBrowserGuestPost: a guest submits a post with a link and a code
// block through "Write for us"; the status link is read from the guest's mail;
// an editor requests changes; the guest revises through the link; the
// editor accepts it and schedules it a few seconds ahead; at its time it
// appears on the front page with the guest byline, and its page with the
// bio box; the guest's status page says published, with the link.
func TestBrowserGuestPost(t *testing.T) {
	e := newJobsEnv(t)
	e.MustUser("eve", account.Editor)
	ctx := bt.New(t)
	body := "Read [the Go spec](https://go.example.invalid/ref/spec).\n\n```go\nfmt.Println(\"guest\")\n```\n"
	bt.Do(t, ctx,
		chromedp.Navigate(e.TS.URL+"/"),
		chromedp.Click(`footer a[href="/write"]`),
		chromedp.WaitVisible(`#guest-form`),
		chromedp.SetValue(`#guest-form input[name=title]`, "A guest on Go"),
		chromedp.SetValue(`#guest-form textarea[name=body]`, body),
		chromedp.SetValue(`#guest-form input[name=name]`, "Ada Guest"),
		chromedp.SetValue(`#guest-form input[name=email]`, "ada@mail.invalid"),
		chromedp.SetValue(`#guest-form textarea[name=bio]`, "Ada writes about Go."),
		chromedp.SetValue(`#guest-form input[name=website]`, "https://ada.example.invalid/"),
	)
	// The guest's box has the editor's formatting toolbar: a word made
	// bold and back.
	bt.Do(t, ctx, chromedp.Evaluate[chromedp.Void](`(function(){var t=document.getElementById("guest-body"); t.focus(); t.setSelectionRange(5, 8)})()`),
		chromedp.Click(`#guest-form .md-toolbar button[data-mark=bold]`))
	if got := bt.Get(t, ctx, chromedp.Value(`#guest-body`)); !strings.HasPrefix(got, "Read **[th**e Go spec]") {
		t.Errorf("bold in the guest's box: %q", got)
	}
	bt.Do(t, ctx, chromedp.Click(`#guest-form .md-toolbar button[data-mark=bold]`))
	if got := bt.Get(t, ctx, chromedp.Value(`#guest-body`)); got != body {
		t.Errorf("bold taken off: %q", got)
	}
	bt.Screenshot(t, ctx, "write-for-us")
	bt.Do(t, ctx, chromedp.Submit(`#guest-form`), chromedp.WaitVisible(`#guest-status`))
	if s := bt.Get(t, ctx, chromedp.Text(`#guest-status`)); s != "Received" {
		t.Fatalf("status %q", s)
	}
	if pubCount(t, ctx, `.guest-preview pre code`) != 1 || pubCount(t, ctx, `.guest-preview a[rel~=nofollow]`) != 1 {
		t.Error("the preview lacks the code block or the nofollow link")
	}
	bt.Screenshot(t, ctx, "status-received")

	// The guest's mail holds the status link (read from the outbox table:
	// the outbox page shows such links redacted); an editor asks for changes.
	link := statusLinkRE.FindString(e.outboxMail("ada@mail.invalid", ""))
	if link == "" {
		t.Fatal("no status link in the guest's mail")
	}
	pubSignIn(t, ctx, e, "eve")
	bt.Do(t, ctx, chromedp.Navigate(e.TS.URL+"/admin/moderation"), chromedp.WaitVisible(`.kind-guest_post`))
	bt.Screenshot(t, ctx, "queue")
	bt.Do(t, ctx, chromedp.Click(`.kind-guest_post a.review`), chromedp.WaitVisible(`#guest-changes-form`),
		chromedp.SetValue(`#guest-changes-form textarea[name=message]`, "Please add a sentence on why."),
		chromedp.Click(`#guest-changes-form button:not(.danger)`), chromedp.WaitVisible(`.flash`))
	reviewURL := bt.Get(t, ctx, chromedp.Location())
	bt.Do(t, ctx, chromedp.Click(`button.link`), chromedp.WaitVisible(`#signin-form`))

	// The guest revises through the link.
	bt.Do(t, ctx, chromedp.Navigate(link), chromedp.WaitVisible(`#revise-form`))
	if m := bt.Get(t, ctx, chromedp.Text(`.guest-history`)); !strings.Contains(m, "Please add a sentence on why.") {
		t.Errorf("the editor's message is missing: %q", m)
	}
	bt.Do(t, ctx, chromedp.SetValue(`#revise-form textarea[name=body]`, body+"\nBecause the spec is short.\n"),
		chromedp.Submit(`#revise-form`), chromedp.WaitVisible(`.flash`))
	if s := bt.Get(t, ctx, chromedp.Text(`#guest-status`)); s != "In review" {
		t.Errorf("status after revising %q", s)
	}

	// The editor accepts and schedules it a few seconds ahead.
	pubSignIn(t, ctx, e, "eve")
	bt.Do(t, ctx, chromedp.Navigate(reviewURL), chromedp.WaitVisible(`#guest-accept-form`),
		chromedp.Click(`#guest-accept-form input[name=when][value=schedule]`),
		chromedp.SetValue(`#guest-accept-form input[name=tags]`, "Go"),
		chromedp.SetValue(`#guest-accept-form input[name=categories]`, "Guest posts"),
		chromedp.SetValue(`#guest-accept-form input[name=slug]`, "a-guest-on-go"),
		chromedp.SetValue(`#guest-accept-form textarea[name=intro]`, "The following is a guest post. [Write for us](/write)."),
	)
	// The time is set last, just before sending, so that a slow machine
	// filling the form does not send a time already past.
	at := time.Now().UTC().Add(8 * time.Second).Truncate(time.Second)
	if at.Second() == 0 {
		// Chromium writes a datetime-local value of ":00" seconds back
		// without them, and chromedp.SetValue takes that for a failure.
		at = at.Add(time.Second)
	}
	bt.Do(t, ctx, chromedp.SetValue(`#guest-accept-form input[name=published_at]`, at.Format("2006-01-02T15:04:05")))
	bt.Screenshot(t, ctx, "accept")
	bt.Do(t, ctx, chromedp.Click(`#guest-accept-form button`), chromedp.WaitVisible(`.flash`))
	if f := bt.Get(t, ctx, chromedp.Text(`.flash`)); !strings.Contains(f, "Scheduled") {
		t.Fatalf("flash %q", f)
	}
	bt.Do(t, ctx, chromedp.Click(`button.link`), chromedp.WaitVisible(`#signin-form`))
	bt.Do(t, ctx, chromedp.Navigate(e.TS.URL+"/"), chromedp.WaitVisible(`main`))
	if time.Now().Before(at) && pubCount(t, ctx, `a[href="/posts/a-guest-on-go"]`) != 0 {
		t.Error("the post shows before its time")
	}

	// At its time it is on the front page, by the guest.
	for deadline := at.Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		bt.Do(t, ctx, chromedp.Navigate(e.TS.URL+"/"), chromedp.WaitVisible(`main`))
		if pubCount(t, ctx, `.post-card a[href="/posts/a-guest-on-go"]`) > 0 {
			break
		}
	}
	if by := bt.Get(t, ctx, chromedp.Text(`.post-card .byline`)); !strings.Contains(by, "Guest post by") || !strings.Contains(by, "Ada Guest") {
		t.Fatalf("front page byline %q", by)
	}
	bt.Screenshot(t, ctx, "front")
	bt.Do(t, ctx, chromedp.Click(`.post-card h2 a`), chromedp.WaitVisible(`.guest-box`))
	if b := bt.Get(t, ctx, chromedp.Text(`.guest-box`)); !strings.Contains(b, "Ada writes about Go.") {
		t.Errorf("bio box %q", b)
	}
	if pubCount(t, ctx, `.guest-box a[rel="nofollow ugc noopener"][href="https://ada.example.invalid/"]`) != 1 ||
		pubCount(t, ctx, `.e-content pre code`) != 1 || pubCount(t, ctx, `.guest-intro a[href="/write"]`) != 1 {
		t.Error("post page lacks the website link, the code block or the editor's note")
	}
	bt.Screenshot(t, ctx, "post")

	bt.Do(t, ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(e.TS.URL+"/write"), chromedp.WaitVisible(`#guest-form`))
	bt.Screenshot(t, ctx, "write-phone")
	bt.Do(t, ctx, chromedp.Navigate(link), chromedp.WaitVisible(`#guest-status`))
	if s := bt.Get(t, ctx, chromedp.Text(`#guest-status`)); s != "Published" || pubCount(t, ctx, `#guest-post-link[href="/posts/a-guest-on-go"]`) != 1 {
		t.Errorf("status page: %q without the link", s)
	}
	bt.Screenshot(t, ctx, "status-published")
}
