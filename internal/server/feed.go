package server

import (
	"bytes"
	"html"
	"net/http"
	"net/url"
	"time"

	"github.com/go-chi/chi/v5"

	"quire/internal/feed"
	"quire/internal/post"
	"quire/internal/reading"
	"quire/internal/render"
)

type feedFormat int

const (
	feedAtom feedFormat = iota
	feedRSS
)

// feedLength is how many posts a feed carries.
const feedLength = 20

func (s *Server) siteFeed(ff feedFormat) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		site := s.siteInfo(r.Context())
		return s.serveFeed(w, r, ff, reading.Filter{}, site.Title, site.Tagline, "", "/")
	}
}

func (s *Server) authorFeed(ff feedFormat) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := s.author(r)
		if err != nil {
			return err
		}
		site := s.siteInfo(r.Context())
		p := post.AuthorPath(u.Username)
		return s.serveFeed(w, r, ff, reading.Filter{AuthorID: u.ID}, u.Name()+" · "+site.Title, "Posts by "+u.Name(), p, p)
	}
}

func (s *Server) termFeed(kind post.TermKind, ff feedFormat) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		t, err := s.reading.Term(r.Context(), kind, chi.URLParam(r, "slug"))
		if err != nil {
			return err
		}
		site := s.siteInfo(r.Context())
		return s.serveFeed(w, r, ff, reading.Filter{TermID: t.ID}, t.Name+" · "+site.Title, "Posts in "+t.Name, t.Path(), t.Path())
	}
}

// serveFeed writes the newest public posts of f as Atom or RSS, with an
// ETag and Last-Modified so readers polling it usually get a 304.
func (s *Server) serveFeed(w http.ResponseWriter, r *http.Request, ff feedFormat, f reading.Filter, title, subtitle, prefix, htmlPath string) error {
	f.Limit = feedLength
	pg, err := s.reading.Posts(r.Context(), f)
	if err != nil {
		return err
	}
	ext, ctype := "/feed.atom", "application/atom+xml; charset=utf-8"
	if ff == feedRSS {
		ext, ctype = "/feed.rss", "application/rss+xml; charset=utf-8"
	}
	fd := &feed.Feed{
		ID: s.abs(prefix + "/feed.atom"), Title: title, Subtitle: subtitle,
		SelfURL: s.abs(prefix + ext), HTMLURL: s.abs(htmlPath),
	}
	featured := s.listFeatured(r.Context(), pg.Posts)
	for _, p := range pg.Posts {
		e := s.feedEntry(p)
		if img := featured[p.ID]; img != nil {
			// Feed readers show a post's featured image when it leads the
			// content; an absolute URL, as feeds are read elsewhere.
			e.ContentHTML = `<p><img src="` + html.EscapeString(s.absURL(img.Src)) + `" alt="` + html.EscapeString(img.Alt) +
				`" width="` + img.Width + `" height="` + img.Height + `"></p>` + e.ContentHTML
		}
		fd.Entries = append(fd.Entries, e)
	}
	fd.Updated = feed.LastUpdated(fd.Entries)
	if fd.Updated.IsZero() {
		fd.Updated = time.Unix(0, 0) // an empty feed still needs a valid date
	}
	var b bytes.Buffer
	if ff == feedRSS {
		err = feed.WriteRSS(&b, fd)
	} else {
		err = feed.WriteAtom(&b, fd)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "public, max-age=300")
	serveBytes(w, r, b.Bytes(), fd.Updated)
	return nil
}

func (s *Server) feedEntry(p *post.Post) feed.Entry {
	e := feed.Entry{
		ID: feed.TagURI(s.host(), p.CreatedAt, p.ID), Title: p.Title, URL: s.abs(p.Path()),
		AuthorName: p.Author.Name(), AuthorURL: s.abs(p.Author.Path()),
		Published: p.PublishedAt, Updated: p.Updated(),
	}
	e.ContentHTML = feedHTML(p.BodyHTML, e.URL)
	for _, t := range append(append([]post.Term{}, p.Categories...), p.Tags...) {
		e.Categories = append(e.Categories, feed.Category{Term: t.Slug, Label: t.Name})
	}
	return e
}

// feedHTML is h, sanitised HTML shown on the page at pageURL, with its
// links and media made absolute against that page: a feed reader shows an
// entry away from the blog, often on a domain of its own, where a link to
// "/posts/…" or an image at "/media/…" leads nowhere. Sanitised HTML always
// parses; were it not to, it would go as stored.
func feedHTML(h, pageURL string) string {
	base, err := url.Parse(pageURL)
	if err != nil {
		return h
	}
	out, err := render.Absolute(h, base, render.AbsoluteOptions{})
	if err != nil {
		return h
	}
	return out
}
