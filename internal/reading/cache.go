package reading

import (
	"context"

	"quire/internal/site"
	"quire/internal/store"
)

// loadSite reads the site settings from the primary and resolves the
// logo's and favicon's addresses.
func (s *Service) loadSite(ctx context.Context) (site.Settings, error) {
	st, err := store.SiteSettings(ctx, s.store.Pool)
	if err != nil {
		return st, err
	}
	st.LogoURL, st.FaviconURL = s.fileURL(ctx, st.LogoMediaID), s.fileURL(ctx, st.FaviconMediaID)
	if f := s.loaded.Load(); f != nil {
		(*f)(st)
	}
	return st, nil
}

// fileURL is the address of a library image's original, or "" when id is
// 0 or the image has gone.
func (s *Service) fileURL(ctx context.Context, id int64) string {
	if id == 0 || s.mediaURL == nil {
		return ""
	}
	m, err := store.MediaByID(ctx, s.store.Pool, id)
	if err != nil {
		return ""
	}
	return s.mediaURL(m.Name)
}

// Site returns this node's copy of the site settings, read again after
// cacheTTL or ForgetSite. When the database cannot be read it returns the
// error with the last good copy or, with none, the defaults: they serve
// the request (an error page, say) but are not kept, as the database may
// be back in a moment.
func (s *Service) Site(ctx context.Context) (site.Settings, error) {
	st, err := s.site.Get(ctx)
	if err != nil && st.Title == "" {
		st = site.Defaults()
	}
	return st, err
}

// OnSiteLoaded has f told each freshly loaded site settings value (the
// server's templates take the blog's date style from it). The HTTP layer
// is built after the services, so it subscribes here rather than through
// Deps; f replaces any earlier one.
func (s *Service) OnSiteLoaded(f func(site.Settings)) {
	s.loaded.Store(&f)
	s.site.Forget() // a value loaded before f was set never reached it
}

// ForgetSite drops this node's copy of the site settings, so the next page
// shows a change at once.
func (s *Service) ForgetSite() { s.site.Forget() }

// Nav returns the pages of the site navigation, in order, read again after
// cacheTTL or ForgetNav. When the database cannot be read it returns the
// error with the last good list (or none).
func (s *Service) Nav(ctx context.Context) ([]NavLink, error) { return s.nav.Get(ctx) }

// ForgetNav drops this node's copy of the navigation.
func (s *Service) ForgetNav() { s.nav.Forget() }
