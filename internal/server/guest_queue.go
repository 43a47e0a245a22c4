package server

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/comment"
	"quire/internal/guestpost"
	"quire/internal/moderation"
	"quire/internal/post"
	"quire/internal/store"
)

// guestQueue is what the moderation queue shows of submitted posts.
type guestQueue struct {
	Subs    []guestpost.Submission
	Pending []*post.Post // contributors' posts waiting for review
}

// queueGuests returns what the moderation queue's tab f shows next to
// comments: on the held tab, guest submissions waiting for review and
// contributors' pending posts; on the spam tab, the rules' spam; nothing
// on the trash tab or when the kind filter names another kind. Only
// reviewers see them; the first page only, as /admin/guest-posts pages
// through the rest.
func (s *Server) queueGuests(r *http.Request, f store.QueueFilter) (guestQueue, error) {
	var q guestQueue
	if !account.Can(userFrom(r.Context()), account.ReviewGuestPosts, account.Site) || f.Before != 0 || f.PostID != 0 ||
		(f.Kind != "" && string(f.Kind) != string(moderation.KindGuestPost)) {
		return q, nil
	}
	gf := store.SubmissionFilter{Limit: 50}
	switch f.Status {
	case comment.StatusHeld:
		gf.Statuses = []guestpost.Status{guestpost.Received, guestpost.InReview}
		pp, err := store.ListPosts(r.Context(), s.store.Pool, store.ListFilter{Statuses: []post.Status{post.Pending}, Limit: 50})
		if err != nil {
			return q, err
		}
		q.Pending = pp.Posts
	case comment.StatusSpam:
		gf.Spam = true
	default:
		return q, nil
	}
	var err error
	q.Subs, _, err = store.ListSubmissions(r.Context(), s.store.Pool, gf)
	return q, err
}

// heldGuests counts the submissions waiting for review, for the header
// count; an error counts none rather than failing the page.
func (s *Server) heldGuests(r *http.Request) int {
	if !account.Can(userFrom(r.Context()), account.ReviewGuestPosts, account.Site) {
		return 0 // moderators of comments do not review posts
	}
	n, err := store.GuestQueueCount(r.Context(), s.store.Pool)
	if err != nil {
		s.log.Warn("counting guest posts", "err", err)
	}
	return n
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
