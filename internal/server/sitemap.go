package server

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"time"

	"quire/internal/post"
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
	sm, err := s.reading.Sitemap(r.Context(), sitemapMax-1000)
	if err != nil {
		return err
	}
	us := urlset{URLs: []sitemapURL{{Loc: s.abs("/")}}}
	var newest time.Time
	for _, e := range sm.Posts {
		us.URLs = append(us.URLs, sitemapURL{Loc: s.abs("/posts/" + e.Slug), LastMod: e.UpdatedAt.UTC().Format(time.RFC3339)})
		if e.UpdatedAt.After(newest) {
			newest = e.UpdatedAt
		}
	}
	for _, e := range sm.Pages { // Pages: at their root addresses
		us.URLs = append(us.URLs, sitemapURL{Loc: s.abs("/" + e.Slug), LastMod: e.UpdatedAt.UTC().Format(time.RFC3339)})
	}
	for _, a := range sm.Authors {
		us.URLs = append(us.URLs, sitemapURL{Loc: s.abs(post.AuthorPath(a))})
	}
	for _, t := range sm.Terms {
		us.URLs = append(us.URLs, sitemapURL{Loc: s.abs(t.Path())})
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
