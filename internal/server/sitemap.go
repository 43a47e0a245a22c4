package server

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"time"

	"quire/internal/post"
	"quire/internal/store"
)

// sitemapMax is the protocol's limit of URLs per file.
const sitemapMax = 50000

type urlset struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

func (s *Server) sitemap(w http.ResponseWriter, r *http.Request) error {
	// The posts, newest first, leave room for the other pages under the
	// protocol's limit; past it a sitemap index would be needed.
	entries, err := store.Sitemap(r.Context(), s.store.Pool, sitemapMax-1000)
	if err != nil {
		return err
	}
	us := urlset{URLs: []sitemapURL{{Loc: s.abs("/")}}}
	var newest time.Time
	for _, e := range entries {
		us.URLs = append(us.URLs, sitemapURL{Loc: s.abs("/posts/" + e.Slug), LastMod: e.UpdatedAt.UTC().Format(time.RFC3339)})
		if e.UpdatedAt.After(newest) {
			newest = e.UpdatedAt
		}
	}
	pages, err := store.SitemapPages(r.Context(), s.store.Pool) // Pages: at their root addresses
	if err != nil {
		return err
	}
	for _, e := range pages {
		us.URLs = append(us.URLs, sitemapURL{Loc: s.abs("/" + e.Slug), LastMod: e.UpdatedAt.UTC().Format(time.RFC3339)})
	}
	authors, err := store.PublicAuthors(r.Context(), s.store.Pool)
	if err != nil {
		return err
	}
	for _, a := range authors {
		us.URLs = append(us.URLs, sitemapURL{Loc: s.abs(post.AuthorPath(a))})
	}
	for _, kind := range []post.TermKind{post.Category, post.Tag} {
		terms, err := store.Terms(r.Context(), s.store.Pool, kind)
		if err != nil {
			return err
		}
		for _, t := range terms {
			us.URLs = append(us.URLs, sitemapURL{Loc: s.abs(t.Path())})
		}
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	if err := xml.NewEncoder(&b).Encode(us); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	serveBytes(w, r, b.Bytes(), newest)
	return nil
}

func (s *Server) robots(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, err := w.Write([]byte("User-agent: *\nDisallow: /admin\nDisallow: /api/\nDisallow: /search\n\nSitemap: " + s.abs("/sitemap.xml") + "\n"))
	return err
}
