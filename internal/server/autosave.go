package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/publishing"
)

// autosave stores the editor's unsaved title and body for the signed-in
// user (editor.js posts them every half minute while they change).
func (s *Server) autosave(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.CreatePost, account.Site); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	a := publishing.Autosave{Title: r.PostForm.Get("title"), Body: r.PostForm.Get("body")}
	a.PostID, _ = strconv.ParseInt(r.PostForm.Get("id"), 10, 64)
	if err := s.publishing.PutAutosave(r.Context(), userFrom(r.Context()), a); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(map[string]string{"saved_at": s.now().UTC().Format(time.RFC3339)})
}

// autosaveDiscard forgets the unsaved copy and goes back to the editor.
func (s *Server) autosaveDiscard(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.CreatePost, account.Site); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	id, _ := strconv.ParseInt(r.PostForm.Get("id"), 10, 64)
	if err := s.publishing.DropAutosave(r.Context(), userFrom(r.Context()).ID, id); err != nil {
		return err
	}
	redirect(w, r, editorPath(id))
	return nil
}

func editorPath(id int64) string {
	if id == 0 {
		return "/admin/posts/new"
	}
	return "/admin/posts/" + strconv.FormatInt(id, 10)
}

// offerAutosave looks for an unsaved copy newer than the stored post that
// differs from the form: with ?restore=1 it fills the form from it,
// otherwise the editor offers it. A failure only loses the offer.
func (s *Server) offerAutosave(r *http.Request, ep *editorPage) {
	if r.Method != http.MethodGet {
		return
	}
	a, err := s.publishing.AutosaveOf(r.Context(), userFrom(r.Context()).ID, ep.Post.ID)
	if err != nil {
		if !errors.Is(err, apperr.ErrNotFound) {
			s.log.Warn("reading autosave", "err", err)
		}
		return
	}
	if ep.Post.ID != 0 && !a.SavedAt.After(ep.Post.UpdatedAt) || a.Title == ep.Form.Title && a.Body == ep.Form.Body {
		return
	}
	if r.URL.Query().Get("restore") == "1" {
		ep.Form.Title, ep.Form.Body = a.Title, a.Body
		ep.Restored = true
		return
	}
	ep.Restore = a
}

// dropAutosave deletes the signed-in user's unsaved copy of postID after
// a save; a failure is logged, never shown (the save itself succeeded).
func (s *Server) dropAutosave(r *http.Request, postID int64) {
	if err := s.publishing.DropAutosave(r.Context(), userFrom(r.Context()).ID, postID); err != nil {
		s.log.Warn("dropping autosave", "err", err)
	}
}
