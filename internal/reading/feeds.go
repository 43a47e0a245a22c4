package reading

import (
	"context"
	"time"

	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/store"
)

// The comment feeds and the sitemap read the primary: feed readers poll
// them to learn of what is new, and the page cache keeps them otherwise.

// PostComments returns the public post at slug and its newest approved
// comments and linkbacks (up to limit), newest first. Errors:
// apperr.ErrNotFound when there is no such public post.
func (s *Service) PostComments(ctx context.Context, slug string, limit int) (*post.Post, []RecentComment, error) {
	p, err := store.PostBySlug(ctx, s.store.Pool, post.KindPost, slug)
	if err != nil {
		return nil, nil, err
	}
	if !p.Public(s.now()) {
		return nil, nil, apperr.ErrNotFound
	}
	cs, err := store.RecentComments(ctx, s.store.Pool, p.ID, limit)
	return p, cs, err
}

// RecentComments returns the newest approved comments and linkbacks of
// every public post (up to limit), newest first.
func (s *Service) RecentComments(ctx context.Context, limit int) ([]RecentComment, error) {
	return store.RecentComments(ctx, s.store.Pool, 0, limit)
}

// Sitemap is what sitemap.xml lists besides the front page.
type Sitemap struct {
	Posts   []SitemapEntry // newest first
	Pages   []SitemapEntry // at their root addresses
	Authors []string       // usernames of writers with public posts
	Terms   []TermCount    // categories, then tags
}

// Sitemap returns up to maxPosts public posts and every public page,
// author, category and tag.
func (s *Service) Sitemap(ctx context.Context, maxPosts int) (Sitemap, error) {
	var sm Sitemap
	var err error
	if sm.Posts, err = store.Sitemap(ctx, s.store.Pool, maxPosts); err != nil {
		return sm, err
	}
	if sm.Pages, err = store.SitemapPages(ctx, s.store.Pool); err != nil {
		return sm, err
	}
	if sm.Authors, err = store.PublicAuthors(ctx, s.store.Pool); err != nil {
		return sm, err
	}
	for _, kind := range []post.TermKind{post.Category, post.Tag} {
		terms, err := store.Terms(ctx, s.store.Pool, kind)
		if err != nil {
			return sm, err
		}
		sm.Terms = append(sm.Terms, terms...)
	}
	return sm, nil
}

// NextScheduled is when the next scheduled post goes live (the zero time
// if none): a cached list must not outlive it.
func (s *Service) NextScheduled(ctx context.Context) (time.Time, error) {
	return store.NextScheduled(ctx, s.store.Pool)
}
