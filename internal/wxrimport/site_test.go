package wxrimport

import (
	"context"
	"testing"

	"quire/internal/site"
	"quire/internal/store"
	"quire/internal/store/storetest"
)

func TestImportNamesAnUnnamedBlog(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	mustImport(t, st, "blog.xml", Options{})
	s, err := store.SiteSettings(ctx, st.Pool)
	if err != nil || s.Title != "Notes & Queries" || s.Tagline != "Ann’s blog" || s.Language != "en-GB" {
		t.Fatalf("after import: %v %+v", err, s)
	}
	if got := Site(ctx, st.Pool, "https://q.example/"); got.Title != "Notes & Queries" || got.Language != "en-GB" || got.Description != "Ann’s blog" {
		t.Errorf("export header %+v", got)
	}
	// A blog with its own name keeps it.
	if _, err := store.UpdateSiteSettings(ctx, st, 0, func(s *site.Settings) error { s.Title = "Mine"; return nil }); err != nil {
		t.Fatal(err)
	}
	mustImport(t, st, "blog-newer.xml", Options{})
	if s, _ := store.SiteSettings(ctx, st.Pool); s.Title != "Mine" {
		t.Errorf("a named blog was renamed to %q", s.Title)
	}
}
