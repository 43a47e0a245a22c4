package publishing

import (
	"context"

	"github.com/jackc/pgx/v5"

	"quire/internal/post"
	"quire/internal/store"
)

// BySlug returns the post or page of kind with slug, whatever its status,
// for the command line (the demo asks what it has already loaded).
// Errors: apperr.ErrNotFound.
func (s *Service) BySlug(ctx context.Context, kind post.Kind, slug string) (*post.Post, error) {
	return store.PostBySlug(ctx, s.Store.Pool, kind, slug)
}

// Seed stores the new post or page p, prepared (Prepare), as written by
// p.AuthorID, on the command line's authority: whoever runs `quire demo`
// owns the blog, so no role is checked. x may hold a page's settings and
// a featured image from the library. The audit entry is written in the same transaction; no
// linkback goes out, whatever Jobs is: seeded content links to nobody
// real.
func (s *Service) Seed(ctx context.Context, p *post.Post, x Extras) error {
	if err := s.checkExtras(ctx, x); err != nil {
		return err
	}
	defer s.pageChanged(p)
	return s.Store.Transact(ctx, func(tx pgx.Tx) error {
		var err error
		if x.Page != nil {
			err = store.CreatePage(ctx, tx, nil, p.AuthorID, p, *x.Page)
		} else {
			err = store.CreatePost(ctx, tx, nil, p.AuthorID, p)
		}
		if err != nil {
			return err
		}
		return setFeatured(ctx, tx, p.ID, x.Featured)
	})
}
