package commenting

import (
	"context"
	"errors"
	"slices"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/comment"
	"quire/internal/post"
	"quire/internal/store"
)

// Comment is a stored comment with its private fields (e-mail, IP,
// reasons), as moderators and the workflow see it.
type Comment = store.Comment

// Thread is the page of a post's approved thread that the post page
// shows, with what the form under it needs to know.
type Thread struct {
	Roots       []*comment.Node // the page's top-level threads with their replies, in display order
	Count       int             // approved comments and linkbacks on the whole post
	Page, Pages int             // 1-based, Page clamped into 1..Pages
	Closed      bool            // nobody may comment now
	MembersOnly bool            // only members may comment, and the visitor is not one
	Settings    Settings
	// Pinned is the comment a moderator pinned above the thread, on its
	// first page; nil otherwise. PinnedID is the post's pinned comment,
	// on every page (0: none).
	Pinned   *comment.Comment
	PinnedID int64
}

// Access is what a page of p's thread shows besides its comments, for
// visitor u: the settings that page it and whether u may comment. It
// reads no comment (the settings come from this node's cache), so a
// cache of rendered threads can be keyed by it before reading any.
type Access struct {
	Settings    Settings
	Closed      bool // nobody may comment now
	MembersOnly bool // only members may comment, and the visitor is not one
}

// ThreadAccess returns the Access of p's thread for u now.
func (s *Service) ThreadAccess(ctx context.Context, p *post.Post, u *account.User) (Access, error) {
	st, _, err := s.Settings(ctx)
	if err != nil {
		return Access{}, err
	}
	a := Access{Settings: st}
	a.Closed, a.MembersOnly = access(p.CommentsOpenAt(s.now(), st.CloseAfterDays), u)
	return a, nil
}

// ThreadAs reads page n of p's approved thread under a, which
// ThreadAccess returned for this visitor, from Reader: the kept counts
// and one range of comments, never the whole thread. With newest first,
// the page's roots come newest first.
func (s *Service) ThreadAs(ctx context.Context, p *post.Post, a Access, n int) (*Thread, error) {
	st := a.Settings
	tw, err := store.ThreadPageOf(ctx, s.reader(ctx), p.ID, n, st.PerPage, st.NewestFirst)
	if err != nil {
		return nil, err
	}
	t := &Thread{Roots: comment.BuildThread(tw.Comments), Count: tw.ThreadCounts.Comments, Page: tw.Page, Pages: tw.Pages,
		Settings: st, Closed: a.Closed, MembersOnly: a.MembersOnly, Pinned: tw.Pinned, PinnedID: tw.PinnedID}
	if st.NewestFirst {
		slices.Reverse(t.Roots)
	}
	return t, nil
}

// PageOf returns the page (1-based) of post postID's thread that shows the
// approved comment at path: computed in SQL from the roots index, without
// loading the thread.
func (s *Service) PageOf(ctx context.Context, postID int64, path string) (int, error) {
	st, _, err := s.Settings(ctx)
	if err != nil {
		return 0, err
	}
	return store.CommentPageOf(ctx, s.Store.Pool, postID, path, st.PerPage, st.NewestFirst)
}

// Comment returns comment id whatever its status. Returns
// apperr.ErrNotFound.
func (s *Service) Comment(ctx context.Context, id int64) (*Comment, error) {
	return store.CommentByID(ctx, s.Store.Pool, id)
}

// Post returns post id whatever its status (callers decide what may be
// shown). Returns apperr.ErrNotFound.
func (s *Service) Post(ctx context.Context, id int64) (*post.Post, error) {
	return store.PostByID(ctx, s.Store.Pool, id)
}

// ReplyTarget returns comment id when a reply to it may be written under
// post postID (approved, on that post, not a linkback), else nil. It may
// be on another page of the thread.
func (s *Service) ReplyTarget(ctx context.Context, postID, id int64) *comment.Comment {
	c, err := s.Comment(ctx, id)
	if err != nil || c.PostID != postID || c.Status != comment.StatusApproved || c.Kind.IsLinkback() {
		return nil
	}
	return &c.Comment
}

// HeldOnPost counts what is held for moderation on post postID.
func (s *Service) HeldOnPost(ctx context.Context, postID int64) (int, error) {
	return store.HeldOnPost(ctx, s.Store.Pool, postID)
}

// Held returns comment id when it is held on post postID, else nil: the
// guest who wrote it is shown it with a notice.
func (s *Service) Held(ctx context.Context, postID, id int64) *Comment {
	c, err := s.Comment(ctx, id)
	if err != nil || c.PostID != postID || c.Status != comment.StatusHeld {
		return nil
	}
	return c
}

// PublicPost returns post id when the public may see it and its thread
// now. Errors: apperr.NotFound "There is no such post."
func (s *Service) PublicPost(ctx context.Context, id int64) (*post.Post, error) {
	p, err := s.Post(ctx, id)
	if errors.Is(err, apperr.ErrNotFound) || (err == nil && !p.Public(s.now())) {
		return nil, apperr.New(apperr.NotFound, "There is no such post.")
	}
	return p, err
}

// ThreadAfter returns up to limit approved comments of post postID (which
// the caller found public with PublicPost) in display order after path
// afterPath ("" from the start): the keyset page the JSON API lists.
func (s *Service) ThreadAfter(ctx context.Context, postID int64, afterPath string, limit int) ([]comment.Comment, error) {
	return store.ThreadPage(ctx, s.Store.Pool, postID, afterPath, limit)
}

// Unsubscribe stops reply notifications for comment id (the caller checked
// the signed link).
func (s *Service) Unsubscribe(ctx context.Context, id int64) error {
	return store.SetCommentNotify(ctx, s.Store.Pool, id, false)
}

// ConfirmNotify completes the double opt-in for reply notifications of
// the address the signed token tok was mailed to. Errors: apperr.NotFound
// for a forged, unknown or spent token.
func (s *Service) ConfirmNotify(ctx context.Context, tok string) error {
	if _, ok := s.Key.Verify(PurposeNotifyConfirm, tok); !ok {
		return errBadConfirm()
	}
	_, err := store.ConfirmNotifyAddress(ctx, s.Store.Pool, TokenHash(tok))
	if errors.Is(err, apperr.ErrNotFound) {
		return errBadConfirm()
	}
	return err
}

// CheckConfirm refuses, before a confirmation form is shown, a link
// whose token is not one Quire signed (mistyped, cut short in the mail):
// its reader learns it at once rather than after pressing Confirm.
// Whether the address still waits is known only to ConfirmNotify.
func (s *Service) CheckConfirm(tok string) error {
	if _, ok := s.Key.Verify(PurposeNotifyConfirm, tok); !ok {
		return errBadConfirm()
	}
	return nil
}

func errBadConfirm() error {
	return apperr.New(apperr.NotFound, "This confirmation link is not valid.")
}
