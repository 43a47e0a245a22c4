package server

import (
	"errors"
	"net/http"
	"strconv"

	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/store"
)

// featuredOfForm checks the editor's featured image: "" or "0" is none,
// anything else must name an image in the library. Errors: apperr.Invalid.
func (s *Server) featuredOfForm(r *http.Request, f postForm) (int64, error) {
	if f.Featured == "" || f.Featured == "0" {
		return 0, nil
	}
	bad := apperr.FieldErrors("Please correct the marked fields.", map[string]string{"featured_media_id": "No such image in the media library."})
	id, err := strconv.ParseInt(f.Featured, 10, 64)
	if err != nil || id < 0 {
		return 0, bad
	}
	if _, err := store.MediaByID(r.Context(), s.store.Pool, id); errors.Is(err, apperr.ErrNotFound) {
		return 0, bad
	} else if err != nil {
		return 0, err
	}
	return id, nil
}

// featuredForm fills the form's featured image from the stored post.
func (s *Server) featuredForm(r *http.Request, p *post.Post, f *postForm) error {
	m, err := store.Featured(r.Context(), s.store.Pool, p.ID)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	f.Featured = strconv.FormatInt(m.ID, 10)
	return nil
}

// featuredChoice returns the image the form names, for its preview beside
// the picker (and so the picker lists it even when it is not among the
// newest); nil when none or gone.
func (s *Server) featuredChoice(r *http.Request, v string) *imageChoice {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return nil
	}
	m, err := store.MediaByID(r.Context(), s.store.Pool, id)
	if err != nil {
		return nil
	}
	c := s.imageChoiceOf(m)
	return &c
}
