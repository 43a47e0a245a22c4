// Package moderating is the moderation queue's workflow, shared by the
// HTML queue and the JSON API: one list of every kind (comments,
// pingbacks, webmentions and guest posts), its counts, and the queue
// actions on items named by typed keys (moderation.Key), each checked
// against the rule of its kind.
//
// The rule: comments, pingbacks and webmentions need account.Moderate;
// guest posts need account.ReviewGuestPosts. A moderator's queue has no
// guest posts at all (not even counted), since a guest's e-mail and IP
// address are an editor's business; editors and admins see every kind.
package moderating

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/comment"
	"quire/internal/commenting"
	"quire/internal/guestposting"
	"quire/internal/moderation"
	"quire/internal/store"
)

// Filter selects one tab of the queue (status, post, cursor, page size).
type Filter = store.QueueFilter

// Item is one queue item of any kind, with its typed key.
type Item = store.QueueItem

// MaxKeys bounds one bulk action: a page of the queue holds at most 200.
const MaxKeys = 200

// Service runs the queue. Build one per process and share it.
type Service struct {
	Store    *store.Store
	Comments *commenting.Service
	Guests   *guestposting.Service
}

// New returns the queue over the comment and guest-post workflows, on
// the comment workflow's store.
func New(c *commenting.Service, g *guestposting.Service) *Service {
	return &Service{Store: c.Store, Comments: c, Guests: g}
}

// allKinds are the queue's kinds in the order filters list them.
var allKinds = []moderation.Kind{moderation.KindComment, moderation.KindPingback, moderation.KindWebmention,
	moderation.KindGuestPost}

// May reports whether u may see and act on queue items of kind k.
func May(u *account.User, k moderation.Kind) bool {
	if k == moderation.KindGuestPost {
		return account.Can(u, account.ReviewGuestPosts, account.Site)
	}
	return k.Valid() && account.Can(u, account.Moderate, account.Site)
}

// Kinds returns the kinds u may moderate, in filter order; empty when u
// may moderate nothing.
func Kinds(u *account.User) []moderation.Kind {
	var out []moderation.Kind
	for _, k := range allKinds {
		if May(u, k) {
			out = append(out, k)
		}
	}
	return out
}

// errForbidden answers someone who may moderate no kind at all.
var errForbidden = apperr.New(apperr.Forbidden, "Your account may not moderate.")

// forbiddenKind answers an item or filter of a kind u may not moderate.
func forbiddenKind(k moderation.Kind) error {
	if k == moderation.KindGuestPost {
		return apperr.New(apperr.Forbidden, "Only editors review guest posts.")
	}
	return apperr.New(apperr.Forbidden, "Your account may not moderate %ss.", strings.ToLower(k.Label()))
}

// List returns one tab of the queue as u may see it: every kind u may
// moderate, or only kind when it is not "". f.Kinds is filled here.
// Errors: apperr.Forbidden (u may moderate nothing, or not kind),
// apperr.Invalid (unknown kind or bad cursor).
func (s *Service) List(ctx context.Context, u *account.User, f Filter, kind moderation.Kind) ([]Item, string, error) {
	kinds, err := narrow(u, kind)
	if err != nil {
		return nil, "", err
	}
	if f.Search = strings.TrimSpace(f.Search); utf8.RuneCountInString(f.Search) > MaxSearch {
		return nil, "", apperr.New(apperr.Invalid, "Search for at most %d characters.", MaxSearch)
	}
	f.Kinds = kinds
	return store.Queue(ctx, s.Store.Pool, f)
}

// MaxSearch is the longest search (Filter.Search) the queue takes, in
// characters.
const MaxSearch = 200

func narrow(u *account.User, kind moderation.Kind) ([]moderation.Kind, error) {
	kinds := Kinds(u)
	if len(kinds) == 0 {
		return nil, errForbidden
	}
	if kind == "" {
		return kinds, nil
	}
	if !kind.Valid() {
		return nil, apperr.New(apperr.Invalid, "kind must be comment, pingback, webmention or guest_post.")
	}
	if !May(u, kind) {
		return nil, forbiddenKind(kind)
	}
	return []moderation.Kind{kind}, nil
}

// Counts returns the number of items on each tab that u may see, so that
// the tabs, the menu badge, the dashboard and the API agree. Errors:
// apperr.Forbidden.
func (s *Service) Counts(ctx context.Context, u *account.User) (map[comment.Status]int, error) {
	kinds := Kinds(u)
	if len(kinds) == 0 {
		return nil, errForbidden
	}
	return store.QueueCounts(ctx, s.Store.Pool, kinds)
}

// Exists returns nil when k names an item of its kind (whatever its
// status), else apperr.NotFound: a comment's number given as a pingback's
// key names nothing.
func (s *Service) Exists(ctx context.Context, k moderation.Key) error {
	if k.Kind == moderation.KindGuestPost {
		return s.Guests.Exists(ctx, k.ID)
	}
	c, err := s.Comments.Comment(ctx, k.ID)
	if err != nil {
		return err
	}
	if string(c.Kind) != string(k.Kind) {
		return apperr.New(apperr.NotFound, "There is no such queue item.")
	}
	return nil
}

// Skipped is an item of a bulk action that could not change (a guest
// post already published, or gone), with the reason in words.
type Skipped struct {
	Key    moderation.Key
	Reason string
}

// Done is one item an action changed, and the tab it is on now ("approved"
// when it left the queue, "deleted" when it is gone). PostID is the post
// an approved guest post became.
type Done struct {
	Key    moderation.Key
	Status string
	PostID int64
}

// Act applies action (commenting.Action*) to the items keys name, as u.
// Every key is checked against its kind's rule before anything changes:
// one forbidden item refuses the whole request. Items of each kind change
// only through their own table, so a key can never reach another kind's
// item with the same number. Items already where the action would put
// them are left alone and not reported. Approving a guest post accepts
// and publishes it now with the guest's byline (the guest is mailed, as
// by Review's Accept); spam, trash, back to queue and delete tell the
// guest nothing. A guest post that cannot change in a bulk action is
// skipped, with its reason, and the rest go on. Errors: apperr.Forbidden,
// apperr.Invalid, and for a single guest post apperr.Conflict or
// apperr.ErrNotFound.
func (s *Service) Act(ctx context.Context, u *account.User, keys []moderation.Key, action string) ([]Done, []Skipped, error) {
	if !commenting.ValidAction(action) {
		return nil, nil, apperr.New(apperr.Invalid, "Unknown action %q: use approve, spam, trash, hold or delete.", action)
	}
	if len(keys) == 0 {
		return nil, nil, apperr.New(apperr.Invalid, "Select at least one item.")
	}
	if len(keys) > MaxKeys {
		return nil, nil, apperr.New(apperr.Invalid, "Select at most %d items at once.", MaxKeys)
	}
	byKind := map[moderation.Kind][]int64{}
	for _, k := range keys {
		if !May(u, k.Kind) {
			return nil, nil, forbiddenKind(k.Kind)
		}
		byKind[k.Kind] = append(byKind[k.Kind], k.ID)
	}
	var out []Done
	for _, k := range allKinds[:3] {
		if len(byKind[k]) == 0 {
			continue
		}
		changed, err := s.Comments.ModerateKind(ctx, u, comment.Kind(k), byKind[k], action)
		if err != nil {
			return out, nil, err
		}
		for _, m := range changed {
			st := string(m.After)
			if st == "" {
				st = "deleted"
			}
			out = append(out, Done{Key: moderation.Key{Kind: k, ID: m.ID}, Status: st})
		}
	}
	var skipped []Skipped
	for _, id := range byKind[moderation.KindGuestPost] {
		d, err := s.actGuest(ctx, u, id, action)
		if err != nil {
			e, ok := apperr.As(err)
			if len(keys) == 1 || !ok || e.Code == apperr.Internal {
				return out, skipped, err
			}
			// In a bulk action, one guest post that cannot move (already a
			// post, its slug taken) does not stop the rest.
			skipped = append(skipped, Skipped{Key: moderation.Key{Kind: moderation.KindGuestPost, ID: id}, Reason: e.Message})
			continue
		}
		if d != nil {
			out = append(out, *d)
		}
	}
	return out, skipped, nil
}

// actGuest applies action to guest submission id.
func (s *Service) actGuest(ctx context.Context, u *account.User, id int64, action string) (*Done, error) {
	key := moderation.Key{Kind: moderation.KindGuestPost, ID: id}
	switch action {
	case commenting.ActionApprove:
		p, err := s.Guests.Accept(ctx, u, id, guestposting.Acceptance{FromQueue: true})
		if err != nil {
			return nil, err
		}
		return &Done{Key: key, Status: string(comment.StatusApproved), PostID: p.ID}, nil
	case commenting.ActionDelete:
		err := s.Store.Transact(ctx, func(tx pgx.Tx) error { return store.DeleteSubmission(ctx, tx, u.ID, id) })
		if err != nil {
			return nil, err
		}
		return &Done{Key: key, Status: "deleted"}, nil
	}
	to := map[string]comment.Status{commenting.ActionSpam: comment.StatusSpam, commenting.ActionTrash: comment.StatusTrash,
		commenting.ActionHold: comment.StatusHeld}[action]
	var moved bool
	err := s.Store.Transact(ctx, func(tx pgx.Tx) error {
		var err error
		moved, err = store.MoveSubmission(ctx, tx, u.ID, id, to)
		return err
	})
	if err != nil || !moved {
		return nil, err
	}
	return &Done{Key: key, Status: string(to)}, nil
}

// EmptyTrash deletes everything in the trash u can see. Errors:
// apperr.Forbidden.
func (s *Service) EmptyTrash(ctx context.Context, u *account.User) (int64, error) {
	return s.Comments.EmptyTrash(ctx, u)
}

// EmptySpam deletes the spam u can see that is older than the discussion
// setting's days. Errors: apperr.Forbidden.
func (s *Service) EmptySpam(ctx context.Context, u *account.User) (int64, error) {
	return s.Comments.EmptySpam(ctx, u)
}
