package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"quire/internal/account"
	"quire/internal/commenting"
	"quire/internal/post"
	"quire/internal/store"
)

// MustPost publishes a post by author an hour ago with policy.
func (e *testEnv) MustPost(author *account.User, title string, policy post.CommentPolicy) *post.Post {
	e.t.Helper()
	p := &post.Post{AuthorID: author.ID, Title: title, BodySource: "The body of " + title + ".", Status: post.Published,
		PublishedAt: time.Now().Add(-time.Hour), CommentPolicy: policy}
	p.Normalize()
	if err := p.Validate(); err != nil {
		e.t.Fatal(err)
	}
	if err := p.Render(renderer()); err != nil {
		e.t.Fatal(err)
	}
	if err := store.CreatePost(context.Background(), e.Store.Pool, nil, author.ID, p); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// Settings changes the discussion settings directly.
func (e *testEnv) Settings(change func(*commenting.Settings)) {
	e.t.Helper()
	ctx := context.Background()
	st, err := commenting.LoadSettings(ctx, e.Store.Pool)
	if err != nil {
		e.t.Fatal(err)
	}
	change(&st)
	if err := e.Srv.comments.SaveSettings(ctx, 0, st); err != nil {
		e.t.Fatal(err)
	}
}

// allowFastForms turns the too-fast rule off: tests send the form the
// moment they load it. (TestFormRules tests the rule itself.)
func (e *testEnv) allowFastForms() {
	e.Settings(func(s *commenting.Settings) { s.MinSeconds = 0 })
}

// formFor loads the post page with c and returns the comment form's
// hidden fields plus the given values.
func (e *testEnv) formFor(c *http.Client, p *post.Post, v url.Values) url.Values {
	e.t.Helper()
	res := e.Get(c, p.Path())
	if res.StatusCode != 200 {
		e.t.Fatalf("GET %s: %d", p.Path(), res.StatusCode)
	}
	d := Doc(e.t, res)
	tok, ok := d.Find(`#comment-form input[name=form_token]`).Attr("value")
	if !ok {
		e.t.Fatalf("no comment form on %s", p.Path())
	}
	out := url.Values{"form_token": {tok}}
	for k, vs := range v {
		out[k] = vs
	}
	return out
}

// Comment posts a comment through the form and returns the redirect.
func (e *testEnv) Comment(c *http.Client, p *post.Post, v url.Values) *http.Response {
	e.t.Helper()
	return e.PostForm(c, "/posts/"+strconv.FormatInt(p.ID, 10)+"/comments", e.formFor(c, p, v))
}

// guest returns form values for a guest comment.
func guest(name, email, body string) url.Values {
	return url.Values{"author_name": {name}, "author_email": {email}, "body": {body}}
}

// commentID reads the id out of a redirect to …#comment-ID.
func commentID(t *testing.T, res *http.Response) int64 {
	t.Helper()
	loc := res.Header.Get("Location")
	_, frag, _ := strings.Cut(loc, "#comment-")
	id, err := strconv.ParseInt(frag, 10, 64)
	if res.StatusCode != http.StatusSeeOther || err != nil {
		t.Fatalf("status %d, Location %q", res.StatusCode, loc)
	}
	return id
}

// page fetches path and parses it.
func (e *testEnv) page(c *http.Client, path string) *goquery.Document {
	e.t.Helper()
	res := e.Get(c, path)
	if res.StatusCode != 200 {
		e.t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	return Doc(e.t, res)
}

// approve approves comment id as the moderator signed in on c.
func (e *testEnv) approve(c *http.Client, id int64) {
	e.t.Helper()
	res := e.PostForm(c, "/admin/moderation", url.Values{"one": {"approve:c" + strconv.FormatInt(id, 10)}})
	if res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("approve %d: %d", id, res.StatusCode)
	}
}
