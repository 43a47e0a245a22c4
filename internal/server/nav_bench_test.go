package server

import (
	"testing"
	"time"

	"quire/internal/post"
	"quire/internal/store"
	"quire/web"
)

// BenchmarkPostTemplateNav renders the post page's template alone (no
// database, no comments) for a visitor not signed in, with no pages in
// the navigation and with three: the layout's share of a view.
func BenchmarkPostTemplateNav(b *testing.B) {
	t, err := LoadTemplates(web.FS)
	if err != nil {
		b.Fatal(err)
	}
	p := &post.Post{ID: 1, Title: "A post", Slug: "a-post", BodyHTML: "<p>Body.</p>", PublishedAt: time.Now(),
		Author: post.Byline{Username: "ann", DisplayName: "Ann"},
		Tags:   []post.Term{{ID: 1, Kind: post.Tag, Slug: "go", Name: "Go"}, {ID: 2, Kind: post.Tag, Slug: "pg", Name: "PostgreSQL"}}}
	for _, c := range []struct {
		name string
		nav  []store.NavLink
	}{
		{"links=0", nil},
		{"links=3", []store.NavLink{{Title: "About", Slug: "about"}, {Title: "Now", Slug: "now"}, {Title: "Uses", Slug: "uses"}}},
	} {
		b.Run(c.name, func(b *testing.B) {
			pp := postPage{Page: Page{Title: p.Title, Path: p.Path(), Site: Site{Title: "Blog", Tagline: "Notes"}, Nav: c.nav,
				Feeds: []FeedLink{{"application/atom+xml", "Ann (Atom)", "/authors/ann/feed.atom"}},
				OG:    map[string]string{"og:type": "article", "og:title": p.Title}}, Post: p}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := t.Render("post", pp); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
