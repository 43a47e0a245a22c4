package server

import (
	"errors"
	"net/http"
	"strconv"

	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/publishing"
)

// featuredOfForm reads the editor's featured image: "" or "0" is none,
// anything else must be an id (publishing checks that it names an image in
// the library). Errors: apperr.Invalid.
func featuredOfForm(f postForm) (int64, error) {
	if f.Featured == "" || f.Featured == "0" {
		return 0, nil
	}
	id, err := strconv.ParseInt(f.Featured, 10, 64)
	if err != nil || id < 0 {
		return 0, publishing.NoImage()
	}
	return id, nil
}

// featuredForm fills the form's featured image from the stored post.
func (s *Server) featuredForm(r *http.Request, p *post.Post, f *postForm) error {
	m, err := s.publishing.Featured(r.Context(), p.ID)
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
	m, err := s.publishing.Image(r.Context(), id)
	if err != nil {
		return nil
	}
	c := s.imageChoiceOf(m)
	return &c
}
