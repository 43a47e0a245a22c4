package server

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/post"
)

// pendingPosts are contributors' posts waiting for review, shown above
// the queue's held tab to those who review posts (they are posts of
// accounts, reviewed in the editor, not queue items).
func (s *Server) pendingPosts(r *http.Request) ([]*post.Post, error) {
	if !account.Can(userFrom(r.Context()), account.ReviewGuestPosts, account.Site) {
		return nil, nil
	}
	return s.guests.PendingPosts(r.Context())
}

// postReturn sends a contributor's pending post back to draft with the
// editor's message, from the moderation queue or the review list.
func (s *Server) postReturn(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return apperr.ErrNotFound
	}
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	err = s.guests.ReturnPost(r.Context(), userFrom(r.Context()), id, r.PostForm.Get("message"))
	if e, ok := apperr.As(err); ok && e.Fields["message"] != "" {
		return apperr.New(apperr.Invalid, "The post was not sent back: %s", e.Fields["message"])
	}
	if err != nil {
		return err
	}
	s.setFlash(w, r, "Sent back to its author's drafts, with your message.")
	redirect(w, r, safeQueueBack(r.PostForm.Get("back")))
	return nil
}
