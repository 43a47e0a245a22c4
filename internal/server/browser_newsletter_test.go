package server

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"quire/internal/account"
	bt "quire/internal/browsertest"
	"quire/internal/newsletter"
	"quire/internal/post"
	"quire/internal/store"
)

var unsubscribeLink = regexp.MustCompile(`Unsubscribe: (\S+)`)

// TestBrowserNewsletter: a reader follows the blog from the footer,
// confirms from the mail Mailpit received, gets the next post, and
// unsubscribes from that mail's link.
func TestBrowserNewsletter(t *testing.T) {
	e, mp := newMailEnv(t)
	e.allowFastForms()
	ctx := bt.New(t)
	bt.Do(t, ctx,
		chromedp.Navigate(e.TS.URL+"/"),
		chromedp.WaitVisible(`form.follow`),
		chromedp.SendKeys(`form.follow input[name=email]`, "rosa@mail.test"),
		chromedp.Click(`form.follow input[value=each]`),
		chromedp.Click(`form.follow button[type=submit]`),
	)
	waitJS(t, ctx, `document.body.textContent.includes("a confirmation link is on its way")`)

	got := mp.Wait("to:rosa@mail.test", 1, 15*time.Second)
	if len(got) != 1 {
		t.Fatalf("%d confirmation mails", len(got))
	}
	link := confirmLink.FindString(mp.Message(got[0].ID).Text)
	bt.Do(t, ctx, chromedp.Navigate(link), chromedp.Click(`main form button[type=submit]`))
	waitJS(t, ctx, `document.querySelector("h1") && document.querySelector("h1").textContent === "Subscribed"`)

	ann := e.MustUser("ann", account.Author)
	p := &post.Post{AuthorID: ann.ID, Title: "For Rosa", BodySource: "A new post.", Status: post.Published,
		PublishedAt: time.Now(), CommentPolicy: post.CommentsOpen}
	p.Normalize()
	if err := p.Render(renderer()); err != nil {
		t.Fatal(err)
	}
	if err := store.CreatePost(context.Background(), e.Store.Pool, nil, ann.ID, p); err != nil {
		t.Fatal(err)
	}
	issue := mp.Wait(`subject:"For Rosa"`, 1, 20*time.Second)
	if len(issue) != 1 || issue[0].To[0].Address != "rosa@mail.test" {
		t.Fatalf("the post's mail: %+v", issue)
	}
	m := unsubscribeLink.FindStringSubmatch(mp.Message(issue[0].ID).Text)
	if m == nil {
		t.Fatal("no unsubscribe link in the mail")
	}
	bt.Do(t, ctx, chromedp.Navigate(m[1]), chromedp.Click(`main form button[type=submit]`))
	waitJS(t, ctx, `document.querySelector("h1") && document.querySelector("h1").textContent === "Unsubscribed"`)
	sub, err := store.SubscriberByHash(context.Background(), e.Store.Pool, newsletter.Hash("rosa@mail.test"))
	if err != nil || sub.Status != "unsubscribed" || sub.Email != "" {
		t.Errorf("after unsubscribing: %+v %v", sub, err)
	}
	if !strings.Contains(bt.Get(t, ctx, chromedp.Text(`main`)), "no more mail") {
		t.Error("no confirmation of the unsubscribe")
	}
}
