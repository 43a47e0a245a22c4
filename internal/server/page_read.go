package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"

	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/reading"
)

// Pages (About, Contact) are posts of kind page served at the root. Their
// route is a catch-all, /{slug}, registered in the browser group: chi
// tries static segments before parameters, so every other route wins, and
// post.ReservedSlug keeps pages off the first segments routes use.

// pageView is the data of a page's page.
type pageView struct {
	Page
	Post     *post.Post
	Settings post.PageSettings
	Notice   string
	CanEdit  bool
	Comments *commentsView // nil unless the editor opened comments
	Contact  *contactForm  // a contact page's form
}

// pageServe shows the page named by the first path segment. Anything that
// is not a page goes to notFound, which also answers imported blogs' old
// permalinks.
func (s *Server) pageServe(w http.ResponseWriter, r *http.Request) error {
	p, err := s.pageBySlug(w, r)
	if err != nil || p == nil {
		return err
	}
	return s.renderPage(w, r, http.StatusOK, p, nil)
}

// pageBySlug loads the page of the URL that the visitor may read
// (reading.Service.Page). It answers itself (returns nil, nil) with a
// redirect or notFound's answer.
func (s *Server) pageBySlug(w http.ResponseWriter, r *http.Request) (*post.Post, error) {
	p, moved, err := s.reading.Page(r.Context(), userFrom(r.Context()), chi.URLParam(r, "slug"))
	switch {
	case errors.Is(err, apperr.ErrNotFound):
		return nil, s.notFound(w, r)
	case err != nil:
		return nil, err
	case moved != "":
		http.Redirect(w, r, "/"+moved, http.StatusMovedPermanently)
		return nil, nil
	}
	return p, nil
}

// renderPage renders page p; cf is a contact form sent back with errors.
func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, status int, p *post.Post, cf *contactForm) error {
	ctx := r.Context()
	st, err := s.reading.PageSettings(ctx, p.ID)
	if err != nil {
		return err
	}
	sp := pageView{Page: s.page(r, p.Title), Post: p, Settings: st, CanEdit: post.CanEdit(userFrom(ctx), p)}
	sp.Canonical = s.abs(p.Path())
	sp.Description = post.Excerpt(p, 200)
	sp.OG = map[string]string{"og:type": "website", "og:title": p.Title, "og:url": sp.Canonical,
		"og:site_name": sp.Site.Title, "og:description": sp.Description}
	if st.Template == post.TemplateContact {
		if cf == nil {
			cf = &contactForm{}
		}
		cf.Token, cf.Action = s.contactToken(p.ID), p.Path()
		sp.Contact = cf
	}
	public := p.Public(s.now())
	if public && p.CommentPolicy != post.CommentsClosed {
		if sp.Comments, err = s.commentsFor(r, p); err != nil {
			return err
		}
		sp.Comments.FeedAtom, sp.Comments.FeedRSS = "", "" // comment feeds are per post, under /posts/
	}
	if !public || status != http.StatusOK {
		sp.NoIndex = true
		if !public {
			sp.Notice = "This page is not public (" + p.Status.Label() + "). Only editors can see it."
		}
		w.Header().Set("Cache-Control", "private, no-store")
		return s.render(w, r, status, "page", sp)
	}
	return s.renderPublic(w, r, "page", sp)
}

// navLinks returns the pages of the site navigation, cached on this node
// (reading.Service.Nav); when the database cannot be read, the last good
// list.
func (s *Server) navLinks(ctx context.Context) []reading.NavLink {
	links, err := s.reading.Nav(ctx)
	if err != nil {
		s.log.Warn("reading the navigation", "err", err)
	}
	return links
}

// navChanged drops this node's copy of the navigation.
func (s *Server) navChanged() { s.reading.ForgetNav() }
