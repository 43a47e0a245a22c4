package reading

import (
	"context"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/store"
)

// Posts returns one page of the public posts f selects, newest first.
func (s *Service) Posts(ctx context.Context, f Filter) (PostPage, error) {
	f.Public = true
	return store.ListPosts(ctx, s.Reader(ctx), f)
}

// Pinned returns the public pinned posts, newest first (at most
// store.MaxPinned): the top of the front page's first page.
func (s *Service) Pinned(ctx context.Context) ([]*post.Post, error) {
	return store.PinnedPosts(ctx, s.Reader(ctx))
}

// CommentCounts returns the approved responses of each post in ids. It
// reads the primary, so a reader who has just commented sees the count
// move.
func (s *Service) CommentCounts(ctx context.Context, ids []int64) (map[int64]int, error) {
	return store.CommentCounts(ctx, s.store.Pool, ids)
}

// Term returns the tag or category with slug. Errors: apperr.ErrNotFound.
func (s *Service) Term(ctx context.Context, kind post.TermKind, slug string) (post.Term, error) {
	return store.TermBySlug(ctx, s.Reader(ctx), kind, slug)
}

// Author returns the writer with username. Readers' and moderators'
// accounts have no author page: it would only disclose that they exist.
// Errors: apperr.ErrNotFound.
func (s *Service) Author(ctx context.Context, username string) (*account.User, error) {
	u, err := store.AuthorByUsername(ctx, s.Reader(ctx), username)
	if err != nil {
		return nil, err
	}
	if !account.Can(u, account.CreatePost, account.Site) {
		return nil, apperr.ErrNotFound
	}
	return u, nil
}

// Months lists the months that have public posts, newest first.
func (s *Service) Months(ctx context.Context) ([]MonthCount, error) {
	return store.Months(ctx, s.Reader(ctx))
}

// Terms lists the tags or categories public posts carry, by name.
func (s *Service) Terms(ctx context.Context, kind post.TermKind) ([]TermCount, error) {
	return store.Terms(ctx, s.Reader(ctx), kind)
}

// Search returns up to limit public posts matching query after skipping
// offset, best first.
func (s *Service) Search(ctx context.Context, query string, limit, offset int) ([]SearchHit, error) {
	return store.Search(ctx, s.Reader(ctx), query, limit, offset)
}
