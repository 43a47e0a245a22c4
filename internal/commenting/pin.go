package commenting

import (
	"context"
	"strconv"

	"github.com/jackc/pgx/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/comment"
	"quire/internal/store"
)

// Pin pins comment id above its post's thread, as actor, or with pin
// false unpins it; a post has one pinned comment, so pinning another
// replaces it. Only an approved comment (not a pingback or webmention)
// may be pinned. The post's row changes, so every node's cached pages of
// it are dropped (the posts' trigger). Errors: apperr.Forbidden,
// apperr.ErrNotFound, apperr.Invalid.
func (s *Service) Pin(ctx context.Context, actor *account.User, id int64, pin bool) (*Comment, error) {
	if !account.Can(actor, account.Moderate, account.Site) {
		return nil, apperr.New(apperr.Forbidden, "Your account may not moderate comments.")
	}
	var c *Comment
	err := s.Store.Transact(ctx, func(tx pgx.Tx) error {
		var err error
		if c, err = store.CommentByID(ctx, tx, id); err != nil {
			return err
		}
		if pin && (c.Kind != comment.KindComment || c.Status != comment.StatusApproved) {
			return apperr.New(apperr.Invalid, "Only a published comment can be pinned: approve it first; pingbacks and webmentions are not pinned.")
		}
		changed, err := store.SetPinnedComment(ctx, tx, c.PostID, id, pin)
		if err != nil || !changed {
			return err
		}
		action := "comment.unpin"
		if pin {
			action = "comment.pin"
		}
		return store.Audit(ctx, tx, actor.ID, action, string(c.Kind), id, "", "post "+strconv.FormatInt(c.PostID, 10))
	})
	return c, err
}
