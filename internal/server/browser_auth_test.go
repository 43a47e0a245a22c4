package server

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"quire/internal/account"
	bt "quire/internal/browsertest"
)

// TestBrowserSignInOut: a user added with a password signs in through the
// browser, sees the dashboard, signs out; a wrong password shows a message.
func TestBrowserSignInOut(t *testing.T) {
	e := newEnv(t)
	e.MustUser("ann", account.Admin)
	ctx := bt.New(t)

	bt.Do(t, ctx,
		chromedp.Navigate(e.TS.URL+"/signin"),
		chromedp.SendKeys(`input[name=login]`, "ann"),
		chromedp.SendKeys(`input[name=password]`, "not the password"),
		chromedp.Submit(`#signin-form`),
		chromedp.WaitVisible(`#signin-error`),
	)
	if got := bt.Get(t, ctx, chromedp.Text(`#signin-error`)); got != "Wrong username or password." {
		t.Errorf("error message %q", got)
	}
	bt.Do(t, ctx,
		// The login stays filled in; only the password is typed again.
		chromedp.SendKeys(`input[name=password]`, "password123"),
		chromedp.Submit(`#signin-form`),
		chromedp.WaitVisible(`.cards`),
	)
	h1 := bt.Get(t, ctx, chromedp.Text(`h1`))
	flash := bt.Get(t, ctx, chromedp.Text(`.flash`))
	if h1 != "Dashboard" || !strings.Contains(flash, "Welcome, Ann") { // the first sign-in
		t.Errorf("after sign-in: h1 %q flash %q", h1, flash)
	}
	bt.Screenshot(t, ctx, "dashboard")
	bt.Do(t, ctx,
		chromedp.Click(`button.link`),
		chromedp.WaitVisible(`#signin-form`),
		chromedp.Navigate(e.TS.URL+"/admin"),
		chromedp.WaitVisible(`#signin-form`),
	)
	if after := bt.Get(t, ctx, chromedp.Location()); !strings.Contains(after, "/signin?next=") {
		t.Errorf("after sign-out /admin went to %s", after)
	}
}
