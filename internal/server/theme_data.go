package server

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode"

	"quire/internal/media"
	"quire/internal/post"
)

// postCard is one entry of a list of posts as the "postcard" template
// shows it: the post, its comment count, reading time and lead image.
type postCard struct {
	*post.Post
	post.Glance
	Comments int
	// PinnedFirst: the card is one of the pinned posts put at the top of
	// the front page (pin), labelled so.
	PinnedFirst bool
}

// pin marks c as pinned above the list when pinned has its post.
func pin(c postCard, pinned map[int64]bool) postCard {
	c.PinnedFirst = pinned[c.Post.ID]
	return c
}

// card builds a card; counts may be nil (lists that show no counts).
// The glance is the body's (bodyFacts). A featured image, when the list
// has one for the post, is the card's image; else the post's first
// picture.
func (t *Templates) card(p *post.Post, counts map[int64]int, featured ...map[int64]*post.Image) postCard {
	c := postCard{Post: p, Glance: t.facts.of(p.BodyHTML).glance, Comments: counts[p.ID]}
	if len(featured) > 0 {
		if img := featured[0][p.ID]; img != nil {
			c.Image = img
		}
	}
	return c
}

// listFeatured are the featured images of the posts of a list, read only
// when one of them has one (most lists of most blogs have none).
func (s *Server) listFeatured(ctx context.Context, posts []*post.Post) map[int64]*post.Image {
	var ids []int64
	for _, p := range posts {
		if p.FeaturedID != 0 {
			ids = append(ids, p.ID)
		}
	}
	return s.featuredImages(ctx, ids)
}

// featuredImages are the featured images of posts, as cards and social
// cards show them; a failure costs only the pictures.
func (s *Server) featuredImages(ctx context.Context, ids []int64) map[int64]*post.Image {
	if s.media == nil || len(ids) == 0 {
		return nil
	}
	ms, err := s.admin.FeaturedImages(ctx, ids)
	if err != nil {
		s.log.Warn("reading featured images", "err", err)
		return nil
	}
	out := make(map[int64]*post.Image, len(ms))
	for id, m := range ms {
		im := m.Image()
		out[id] = &post.Image{Src: im.Src(s.media.URL), SrcSet: im.SrcSet(s.media.URL), Alt: m.Alt,
			Width: strconv.Itoa(m.Width), Height: strconv.Itoa(m.Height)}
	}
	return out
}

// initials are what an avatar shows for someone without a picture: the
// first letters of the first and last words of the name ("Ada Lovelace" →
// "AL"), made locally so no reader's address goes to an avatar service.
// It runs for every comment of a thread, so it allocates only the result.
func initials(name string) string {
	var first, last rune
	inWord := false
	for _, r := range name {
		word := unicode.IsLetter(r) || unicode.IsDigit(r)
		if word && !inWord {
			if first == 0 {
				first = r
			} else {
				last = r
			}
		}
		inWord = word
	}
	switch {
	case first == 0:
		return "?"
	case last == 0:
		return string(unicode.ToUpper(first))
	}
	return string([]rune{unicode.ToUpper(first), unicode.ToUpper(last)})
}

// hueClasses are the background colours of initials avatars (quire.css),
// each AA-contrast with white text.
var hueClasses = [...]string{"hue-0", "hue-1", "hue-2", "hue-3", "hue-4", "hue-5", "hue-6", "hue-7"}

// hue picks a stable colour class for a name (FNV-1a of its bytes, ASCII
// case folded), so one person keeps one colour down a thread.
func hue(name string) string {
	h := uint32(2166136261)
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		h = (h ^ uint32(c)) * 16777619
	}
	return hueClasses[h%uint32(len(hueClasses))]
}

// socialCard adds the lead image to the OpenGraph and Twitter tags and
// builds the schema.org BlogPosting that search engines read.
func (s *Server) socialCard(pp *postPage) {
	p := pp.Post
	ld := &blogPosting{
		Context: "https://schema.org", Type: "BlogPosting", Headline: p.Title, URL: pp.URL, MainEntityOfPage: pp.URL,
		Description: pp.Description, WordCount: pp.Glance.Words,
		Author:    ldThing{Type: "Person", Name: p.Author.Name(), URL: s.abs(p.Author.Path())},
		Publisher: ldThing{Type: "Organization", Name: pp.Site.Title, URL: s.abs("/")},
	}
	if !p.PublishedAt.IsZero() {
		ld.DatePublished = p.PublishedAt.UTC().Format(time.RFC3339)
		ld.DateModified = p.Updated().UTC().Format(time.RFC3339)
	}
	if img := pp.Glance.Image; img != nil {
		src := s.absURL(img.Src)
		pp.OG["og:image"], pp.OG["twitter:image"], pp.OG["twitter:card"] = src, src, "summary_large_image"
		if img.Alt != "" {
			pp.OG["og:image:alt"] = img.Alt
		}
		ld.Image = src
	}
	if pp.Description != "" {
		pp.OG["twitter:description"] = pp.Description
	}
	pp.JSONLD = ld
}

// blogPosting is a post's schema.org BlogPosting. html/template writes it
// as JSON inside the page's ld+json script (it escapes what could end
// the script). A struct, not a map: encoding/json then needs no sorting
// of keys nor boxing of values; the map cost an uncached post page 2% of
// its CPU (docs/BENCHMARKS.md, session 16). The fields are in the keys'
// sorted order, so the JSON is what the map wrote, byte for byte.
type blogPosting struct {
	Context          string  `json:"@context"`
	Type             string  `json:"@type"`
	Author           ldThing `json:"author"`
	DateModified     string  `json:"dateModified,omitempty"`
	DatePublished    string  `json:"datePublished,omitempty"`
	Description      string  `json:"description"`
	Headline         string  `json:"headline"`
	Image            string  `json:"image,omitempty"`
	MainEntityOfPage string  `json:"mainEntityOfPage"`
	Publisher        ldThing `json:"publisher"`
	URL              string  `json:"url"`
	WordCount        int     `json:"wordCount"`
}

// ldThing is a schema.org Person or Organization in a blogPosting.
type ldThing struct {
	Type string `json:"@type"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

// absURL makes a root-relative URL (the media library's) absolute; social
// cards need absolute image addresses.
func (s *Server) absURL(u string) string {
	if strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") {
		return s.abs(u)
	}
	return u
}

// responsive gives the library images in a post's body their srcset,
// sizes, width and height (media.Responsive), so "Insert image" can write
// plain Markdown. One indexed query for the body's images; a failure
// leaves the body as stored.
func (s *Server) responsive(ctx context.Context, bodyHTML string) string {
	hashes := s.tpl().facts.of(bodyHTML).images
	if s.media == nil || len(hashes) == 0 {
		return bodyHTML
	}
	ms, err := s.admin.ImagesByHash(ctx, hashes)
	if err != nil {
		s.log.Warn("reading a post's images", "err", err)
		return bodyHTML
	}
	images := make(map[string]media.Image, len(ms))
	for h, m := range ms {
		images[h] = m.Image()
	}
	return media.Responsive(bodyHTML, images, s.media.URL)
}
