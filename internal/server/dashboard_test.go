package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"quire/internal/account"
	"quire/internal/commenting"
	"quire/internal/post"
)

// figure returns the number shown for the figure linking to href, or -1.
func figure(d *goquery.Document, href string) int {
	n := -1
	d.Find(`#figures a[href="` + href + `"] strong`).Each(func(_ int, s *goquery.Selection) { fmt.Sscan(s.Text(), &n) })
	return n
}

func TestDashboardFigures(t *testing.T) {
	e := newEnv(t)
	e.allowFastForms()
	ann := e.MustUser("ann", account.Admin)
	bo := e.MustUser("bo", account.Author)
	annPost := e.MustPost(ann, "Ann's", post.CommentsOpen)
	boPost := e.MustPost(bo, "Bo's", post.CommentsOpen)
	ctx := context.Background()
	for i, st := range []post.Status{post.Draft, post.Draft, post.Pending} {
		p := e.MustPost(bo, fmt.Sprintf("Bo %d", i), post.CommentsOpen)
		if _, err := e.Store.Pool.Exec(ctx, `UPDATE posts SET status = $1 WHERE id = $2`, st, p.ID); err != nil {
			t.Fatal(err)
		}
	}
	e.Comment(e.Client(), annPost, guest("Maria", "maria@mail.invalid", "Held, as a first comment."))
	e.Comment(e.Client(), boPost, guest("Sam", "sam@mail.invalid", "Also held."))
	if _, err := e.Store.Pool.Exec(ctx, `UPDATE comments SET status = 'approved' WHERE author_name = 'Sam'`); err != nil {
		t.Fatal(err)
	}

	d := Doc(t, e.Get(e.signedIn("ann"), "/admin"))
	for href, want := range map[string]int{"/admin/moderation?status=held&kind=comment": 1, "/admin/moderation?status=held&kind=pingback": 0,
		"/admin/posts?status=draft": 2, "/admin/posts?status=pending": 1, "/admin/posts?status=published": 2, "/admin/posts?status=scheduled": 0} {
		if got := figure(d, href); got != want {
			t.Errorf("admin: figure %s = %d, want %d", href, got, want)
		}
	}
	if got := d.Find("#recent li").Text(); !strings.Contains(got, "Sam") || !strings.Contains(got, "Bo's") {
		t.Errorf("recent responses %q", got)
	}
	if got := d.Find("#recent .recent-excerpt").Text(); got != "Also held." {
		t.Errorf("the response's excerpt %q", got)
	}
	// An author sees their own posts and no moderation figures.
	d = Doc(t, e.Get(e.signedIn("bo"), "/admin"))
	if figure(d, "/admin/posts?status=draft") != 2 || figure(d, "/admin/posts?status=published") != 1 ||
		figure(d, "/admin/moderation?status=held&kind=comment") != -1 {
		t.Errorf("author figures: %q", d.Find("#figures").Text())
	}
	// A moderator sees the held figures and the whole blog's recent
	// responses, and is not told the figures are their own posts.
	e.MustUser("mo", account.Moderator)
	d = Doc(t, e.Get(e.signedIn("mo"), "/admin"))
	if figure(d, "/admin/moderation?status=held&kind=comment") != 1 || figure(d, "/admin/posts?status=draft") != -1 {
		t.Errorf("moderator figures: %q", d.Find("#figures").Text())
	}
	if got := d.Find("#recent li").Text(); !strings.Contains(got, "Sam") {
		t.Errorf("moderator's recent responses %q", got)
	}
	if strings.Contains(d.Text(), "your own posts") || strings.Contains(d.Find(".cards").Text(), "author page") || strings.Contains(d.Find(".cards").Text(), "guest posts") {
		t.Errorf("a moderator's dashboard speaks of their posts or author page: %q", d.Find(".admin-main").Text())
	}
	// Each figure's link works for its reader.
	for _, href := range []string{"/admin/posts?status=draft", "/admin/posts?status=pending"} {
		if res := e.Get(e.signedIn("bo"), href); res.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", href, res.StatusCode)
		}
	}
}

func TestFirstSignInSaysWelcome(t *testing.T) {
	e := newEnv(t)
	e.MustUser("ann", account.Admin)
	flash := func() string {
		c := e.Client()
		e.SignIn(c, "ann")
		return Doc(t, e.Get(c, "/admin")).Find(".flash").Text()
	}
	if f := flash(); f != "Welcome, Ann." {
		t.Errorf("first sign-in: %q", f)
	}
	if f := flash(); f != "Welcome back, Ann." {
		t.Errorf("second sign-in: %q", f)
	}
}

func TestSignUpLinkOnlyWhenOpen(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		mode string
		want int
	}{{commenting.SignUpClosed, 0}, {commenting.SignUpInvitation, 0}, {commenting.SignUpOpen, 1}} {
		e.Settings(func(s *commenting.Settings) { s.SignUp = tc.mode })
		if n := Doc(t, e.Get(e.Client(), "/signin")).Find(`a[href="/signup"]`).Length(); n != tc.want {
			t.Errorf("sign-up %s: %d links", tc.mode, n)
		}
	}
}

func TestNoDisableButtonOnYourself(t *testing.T) {
	e := newEnv(t)
	ann := e.MustUser("ann", account.Admin)
	e.MustUser("al", account.Admin)
	c := e.signedIn("ann")
	d := Doc(t, e.Get(c, "/admin/users"))
	if d.Find(fmt.Sprintf("#user-%d button.danger", ann.ID)).Length() != 0 {
		t.Error("a Disable button on your own row")
	}
	if d.Find("button.danger").Length() != 1 {
		t.Error("no Disable button on the other admin")
	}
	res := e.PostForm(c, fmt.Sprintf("/admin/users/%d", ann.ID), url.Values{"disabled": {"true"}})
	if res.StatusCode != http.StatusConflict {
		t.Errorf("disabling yourself: %d", res.StatusCode)
	}
}
