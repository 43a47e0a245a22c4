package reading_test

import (
	"context"
	"os"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/post"
	"quire/internal/reading"
	"quire/internal/render"
	"quire/internal/site"
	"quire/internal/store"
	"quire/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// TestCachesSeeChangesAfterForget: the site settings and the navigation
// are kept on the node, so a change made elsewhere is not seen until the
// invalidation bus calls Forget (or the TTL passes), and is seen at once
// after it.
func TestCachesSeeChangesAfterForget(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	var loaded []string
	svc := reading.New(reading.Deps{Store: st})
	svc.OnSiteLoaded(func(s site.Settings) { loaded = append(loaded, s.Title) })

	before, err := svc.Site(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.UpdateSiteSettings(ctx, st, 0, func(s *site.Settings) error {
		s.Title = "Renamed by another node"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got, _ := svc.Site(ctx); got.Title != before.Title {
		t.Fatalf("site title before ForgetSite = %q, want the cached %q", got.Title, before.Title)
	}
	svc.ForgetSite()
	if got, _ := svc.Site(ctx); got.Title != "Renamed by another node" {
		t.Fatalf("site title after ForgetSite = %q, want the new one", got.Title)
	}
	if want := []string{before.Title, "Renamed by another node"}; len(loaded) != 2 || loaded[0] != want[0] || loaded[1] != want[1] {
		t.Fatalf("OnSiteLoaded saw %q, want %q (once per load, not per read)", loaded, want)
	}

	if nav, err := svc.Nav(ctx); err != nil || len(nav) != 0 {
		t.Fatalf("navigation of an empty blog = %v, %v", nav, err)
	}
	mustNavPage(t, st, "About", "about")
	if nav, _ := svc.Nav(ctx); len(nav) != 0 {
		t.Fatalf("navigation before ForgetNav = %v, want the cached empty list", nav)
	}
	svc.ForgetNav()
	nav, err := svc.Nav(ctx)
	if err != nil || len(nav) != 1 || nav[0].Title != "About" || nav[0].Path() != "/about" {
		t.Fatalf("navigation after ForgetNav = %v, %v; want About at /about", nav, err)
	}
}

// mustNavPage publishes a page that is in the navigation.
func mustNavPage(tb testing.TB, st *store.Store, title, slug string) {
	tb.Helper()
	mustPage(tb, st, mustEditor(tb, st, "edna"), title, slug, post.Published, post.PageSettings{InNav: true, NavOrder: 1})
}

// mustEditor creates an editor named name.
func mustEditor(tb testing.TB, st *store.Store, name string) *account.User {
	tb.Helper()
	ed := &account.User{Username: name, Email: name + "@example.invalid", Role: account.Editor}
	if err := store.CreateUser(context.Background(), st.Pool, ed); err != nil {
		tb.Fatal(err)
	}
	return ed
}

// mustPage creates a page by ed with status and settings ps.
func mustPage(tb testing.TB, st *store.Store, ed *account.User, title, slug string, status post.Status, ps post.PageSettings) *post.Post {
	tb.Helper()
	ctx := context.Background()
	p := &post.Post{Kind: post.KindPage, AuthorID: ed.ID, Title: title, Slug: slug, BodySource: "Body.", Status: status}
	if status == post.Published {
		p.PublishedAt = time.Now().Add(-time.Minute)
	}
	p.Normalize()
	if err := p.Validate(); err != nil {
		tb.Fatal(err)
	}
	if err := p.Render(render.New()); err != nil {
		tb.Fatal(err)
	}
	if err := store.CreatePage(ctx, st.Pool, nil, ed.ID, p, ps); err != nil {
		tb.Fatal(err)
	}
	return p
}
