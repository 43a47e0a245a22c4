package publishing

import (
	"context"

	"quire/internal/account"
	"quire/internal/post"
	"quire/internal/store"
)

// Revisions lists the kept versions of the post with postID, newest first.
func (s *Service) Revisions(ctx context.Context, postID int64) ([]post.Revision, error) {
	return store.Revisions(ctx, s.Store.Pool, postID)
}

// Revision returns the kept version id of the post with postID. Errors:
// apperr.ErrNotFound.
func (s *Service) Revision(ctx context.Context, postID, id int64) (post.Revision, error) {
	return store.RevisionByID(ctx, s.Store.Pool, postID, id)
}

// RestoreRevision saves rev's content as a new version of p, as u, keeping
// p's status; the version it replaces is kept in turn, so a restore can be
// undone. Errors: those of Update.
func (s *Service) RestoreRevision(ctx context.Context, u *account.User, p *post.Post, rev post.Revision) error {
	p.Restore(rev)
	if err := p.Render(s.Render); err != nil {
		return err
	}
	defer s.pageChanged(p)
	return store.UpdatePost(ctx, s.Store.Pool, s.Jobs, u.ID, p, func(stored *post.Post) error {
		return post.Transition(u, stored, stored.Status)
	})
}
