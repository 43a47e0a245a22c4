package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"quire/internal/app"
	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/publishing"
)

// demoPages are the demo blog's pages: an About page and a Contact page,
// both in the navigation.
var demoPages = []struct {
	Title, Slug, Body string
	NavOrder          int
	Template          post.Template
}{
	{"About", "about", `*The Quire Quarterly* is three writers sharing one notebook: databases, small tools
and the craft of writing software that lasts.

We publish when we have something worth reading. Subscribe to the [Atom feed](/feed.atom)
to hear about it, or browse the [archive](/archive).`, 1, post.TemplatePlain},
	{"Contact", "contact", `Questions, corrections, a story we should tell? Write to us below;
the message goes to the editors, and we answer by e-mail.`, 2, post.TemplateContact},
}

// loadDemoPages adds the demo pages that do not exist yet, written by the
// first demo author, and says how many it added.
func loadDemoPages(ctx context.Context, svc *app.Services, out io.Writer) error {
	author, err := svc.Accounts.UserByLogin(ctx, demoAuthors[0].Username)
	if err != nil {
		return err
	}
	added := 0
	for _, d := range demoPages {
		_, err := svc.Publishing.BySlug(ctx, post.KindPage, d.Slug)
		if err == nil {
			continue
		}
		if !errors.Is(err, apperr.ErrNotFound) {
			return err
		}
		p := &post.Post{Kind: post.KindPage, AuthorID: author.ID, Title: d.Title, Slug: d.Slug, BodySource: d.Body,
			Status: post.Published, PublishedAt: time.Now().Add(-90 * 24 * time.Hour).Truncate(time.Minute)}
		if err := svc.Publishing.Prepare(p); err != nil {
			return fmt.Errorf("demo page %q: %w", d.Title, err)
		}
		st := post.PageSettings{InNav: true, NavOrder: d.NavOrder, Template: d.Template}
		if err := svc.Publishing.Seed(ctx, p, publishing.Extras{Page: &st}); err != nil {
			return err
		}
		added++
	}
	fmt.Fprintf(out, "demo blog: %d pages added\n", added)
	return nil
}
