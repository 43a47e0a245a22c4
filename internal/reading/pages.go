package reading

import (
	"context"
	"errors"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/store"
)

// Page returns the static page at slug that u (nil: nobody signed in) may
// read: a public page, or one u may edit (drafts, the trash). When slug is
// a page's former slug, it returns the current one in moved and no page.
// Errors: apperr.ErrNotFound, also for slugs no page may have.
func (s *Service) Page(ctx context.Context, u *account.User, slug string) (p *post.Post, moved string, err error) {
	if !post.ValidSlug(slug) || post.ReservedSlug(slug) {
		return nil, "", apperr.ErrNotFound
	}
	p, err = store.PostBySlug(ctx, s.Reader(ctx), post.KindPage, slug)
	if errors.Is(err, apperr.ErrNotFound) {
		if cur, err := store.SlugRedirect(ctx, s.Reader(ctx), post.KindPage, slug); err == nil {
			return nil, cur, nil
		}
		return nil, "", apperr.ErrNotFound
	}
	if err != nil {
		return nil, "", err
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
