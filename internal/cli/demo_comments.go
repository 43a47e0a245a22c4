package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"quire/internal/account"
	"quire/internal/accounts"
	"quire/internal/app"
	"quire/internal/apperr"
	"quire/internal/comment"
	"quire/internal/commenting"
	"quire/internal/moderation"
	"quire/internal/post"
	"quire/internal/render"
)

// demoComment is one response in the demo discussion. parent indexes the
// same slice (-1: top level); byAuthor marks the post's author answering.
type demoComment struct {
	parent   int
	name     string
	email    string
	url      string
	body     string
	byAuthor bool
	pingback *demoPingback
}

type demoPingback struct{ source, title, site string }

// demoDiscussion is the thread the demo puts under its search post: readers
// answer each other three levels deep, the author replies, one reader left
// no name, and another blog's pingback sits in the same list. Every link
// points at a host under .invalid, which never resolves.
var demoDiscussion = []demoComment{
	{parent: -1, name: "Ines", email: "ines@demo.invalid", url: "https://ines.demo.invalid/",
		body: "Does `websearch_to_tsquery` handle quoted phrases? Our users type them all the time."},
	{parent: 0, byAuthor: true,
		body: "It does: `\"exact phrase\"` becomes a phrase query, and `-word` excludes. It is the same syntax people already know from search engines."},
	{parent: 1, name: "Ines", email: "ines@demo.invalid", url: "https://ines.demo.invalid/",
		body: "Perfect, that saves us a parser. Thank you!"},
	{parent: -1, name: "", email: "quiet@demo.invalid",
		body: "How big does the GIN index get compared with the table?"},
	{parent: 3, name: "Tomás", email: "tomas@demo.invalid",
		body: "In my experience a bit under the size of the text itself. *Measure yours* with `pg_relation_size`."},
	{parent: -1, pingback: &demoPingback{"https://fieldnotes.demo.invalid/2026/11/searching-without-a-search-server/",
		"Searching without a search server", "Field Notes"},
		body: "… as the Quire Quarterly showed, a generated tsvector column and a GIN index carry a small blog a long way …"},
}

// demoHeldPost carries the demo's held responses, so the moderation queue
// has something to show: a first comment with three links, and a pingback.
const demoHeldPost = "Small interfaces"

var demoHeld = []demoComment{
	{parent: -1, name: "Link Collector", email: "collector@demo.invalid",
		body: "Great post! See [one](https://a.demo.invalid/), [two](https://b.demo.invalid/) and [three](https://c.demo.invalid/)."},
	{parent: -1, pingback: &demoPingback{"https://gophers.demo.invalid/notes/interfaces/", "Interfaces, again", "Gopher Notes"},
		body: "… the bigger the interface, the weaker the abstraction, as Jonas Berg put it …"},
}

// loadDemoHeld adds demoHeld to its post, decided by the real moderation
// rules, when the post has no responses at all yet.
func loadDemoHeld(ctx context.Context, svc *app.Services) (int, error) {
	p, err := svc.Publishing.BySlug(ctx, post.KindPost, post.Slugify(demoHeldPost))
	if err != nil {
		return 0, err
	}
	if has, err := svc.Comments.HasResponses(ctx, p.ID); err != nil || has {
		return 0, err
	}
	r := svc.Render
	for i, d := range demoHeld {
		html, err := r.Render(render.Comment, render.Markdown, d.body)
		if err != nil {
			return i, err
		}
		in := moderation.Input{Kind: moderation.KindComment, AuthorName: d.name, AuthorEmail: d.email,
			Text: render.Text(html), Links: render.Links(html), SinceForm: time.Minute}
		c := &commenting.Seeded{Comment: comment.Comment{PostID: p.ID, Kind: comment.KindComment,
			AuthorName: d.name, AuthorEmail: d.email, BodySource: d.body, BodyHTML: html}}
		if pb := d.pingback; pb != nil {
			in = moderation.Input{Kind: moderation.KindPingback, AuthorURL: pb.source, Text: d.body}
			c.Kind, c.SourceURL, c.Title, c.SiteName, c.AuthorName, c.AuthorURL = comment.KindPingback, pb.source, pb.title, pb.site, pb.site, pb.source
			c.BodyHTML = r.Sanitize(render.Excerpt, html)
		}
		v := moderation.Decide(moderation.DefaultSettings(), in)
		c.Status, c.Reasons = comment.StatusHeld, v.Reasons
		if v.Action == moderation.Approve {
			c.Status = comment.StatusApproved
		}
		if err := svc.Comments.Seed(ctx, c); err != nil {
			return i, err
		}
	}
	return len(demoHeld), nil
}

// loadDemoComments adds the demo discussion to the post titled title when
// that post has no responses yet, so running the demo again adds nothing.
func loadDemoComments(ctx context.Context, svc *app.Services, title string) (int, error) {
	p, err := svc.Publishing.BySlug(ctx, post.KindPost, post.Slugify(title))
	if err != nil {
		return 0, err
	}
	n, err := svc.Reading.CommentCounts(ctx, []int64{p.ID})
	if err != nil || n[p.ID] > 0 {
		return 0, err
	}
	author, err := svc.Accounts.User(ctx, p.AuthorID)
	if err != nil {
		return 0, err
	}
	r := svc.Render
	made := make([]*commenting.Seeded, 0, len(demoDiscussion))
	for _, d := range demoDiscussion {
		html, err := r.Render(render.Comment, render.Markdown, d.body)
		if err != nil {
			return len(made), err
		}
		c := &commenting.Seeded{Comment: comment.Comment{PostID: p.ID, Kind: comment.KindComment, Status: comment.StatusApproved,
			AuthorName: d.name, AuthorEmail: d.email, AuthorURL: d.url, BodySource: d.body, BodyHTML: html}}
		if d.byAuthor {
			c.AuthorName, c.AuthorEmail, c.AuthorURL, c.AuthorUserID = author.Name(), author.Email, author.Website, author.ID
		}
		if pb := d.pingback; pb != nil {
			c.Kind, c.SourceURL, c.Title, c.SiteName, c.AuthorName, c.AuthorURL = comment.KindPingback, pb.source, pb.title, pb.site, pb.site, pb.source
			c.BodySource, c.BodyHTML = d.body, r.Sanitize(render.Excerpt, html)
		}
		// Dated after the post, a few hours apart, never in the future: a
		// discussion stamped "just now" under a post from last week reads
		// as broken.
		c.CreatedAt = p.PublishedAt.Add(time.Duration(len(made)+1) * 3 * time.Hour)
		if now := time.Now(); c.CreatedAt.After(now) {
			c.CreatedAt = now
		}
		if d.parent >= 0 {
			parent := made[d.parent].Comment
			c.ParentID, c.Depth, c.ParentPath = comment.Attach(&parent, comment.DefaultMaxDepth)
		}
		if err := svc.Comments.Seed(ctx, c); err != nil {
			return len(made), err
		}
		made = append(made, c)
	}
	return len(made), nil
}

// ensureDemoAdmin creates the account "admin" with a random password when
// the blog has no admin yet, and prints how to sign in: a new user of
// `make run` can try the admin at once. It never touches an existing admin.
func ensureDemoAdmin(ctx context.Context, acc *accounts.Service, out io.Writer, baseURL string) error {
	signin := strings.TrimRight(baseURL, "/") + "/signin"
	n, err := acc.EnabledAdmins(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		// A second run: say how to get in without printing a secret.
		fmt.Fprintf(out, "demo blog: sign in at %s (forgot the password? quire user passwd --username NAME)\n", signin)
		return nil
	}
	if _, err := acc.UserByLogin(ctx, "admin"); !errors.Is(err, apperr.ErrNotFound) {
		return err // an "admin" account exists with another role: leave it
	}
	password, err := readablePassword()
	if err != nil {
		return err
	}
	if _, err := acc.AddUser(ctx, accounts.NewUser{Username: "admin", Email: "admin@demo.invalid", DisplayName: "Demo Admin",
		Role: account.Admin, Password: password}); err != nil {
		return err
	}
	box(out, "The demo blog's admin account (shown once)", "",
		"Sign in at  "+signin,
		"Username    admin",
		"Password    "+password, "",
		"Change it:  quire user passwd --username admin")
	return nil
}
