package reading

import (
	"context"
	"errors"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/store"
)

// bySlug returns the post or page of kind at slug or, when slug is one it
// had before, its current slug in moved and no post. Errors:
// apperr.ErrNotFound when neither exists.
func (s *Service) bySlug(ctx context.Context, kind post.Kind, slug string) (p *post.Post, moved string, err error) {
	p, err = store.PostToRead(ctx, s.Reader(ctx), kind, slug)
	if errors.Is(err, apperr.ErrNotFound) {
		if cur, err := store.SlugRedirect(ctx, s.Reader(ctx), kind, slug); err == nil {
			return nil, cur, nil
		}
		return nil, "", apperr.ErrNotFound
	}
	return p, "", err
}

// PostPage returns the post at slug whatever its status (the post page
// answers a trashed one with 410 and checks who may read the rest), with
// the public posts just older and newer for its prev/next links, in one
// read; or its current slug in moved when slug is a former one. Errors:
// apperr.ErrNotFound.
func (s *Service) PostPage(ctx context.Context, slug string) (p, older, newer *post.Post, moved string, err error) {
	db := s.Reader(ctx)
	p, older, newer, err = store.ReadPost(ctx, db, slug)
	if errors.Is(err, apperr.ErrNotFound) {
		if cur, err := store.SlugRedirect(ctx, db, post.KindPost, slug); err == nil {
			return nil, nil, nil, cur, nil
		}
		return nil, nil, nil, "", apperr.ErrNotFound
	}
	return p, older, newer, "", err
}

// Page returns the static page at slug that u (nil: nobody signed in) may
// read: a public page, or one u may edit (drafts, the trash). When slug is
// a page's former slug, it returns the current one in moved and no page.
// Errors: apperr.ErrNotFound, also for slugs no page may have.
func (s *Service) Page(ctx context.Context, u *account.User, slug string) (p *post.Post, moved string, err error) {
	if !post.ValidSlug(slug) || post.ReservedSlug(slug) {
		return nil, "", apperr.ErrNotFound
	}
	p, moved, err = s.bySlug(ctx, post.KindPage, slug)
	if err != nil || moved != "" {
		return nil, moved, err
	}
	if !post.CanRead(u, p, s.now()) || p.Status == post.Trashed && !post.CanEdit(u, p) {
		return nil, "", apperr.ErrNotFound
	}
	return p, "", nil
}

// PageSettings returns the template and navigation place of page id.
func (s *Service) PageSettings(ctx context.Context, id int64) (post.PageSettings, error) {
	return store.PageSettingsOf(ctx, s.Reader(ctx), id)
}
