package siteadmin

import (
	"context"
	"errors"

	"quire/internal/site"
)

// errNamed stops NameBlog's change: someone has named the blog already.
var errNamed = errors.New("the blog has a name")

// NameBlog gives the blog title and tagline if nobody has named it yet
// (its title is still the default), as the command line (the demo), with
// the audit entry; it reports whether it did. The check and the change
// share one transaction, so a name given meanwhile is kept.
func (s *Service) NameBlog(ctx context.Context, title, tagline string) (bool, error) {
	_, err := s.UpdateSettings(ctx, 0, func(st *site.Settings) error {
		if st.Title != site.Defaults().Title {
			return errNamed
		}
		st.Title, st.Tagline = title, tagline
		return nil
	})
	if errors.Is(err, errNamed) {
		return false, nil
	}
	return err == nil, err
}
