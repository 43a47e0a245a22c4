package publishing

import (
	"context"
	"strings"
	"unicode/utf8"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/store"
)

// List returns one page of the posts f selects, for the editors' list and
// the API (which decide f by the caller's role).
func (s *Service) List(ctx context.Context, f Filter) (List, error) {
	if f.Query = strings.TrimSpace(f.Query); utf8.RuneCountInString(f.Query) > MaxQuery {
		return List{}, apperr.New(apperr.Invalid, "Search for at most %d characters.", MaxQuery)
	}
	return store.ListPosts(ctx, s.Store.Pool, f)
}

// Counts counts the posts by status, authorID's or everyone's (0), for
// the tabs of the editors' list.
func (s *Service) Counts(ctx context.Context, authorID int64) (map[post.Status]int, error) {
	return store.PostCounts(ctx, s.Store.Pool, authorID)
}

// MaxQuery is the longest search (Filter.Query) a list takes, in
// characters.
const MaxQuery = 200

// Pages lists every page with its settings, in the trash or not, for the
// editors' pages list.
func (s *Service) Pages(ctx context.Context) ([]PageRow, error) {
	return store.ListPages(ctx, s.Store.Pool)
}

// PageSettings returns the stored settings of the page with postID.
func (s *Service) PageSettings(ctx context.Context, postID int64) (post.PageSettings, error) {
	return store.PageSettingsOf(ctx, s.Store.Pool, postID)
}

// Term returns the tag or category with slug, to filter a list by.
// Errors: apperr.ErrNotFound.
func (s *Service) Term(ctx context.Context, kind post.TermKind, slug string) (post.Term, error) {
	return store.TermBySlug(ctx, s.Store.Pool, kind, slug)
}

// Author returns the active writer with username, to filter a list by.
// Errors: apperr.ErrNotFound.
func (s *Service) Author(ctx context.Context, username string) (*account.User, error) {
	return store.AuthorByUsername(ctx, s.Store.Pool, username)
}

// DefaultCommentPolicy is the comment policy a new post gets unless its
// writer picks one (the blog's settings).
func (s *Service) DefaultCommentPolicy(ctx context.Context) (post.CommentPolicy, error) {
	st, err := store.SiteSettings(ctx, s.Store.Pool)
	return st.CommentPolicy, err
}
