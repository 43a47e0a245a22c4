package wxrimport

import (
	"context"
	"errors"
	"strings"

	"quire/internal/apperr"
	"quire/internal/site"
	"quire/internal/store"
	"quire/internal/text"
	"quire/internal/wxr"
)

// adoptSite gives a blog nobody has named yet (its title is still the
// default) the imported blog's title, tagline and language, so moving a
// blog in keeps its name. A named blog keeps its own; values the settings
// refuse (too long, an odd language tag) are left out, never fatal.
func adoptSite(ctx context.Context, st *store.Store, actorID int64, w wxr.Site) error {
	title := strings.TrimSpace(plain(w.Title))
	if title == "" {
		return nil
	}
	_, err := store.UpdateSiteSettings(ctx, st, actorID, func(s *site.Settings) error {
		if s.Title != site.Defaults().Title {
			return errKeep
		}
		s.Title = text.Ellipsis(title, 120)
		if d := strings.TrimSpace(plain(w.Description)); d != "" {
			s.Tagline = text.Ellipsis(d, 200)
		}
		if lang := strings.TrimSpace(w.Language); lang != "" {
			s.Language = lang
			if s.Validate() != nil {
				s.Language = site.Defaults().Language
			}
		}
		return nil
	})
	if errors.Is(err, errKeep) {
		return nil
	}
	if e, ok := apperr.As(err); ok && e.Code == apperr.Invalid {
		return nil // the file's name does not fit; the blog keeps its default
	}
	return err
}

// errKeep stops adoptSite's transaction without changing anything.
var errKeep = errors.New("the blog already has a name")
