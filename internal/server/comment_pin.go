package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"quire/internal/apperr"
	"quire/internal/comment"
	"quire/internal/moderation"
)

// The pinned comment: one approved comment a moderator shows above a
// post's thread, on its first page (commenting.Service.Pin). It is kept
// with the thread's section like the list, and its date is written whole
// ("7 December 2026, 16:08 UTC"), so a stored section never shows it
// stale.

// pinnedItem is c as the pinned block shows it; nil for no comment.
func (v *commentsView) pinnedItem(c *comment.Comment, now time.Time) *commentItem {
	if c == nil {
		return nil
	}
	items := v.items([]*comment.Node{{Comment: *c}}, now)
	return &items[0]
}

// commentPin pins or unpins (pin=0) the comment of the key in the URL and
// goes back to the page it came from.
func (s *Server) commentPin(w http.ResponseWriter, r *http.Request) error {
	k, err := moderation.ParseKey(chi.URLParam(r, "key"))
	if err != nil || k.Kind != moderation.KindComment {
		return apperr.ErrNotFound
	}
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	pin := r.PostForm.Get("pin") != "0"
	c, err := s.comments.Pin(r.Context(), userFrom(r.Context()), k.ID, pin)
	if err != nil {
		return err
	}
	msg := "Pinned above the thread: readers see it first."
	if !pin {
		msg = "Unpinned."
	}
	back := "/comments/" + strconv.FormatInt(c.ID, 10)
	if b := r.PostForm.Get("back"); b != "" {
		back = moderatorBack(b)
	}
	s.flashAt(w, r, back, msg)
	redirect(w, r, back)
	return nil
}
