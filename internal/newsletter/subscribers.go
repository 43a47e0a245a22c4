package newsletter

import (
	"context"
	"errors"

	"quire/internal/apperr"
	"quire/internal/store"
)

// What the subscribers' admin pages, the API and a subscriber's own data
// page read and change.

// Subscriber is one address on the list.
type Subscriber = store.Subscriber

// Filter selects subscribers for the admin list: a search, a status and a
// keyset page.
type Filter = store.SubscriberFilter

// IssueReport is one mailing with its delivery counts.
type IssueReport = store.IssueReport

// Subscribers lists the subscribers f selects, oldest first.
func (s *Service) Subscribers(ctx context.Context, f Filter) ([]*Subscriber, error) {
	return store.ListSubscribers(ctx, s.Store.Pool, f)
}

// Counts counts the subscribers by status.
func (s *Service) Counts(ctx context.Context) (map[string]int, error) {
	return store.SubscriberCounts(ctx, s.Store.Pool)
}

// Issues is the delivery report: the newest limit mailings, or only post
// postID's when it is not 0.
func (s *Service) Issues(ctx context.Context, postID int64, limit int) ([]IssueReport, error) {
	return store.RecentIssues(ctx, s.Store.Pool, postID, limit)
}

// Subscriber returns subscriber id. Errors: apperr.NotFound.
func (s *Service) Subscriber(ctx context.Context, id int64) (*Subscriber, error) {
	return store.SubscriberByID(ctx, s.Store.Pool, id)
}

// LatestPost is the newest published post, which a test mailing sends.
// Errors: apperr.Invalid when nothing is published yet.
func (s *Service) LatestPost(ctx context.Context) (int64, error) {
	id, err := store.LatestPublicPost(ctx, s.Store.Pool)
	if errors.Is(err, apperr.ErrNotFound) {
		return 0, apperr.New(apperr.Invalid, "There is no published post to send yet.")
	}
	return id, err
}

// MemberSubscription finds a member's subscription: by account, else by
// their address (they may have signed up through the form before); nil
// when there is none.
func (s *Service) MemberSubscription(ctx context.Context, userID int64, email string) (*Subscriber, error) {
	sub, err := store.SubscriberByUser(ctx, s.Store.Pool, userID)
	if errors.Is(err, apperr.ErrNotFound) {
		e, nerr := Normalize(email)
		if nerr != nil {
			return nil, nil
		}
		sub, err = store.SubscriberByHash(ctx, s.Store.Pool, Hash(e))
	}
	if errors.Is(err, apperr.ErrNotFound) {
		return nil, nil
	}
	return sub, err
}

// DataSubscriber is the subscriber a data link (Tokens.Data) names.
// Errors: apperr.NotFound, the same for a bad link and for an address
// whose data is gone.
func (s *Service) DataSubscriber(ctx context.Context, tok string) (*Subscriber, error) {
	gone := apperr.New(apperr.NotFound, "This link is not valid, or there is no data left for it.")
	id, ok := s.Tokens.CheckData(tok)
	if !ok {
		return nil, gone
	}
	sub, err := store.SubscriberByID(ctx, s.Store.Pool, id)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil, gone
	}
	return sub, err
}

// DeleteData deletes everything kept about subscriber id, at their own
// request; one already gone is no error.
func (s *Service) DeleteData(ctx context.Context, id int64) error {
	if err := store.DeleteSubscriber(ctx, s.Store.Pool, id); err != nil && !errors.Is(err, apperr.ErrNotFound) {
		return err
	}
	return nil
}

// DataExport is everything kept about sub, as the JSON a subscriber
// downloads: the address, its state and every mail sent to it.
func (s *Service) DataExport(ctx context.Context, sub *Subscriber) (map[string]any, error) {
	sent, err := store.SubscriberDeliveries(ctx, s.Store.Pool, sub.ID)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"email": sub.Email, "status": sub.Status, "mode": sub.Mode, "source": sub.Source,
		"subscribed_at": sub.CreatedAt.UTC(), "deliveries": sent}
	if !sub.ConfirmedAt.IsZero() {
		out["confirmed_at"] = sub.ConfirmedAt.UTC()
	}
	return out, nil
}

// NewsletterOff reports whether post id is kept out of the newsletter
// (the editor's "don't e-mail this one" box); false when unknown.
func (s *Service) NewsletterOff(ctx context.Context, id int64) bool {
	off, _ := store.NewsletterOff(ctx, s.Store.Pool, id)
	return off
}

// SetNewsletterOff stores the box for post id. The newsletter tick leaves
// a post alone for a few seconds after its last save (store.ClaimNewPosts),
// so the box, saved just after a new post, is always read before the post
// is mailed.
func (s *Service) SetNewsletterOff(ctx context.Context, id int64, off bool) error {
	return store.SetNewsletterOff(ctx, s.Store.Pool, id, off)
}
