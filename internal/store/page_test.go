package store_test

import (
	"context"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/store"
)

// mustPage creates a page with settings st.
func mustPage(tb testing.TB, db store.DB, author *account.User, title, slug string, status post.Status, st post.PageSettings) *post.Post {
	tb.Helper()
	p := &post.Post{Kind: post.KindPage, AuthorID: author.ID, Title: title, Slug: slug, BodySource: "Body.", Status: status}
	if status == post.Published {
		p.PublishedAt = time.Now().Add(-time.Minute)
	}
	p.Normalize()
	if err := p.Validate(); err != nil {
		tb.Fatal(err)
	}
	if err := p.Render(rnd); err != nil {
		tb.Fatal(err)
	}
	if err := store.CreatePage(context.Background(), db, nil, author.ID, p, st); err != nil {
		tb.Fatal(err)
	}
	return p
}

// TestPages: pages keep their settings, make the navigation in order
// (public ones only), are in the sitemap list of pages and the editors'
// page list, and never in the public post lists.
func TestPages(t *testing.T) {
	s := storetestNew(t)
	ctx := context.Background()
	ed := mustUser(t, s.Pool, "edna", account.Editor)
	mustPost(t, s.Pool, ed, "A post", post.Published, time.Now().Add(-time.Hour))
	contact := mustPage(t, s.Pool, ed, "Contact", "", post.Published, post.PageSettings{InNav: true, NavOrder: 2, Template: post.TemplateContact})
	about := mustPage(t, s.Pool, ed, "About", "about", post.Published, post.PageSettings{InNav: true, NavOrder: 1})
	mustPage(t, s.Pool, ed, "Draft", "draft", post.Draft, post.PageSettings{InNav: true})
	mustPage(t, s.Pool, ed, "Hidden", "hidden", post.Published, post.PageSettings{})
	if contact.Slug != "contact" || contact.CommentPolicy != post.CommentsClosed {
		t.Errorf("contact page: slug %q, comments %q", contact.Slug, contact.CommentPolicy)
	}
	st, err := store.PageSettingsOf(ctx, s.Pool, contact.ID)
	if err != nil || st != (post.PageSettings{InNav: true, NavOrder: 2, Template: post.TemplateContact}) {
		t.Errorf("settings %+v %v", st, err)
	}
	nav, err := store.NavPages(ctx, s.Pool)
	if err != nil || len(nav) != 2 || nav[0].Slug != "about" || nav[1].Path() != "/contact" {
		t.Errorf("navigation %+v %v", nav, err)
	}
	about.BodySource = "New body."
	if err := about.Render(rnd); err != nil {
		t.Fatal(err)
	}
	if err := store.UpdatePage(ctx, s.Pool, nil, ed.ID, about, post.PageSettings{}, nil); err != nil {
		t.Fatal(err)
	}
	if nav, _ := store.NavPages(ctx, s.Pool); len(nav) != 1 {
		t.Errorf("after taking About out: %+v", nav)
	}
	if revs, _ := store.Revisions(ctx, s.Pool, about.ID); len(revs) != 1 {
		t.Errorf("%d revisions of a published page", len(revs))
	}
	sm, err := store.SitemapPages(ctx, s.Pool)
	if err != nil || len(sm) != 3 {
		t.Errorf("sitemap pages %+v %v", sm, err)
	}
	rows, err := store.ListPages(ctx, s.Pool)
	if err != nil || len(rows) != 4 || rows[0].Slug != "draft" || rows[1].Settings.Template != post.TemplateContact {
		t.Errorf("pages list: %d %v", len(rows), err)
	}
	pub, err := store.ListPosts(ctx, s.Pool, store.ListFilter{Public: true})
	if err != nil || len(pub.Posts) != 1 {
		t.Errorf("public list: %d posts %v", len(pub.Posts), err)
	}
	edList, _ := store.ListPosts(ctx, s.Pool, store.ListFilter{})
	pgList, _ := store.ListPosts(ctx, s.Pool, store.ListFilter{Kind: post.KindPage})
	if len(edList.Posts) != 1 || len(pgList.Posts) != 4 {
		t.Errorf("editors' lists: %d posts, %d pages", len(edList.Posts), len(pgList.Posts))
	}
}

// TestPageReservedSlugs: a given reserved slug is a field error; a derived
// one, and the importer's, take a suffix; posts are not concerned.
func TestPageReservedSlugs(t *testing.T) {
	s := storetestNew(t)
	ctx := context.Background()
	ed := mustUser(t, s.Pool, "edna", account.Editor)
	p := &post.Post{Kind: post.KindPage, AuthorID: ed.ID, Title: "Archive", Slug: "archive", BodySource: "x"}
	p.Normalize()
	if err := p.Render(rnd); err != nil {
		t.Fatal(err)
	}
	err := store.CreatePage(ctx, s.Pool, nil, ed.ID, p, post.PageSettings{})
	if e, ok := apperr.As(err); !ok || e.Code != apperr.Invalid || e.Fields["slug"] == "" {
		t.Fatalf("reserved slug: %v", err)
	}
	if got := mustPage(t, s.Pool, ed, "Archive", "", post.Draft, post.PageSettings{}); got.Slug != "archive-2" {
		t.Errorf("derived slug %q", got.Slug)
	}
	if free, err := store.SlugFree(ctx, s.Pool, post.KindPage, "admin"); free || err != nil {
		t.Errorf("SlugFree(page, admin) = %v, %v", free, err)
	}
	if got := mustPost(t, s.Pool, ed, "Archive", post.Draft, time.Time{}); got.Slug != "archive" {
		t.Errorf("a post's slug %q", got.Slug)
	}
}
