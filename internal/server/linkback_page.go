package server

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"quire/internal/linkback"
	"quire/internal/linkbacks"
	"quire/internal/post"
)

// linkbackBodyLimit caps /xmlrpc and /webmention bodies: a pingback.ping
// call is about 300 bytes, a webmention form less.
const linkbackBodyLimit = linkback.MaxRequestBytes

// linkbackRoutes are the machine endpoints of other blogs: no session, no
// cookies, no cross-origin check (they are not forms of ours), 64 KB
// bodies; the rate limits are per requester IP and per source host
// (linkbacks.Service.Accept). routes.go mounts them at the top level.
func (s *Server) linkbackRoutes(r chi.Router) {
	lim := newMachineLimiter(s.lb)
	r.Group(func(r chi.Router) {
		r.Use(limitBody(linkbackBodyLimit), lim.limit)
		r.Post("/xmlrpc", s.xmlrpc)
		r.Post("/webmention", s.webmention)
	})
	r.Get("/webmention/status/{token}", s.h(s.webmentionStatus))
}

// advertiseLinkbacks announces both endpoints on a post page: the
// X-Pingback header (all WordPress's block themes leave for senders), the
// Webmention Link header, and the <link> elements, rel before href so that
// WordPress's regular-expression fallback finds them.
func (s *Server) advertiseLinkbacks(w http.ResponseWriter, pg *Page) {
	xmlrpc, wm := s.abs("/xmlrpc"), s.abs("/webmention")
	w.Header().Set("X-Pingback", xmlrpc)
	w.Header().Add("Link", "<"+wm+`>; rel="webmention"`)
	pg.Head = append(pg.Head, HeadLink{Rel: "pingback", Href: xmlrpc}, HeadLink{Rel: "webmention", Href: wm})
}

// postGone answers a trashed post's URL with 410 Gone, which tells
// Webmention receivers that the mention is withdrawn.
func (s *Server) postGone(w http.ResponseWriter, r *http.Request) error {
	pg := messagePage{Page: s.page(r, "Gone"), Heading: "This post was deleted",
		Message: "The post that was here has been deleted by its author."}
	pg.NoIndex = true
	return s.render(w, r, http.StatusGone, "message", pg)
}

// outgoingLinkbacks lists what the editor's post has sent, for the editor
// page; errors leave the list empty rather than the editor unusable.
func (s *Server) outgoingLinkbacks(ctx context.Context, p *post.Post) []linkbacks.Out {
	if p == nil || p.ID == 0 {
		return nil
	}
	out, err := s.linkbacks.Outgoing(ctx, p.ID)
	if err != nil {
		s.log.Warn("listing outgoing linkbacks", "post", p.ID, "err", err)
	}
	return out
}
