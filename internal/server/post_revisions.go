package server

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/store"
)

// revisionsPage lists a post's kept versions.
type revisionsPage struct {
	Page
	Post      *post.Post
	Revisions []post.Revision
}

// revisionPage shows one version against the current one.
type revisionPage struct {
	Page
	Post      *post.Post
	Revision  post.Revision
	TitleDiff []post.DiffLine
	BodyDiff  []post.DiffLine
}

func (s *Server) revisionList(w http.ResponseWriter, r *http.Request) error {
	p, err := s.editable(r)
	if err != nil {
		return err
	}
	revs, err := store.Revisions(r.Context(), s.store.Pool, p.ID)
	if err != nil {
		return err
	}
	rp := revisionsPage{Page: s.page(r, "Revisions: "+p.Title), Post: p, Revisions: revs}
	rp.NoIndex = true
	return s.render(w, r, http.StatusOK, "revisions", rp)
}

func (s *Server) revision(r *http.Request) (*post.Post, post.Revision, error) {
	p, err := s.editable(r)
	if err != nil {
		return nil, post.Revision{}, err
	}
	id, err := strconv.ParseInt(chi.URLParam(r, "rev"), 10, 64)
	if err != nil {
		return nil, post.Revision{}, apperr.ErrNotFound
	}
	rev, err := store.RevisionByID(r.Context(), s.store.Pool, p.ID, id)
	return p, rev, err
}

func (s *Server) revisionShow(w http.ResponseWriter, r *http.Request) error {
	p, rev, err := s.revision(r)
	if err != nil {
		return err
	}
	rp := revisionPage{Page: s.page(r, "Revision of "+p.Title), Post: p, Revision: rev,
		TitleDiff: post.Diff(rev.Title, p.Title), BodyDiff: post.Diff(rev.BodySource, p.BodySource)}
	rp.NoIndex = true
	return s.render(w, r, http.StatusOK, "revision", rp)
}

// revisionRestore saves the revision's content as a new version of the
// post; the version it replaces is kept, so a restore can be undone.
func (s *Server) revisionRestore(w http.ResponseWriter, r *http.Request) error {
	u := userFrom(r.Context())
	p, rev, err := s.revision(r)
	if err != nil {
		return err
	}
	p.Restore(rev)
	if err := p.Render(renderer()); err != nil {
		return err
	}
	err = store.UpdatePost(r.Context(), s.store.Pool, s.jobs, u.ID, p, func(stored *post.Post) error {
		return post.Transition(u, stored, stored.Status)
	})
	if err != nil {
		return err
	}
	s.setFlash(w, r, "Restored the version of "+rev.CreatedAt.UTC().Format("2 January 2006, 15:04 MST")+".")
	redirect(w, r, "/admin/posts/"+strconv.FormatInt(p.ID, 10))
	return nil
}
