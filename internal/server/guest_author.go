package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"quire/internal/apperr"
	"quire/internal/guestpost"
	"quire/internal/post"
	"quire/internal/store"
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
	g, err := store.GuestByID(ctx, s.store.Pool, id)
	if err != nil {
		return err
	}
	posts, err := store.GuestPosts(ctx, s.store.Pool, id, 100)
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
func (s *Server) guestBox(r *http.Request, p *post.Post) (*store.GuestBox, error) {
	if p.Author.GuestID == 0 {
		return nil, nil
	}
	b, err := store.GuestBoxForPost(r.Context(), s.store.Pool, p.ID)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil, nil
	}
	return b, err
}
