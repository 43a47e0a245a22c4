package server

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"quire/internal/post"
)

// feedRoutes are the machine-read documents of the Publishing issue: no
// session, no cookies. routes.go mounts them at the top level.
func (s *Server) feedRoutes(r chi.Router) {
	r.Get("/feed.atom", s.h(s.siteFeed(feedAtom)))
	r.Get("/feed.rss", s.h(s.siteFeed(feedRSS)))
	r.Get("/authors/{username}/feed.atom", s.h(s.authorFeed(feedAtom)))
	r.Get("/authors/{username}/feed.rss", s.h(s.authorFeed(feedRSS)))
	r.Get("/tags/{slug}/feed.atom", s.h(s.termFeed(post.Tag, feedAtom)))
	r.Get("/tags/{slug}/feed.rss", s.h(s.termFeed(post.Tag, feedRSS)))
	r.Get("/categories/{slug}/feed.atom", s.h(s.termFeed(post.Category, feedAtom)))
	r.Get("/categories/{slug}/feed.rss", s.h(s.termFeed(post.Category, feedRSS)))
	r.Get("/sitemap.xml", s.h(s.sitemap))
	r.Get("/robots.txt", s.h(s.robots))
}

// readingRoutes are the public pages; routes.go mounts them in the
// browser group (sessions load, so signed-in writers see their drafts).
func (s *Server) readingRoutes(r chi.Router) {
	r.Get("/", s.h(s.frontPage))
	r.Get("/posts/{slug}", s.h(s.postPage))
	r.Get("/archive", s.h(s.archiveIndex))
	r.Get("/archive/{year}/{month}", s.h(s.monthPage))
	r.Get("/tags", s.h(s.termIndex(post.Tag)))
	r.Get("/tags/{slug}", s.h(s.termPage(post.Tag)))
	r.Get("/categories", s.h(s.termIndex(post.Category)))
	r.Get("/categories/{slug}", s.h(s.termPage(post.Category)))
	r.Get("/authors/{username}", s.h(s.authorPage))
	r.Get("/search", s.h(s.searchPage))
}

// writingRoutes are the editor's pages; routes.go mounts them in the
// signed-in group. Each handler checks account.Can through post rules.
func (s *Server) writingRoutes(r chi.Router) {
	r.Get("/admin/posts", s.h(s.postList))
	r.Get("/admin/posts/new", s.h(s.postNew))
	r.Post("/admin/posts", s.h(s.postCreate))
	r.Post("/admin/posts/preview", s.h(s.postPreview))
	r.Get("/admin/posts/{id}", s.h(s.postEdit))
	r.Post("/admin/posts/{id}", s.h(s.postSave))
	r.Post("/admin/posts/{id}/trash", s.h(s.postTrash))
	r.Get("/admin/posts/{id}/revisions", s.h(s.revisionList))
	r.Get("/admin/posts/{id}/revisions/{rev}", s.h(s.revisionShow))
	r.Post("/admin/posts/{id}/revisions/{rev}/restore", s.h(s.revisionRestore))
	r.Get("/admin/profile", s.h(s.profileForm))
	r.Post("/admin/profile", s.h(s.profileSave))
}

// abs makes a site path absolute with the configured base URL.
func (s *Server) abs(path string) string {
	return strings.TrimRight(s.cfg.BaseURL.String(), "/") + path
}

// host is the base URL's host, for tag: URIs.
func (s *Server) host() string { return s.cfg.BaseURL.Hostname() }

var _ http.Handler = (*Server)(nil)
