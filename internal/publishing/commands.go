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
// owns the blog, so no role is checked. page, when not nil, is a page's
// settings. The audit entry is written in the same transaction; no
// linkback goes out, whatever Jobs is: seeded content links to nobody
// real.
func (s *Service) Seed(ctx context.Context, p *post.Post, page *post.PageSettings) error {
	if err := s.checkExtras(ctx, Extras{Page: page}); err != nil {
		return err
	}
	defer s.pageChanged(p)
	return s.Store.Transact(ctx, func(tx pgx.Tx) error {
		if page != nil {
			return store.CreatePage(ctx, tx, nil, p.AuthorID, p, *page)
		}
		return store.CreatePost(ctx, tx, nil, p.AuthorID, p)
	})
}
