package server

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"quire/internal/apperr"
	"quire/internal/guestpost"
	"quire/internal/guestposting"
	"quire/internal/post"
)

// guestAuthorPage lists every public post by one guest (matched by e-mail
// address: a guest row is one address).
type guestAuthorPage struct {
	Page
	Guest *guestpost.Guest
	Posts []*post.Post
}

func (s *Server) guestAuthor(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return apperr.ErrNotFound
	}
	ctx := r.Context()
	g, err := s.guests.Guest(ctx, id)
	if err != nil {
		return err
	}
	posts, err := s.guests.GuestPosts(ctx, id, 100)
	if err != nil {
		return err
	}
	if len(posts) == 0 {
		return apperr.ErrNotFound // a guest with nothing published has no page
	}
	pg := guestAuthorPage{Page: s.page(r, g.Name), Guest: g, Posts: posts}
	pg.Description = "Guest posts by " + g.Name
	return s.renderPublic(w, r, "guest_author", pg)
}

// guestBox loads the editor's note and the guest's bio box of a guest
// post, or nil for any other post.
func (s *Server) guestBox(r *http.Request, p *post.Post) (*guestposting.Box, error) {
	return s.guests.BoxFor(r.Context(), p)
}
