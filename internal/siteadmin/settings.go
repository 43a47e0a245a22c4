package siteadmin

import (
	"context"

	"quire/internal/site"
	"quire/internal/store"
)

// Media is an image of the library, as the logo and favicon pickers offer
// it.
type Media = store.Media

// Settings returns the blog's settings, defaults filled in. On an error
// the defaults come back with it, good enough for an error page.
func (s *Service) Settings(ctx context.Context) (site.Settings, error) {
	return store.SiteSettings(ctx, s.Store.Pool)
}

// UpdateSettings applies change to the stored settings in one transaction
// with its audit entry for actorID (0: the command line). Nothing changes
// when change or validation fails. Errors: apperr.Invalid with a message
// per field.
func (s *Service) UpdateSettings(ctx context.Context, actorID int64, change func(*site.Settings) error) (site.Settings, error) {
	return store.UpdateSiteSettings(ctx, s.Store, actorID, change)
}

// RecentImages are the newest n library images, for the logo and favicon
// pickers (older ones are chosen by id).
func (s *Service) RecentImages(ctx context.Context, n int) ([]*Media, error) {
	return store.MediaList(ctx, s.Store.Pool, store.MediaFilter{Limit: n})
}

// FeaturedImages are the featured images of the posts ids, read where
// public pages read.
func (s *Service) FeaturedImages(ctx context.Context, ids []int64) (map[int64]*Media, error) {
	return store.FeaturedImages(ctx, s.reader(ctx), ids)
}

// ImagesByHash are the library images whose content hashes a post's body
// names, read where public pages read.
func (s *Service) ImagesByHash(ctx context.Context, hashes []string) (map[string]*Media, error) {
	return store.MediaByHashes(ctx, s.reader(ctx), hashes)
}
