package server

import (
	"context"
	"net/http"

	"quire/internal/apperr"
	"quire/internal/linkback"
	"quire/internal/linkbacks"
	"quire/internal/post"
)

// linkbackBodyLimit caps /xmlrpc and /webmention bodies: a pingback.ping
// call is about 300 bytes, a webmention form less.
const linkbackBodyLimit = linkback.MaxRequestBytes

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

// postOnly answers a GET of the endpoint named what (which other blogs
// POST to) with 405 and Allow: POST, saying what the address is for.
func (s *Server) postOnly(what string) http.HandlerFunc {
	return s.h(func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Allow", http.MethodPost)
		return apperr.New(apperr.NotAllowed, "This is the blog's %s endpoint: other sites send it POST requests when they link to a post.", what)
	})
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
