package server

import (
	"net/http"

	"quire/internal/account"
	"quire/internal/comment"
	"quire/internal/guestpost"
	"quire/internal/moderation"
	"quire/internal/store"
)

// queueGuests returns the guest submissions the moderation queue's tab f
// shows next to comments: those waiting for review on the held tab, the
// rules' spam on the spam tab, none on the trash tab or when the kind
// filter names another kind. Only reviewers see them; the first page
// only, as the review list pages through the rest.
func (s *Server) queueGuests(r *http.Request, f store.QueueFilter) ([]guestpost.Submission, error) {
	if !account.Can(userFrom(r.Context()), account.ReviewGuestPosts, account.Site) || f.Before != 0 || f.PostID != 0 ||
		(f.Kind != "" && string(f.Kind) != string(moderation.KindGuestPost)) {
		return nil, nil
	}
	gf := store.SubmissionFilter{Limit: 50}
	switch f.Status {
	case comment.StatusHeld:
		gf.Statuses = []guestpost.Status{guestpost.Received, guestpost.InReview}
	case comment.StatusSpam:
		gf.Spam = true
	default:
		return nil, nil
	}
	subs, _, err := store.ListSubmissions(r.Context(), s.store.Pool, gf)
	return subs, err
}

// heldGuests counts the submissions waiting for review, for the header
// count; an error counts none rather than failing the page.
func (s *Server) heldGuests(r *http.Request) int {
	n, err := store.GuestQueueCount(r.Context(), s.store.Pool)
	if err != nil {
		s.log.Warn("counting guest posts", "err", err)
	}
	return n
}
