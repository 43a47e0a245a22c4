package guestposting

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/guestpost"
	"quire/internal/post"
	"quire/internal/store"
)

// Filter selects submissions for the editors' list: by status, or the
// spam, keyset-paginated by id.
type Filter = store.SubmissionFilter

// FilterFor returns the filter a status name selects, as the editors'
// list and the API take it: "" or "open" (received or in review),
// "spam", "all", or one guestpost.Status; ok is false for any other name.
func FilterFor(status string) (f Filter, ok bool) {
	switch st := guestpost.Status(status); {
	case status == "" || status == "open":
		f.Statuses = []guestpost.Status{guestpost.Received, guestpost.InReview}
	case status == "spam":
		f.Spam = true
	case status == "all":
	case st.Valid():
		f.Statuses = []guestpost.Status{st}
	default:
		return f, false
	}
	return f, true
}

// Box is what a guest post's page shows besides the post: the editor's
// note on top and the guest's bio box at the end.
type Box = store.GuestBox

// List returns one page of submissions and the cursor of the next (0:
// none).
func (s *Service) List(ctx context.Context, f Filter) ([]guestpost.Submission, int64, error) {
	return store.ListSubmissions(ctx, s.Store.Pool, f)
}

// Detail is one submission with every version and its history.
type Detail struct {
	Sub      *guestpost.Submission
	Versions []guestpost.Version // oldest first
	Messages []guestpost.Message
}

// Detail returns submission id with its versions and messages. Returns
// apperr.ErrNotFound.
func (s *Service) Detail(ctx context.Context, id int64) (*Detail, error) {
	sub, err := store.SubmissionByID(ctx, s.Store.Pool, id)
	if err != nil {
		return nil, err
	}
	d := &Detail{Sub: sub}
	if d.Versions, err = store.Versions(ctx, s.Store.Pool, id); err != nil {
		return nil, err
	}
	if d.Messages, err = store.Messages(ctx, s.Store.Pool, id); err != nil {
		return nil, err
	}
	return d, nil
}

// Exists returns nil when submission id exists, else apperr.ErrNotFound.
func (s *Service) Exists(ctx context.Context, id int64) error {
	_, err := s.Submission(ctx, id)
	return err
}

// Submission returns submission id without its versions. Returns
// apperr.ErrNotFound.
func (s *Service) Submission(ctx context.Context, id int64) (*guestpost.Submission, error) {
	return store.SubmissionByID(ctx, s.Store.Pool, id)
}

// Guest returns guest id. Returns apperr.ErrNotFound.
func (s *Service) Guest(ctx context.Context, id int64) (*guestpost.Guest, error) {
	return store.GuestByID(ctx, s.Store.Pool, id)
}

// GuestPosts returns up to limit public posts by guest id, newest first.
func (s *Service) GuestPosts(ctx context.Context, id int64, limit int) ([]*post.Post, error) {
	return store.GuestPosts(ctx, s.Store.Pool, id, limit)
}

// BoxFor returns the guest box of p, or nil when p is no guest post.
func (s *Service) BoxFor(ctx context.Context, p *post.Post) (*Box, error) {
	if p.Author.GuestID == 0 {
		return nil, nil
	}
	b, err := store.GuestBoxForPost(ctx, s.Store.Pool, p.ID)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil, nil
	}
	return b, err
}

// PendingPosts returns contributors' posts waiting for review (status
// pending), at most 50: they are reviewed in the editor, and listed
// with the guest posts and above the queue.
func (s *Service) PendingPosts(ctx context.Context) ([]*post.Post, error) {
	pp, err := store.ListPosts(ctx, s.Store.Pool, store.ListFilter{Statuses: []post.Status{post.Pending}, Limit: 50})
	if err != nil {
		return nil, err
	}
	return pp.Posts, nil
}

// SetTrusted marks the guest who sent submission id trusted (their
// website links followed) or not, as u, audited. Returns
// apperr.ErrNotFound.
func (s *Service) SetTrusted(ctx context.Context, u *account.User, id int64, trusted bool) error {
	sub, err := store.SubmissionByID(ctx, s.Store.Pool, id)
	if err != nil {
		return err
	}
	return store.SetGuestTrusted(ctx, s.Store.Pool, u.ID, sub.GuestID, trusted)
}

// SetOff turns the public "Write for us" page off (or on) as u: site is
// the whole site settings value with its switch already set to off; it is
// stored under the settings key "site" with the audit row in the same
// transaction. The caller forgets its cached copy of the site settings.
func (s *Service) SetOff(ctx context.Context, u *account.User, site any, off bool) error {
	return s.Store.Transact(ctx, func(tx pgx.Tx) error {
		if err := store.PutSetting(ctx, tx, "site", site); err != nil {
			return err
		}
		return store.Audit(ctx, tx, u.ID, "settings.guest_posts", "settings", 0, "", map[bool]string{true: "off", false: "on"}[off])
	})
}
