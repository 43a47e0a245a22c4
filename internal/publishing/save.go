package publishing

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/store"
)

// Extras are what a save carries besides the post itself.
type Extras struct {
	// Page is a page's settings; nil saves the post alone (a post, or a
	// page from the API, which keeps its stored settings).
	Page *post.PageSettings
	// Featured is the featured image's media id (0: none); nil keeps it.
	Featured *int64
	// Pinned pins a post to the top of the front page, or unpins it; nil
	// keeps it. Only editors and admins may change it (post.MayPin).
	Pinned *bool
}

// Create stores the new post or page p, prepared by the caller, as u's:
// u must be allowed to give it p.Status, and a featured image must be in
// the library. The post, its page settings and its featured image are
// written in one transaction with the audit row and the linkback jobs.
// Fills p.ID and the stored fields. Errors: apperr.Forbidden or
// apperr.Unauthorized (status), apperr.Invalid (fields featured_media_id,
// nav_order, template), apperr.Conflict (slug).
func (s *Service) Create(ctx context.Context, u *account.User, p *post.Post, x Extras) error {
	if err := post.Transition(u, &post.Post{AuthorID: u.ID, Kind: p.Kind}, p.Status); err != nil {
		return err
	}
	if err := s.checkExtras(ctx, x); err != nil {
		return err
	}
	if err := checkPin(u, p, x, false); err != nil {
		return err
	}
	defer s.pageChanged(p)
	return s.Store.Transact(ctx, func(tx pgx.Tx) error {
		var err error
		if x.Page != nil {
			err = store.CreatePage(ctx, tx, s.Jobs, u.ID, p, *x.Page)
		} else {
			err = store.CreatePost(ctx, tx, s.Jobs, u.ID, p)
		}
		if err != nil {
			return err
		}
		if err := s.submitted(ctx, tx, "", p); err != nil {
			return err
		}
		if err := setPinned(ctx, tx, p, x.Pinned); err != nil {
			return err
		}
		return setFeatured(ctx, tx, p.ID, x.Featured)
	})
}

// submitted tells the reviewers, in tx, of a post that went from status
// before to pending.
func (s *Service) submitted(ctx context.Context, tx pgx.Tx, before post.Status, p *post.Post) error {
	if s.Submitted == nil || p.Status != post.Pending || before == post.Pending {
		return nil
	}
	return s.Submitted(ctx, tx, p)
}

// Update saves p over the stored post with p.ID as u. The stored version
// is checked, locked, against u's right to give it p.Status, so the
// decision and the write see the same row; a published version whose
// content changes is kept as a revision and a changed slug redirects.
// Errors: apperr.ErrNotFound, those of Create.
func (s *Service) Update(ctx context.Context, u *account.User, p *post.Post, x Extras) error {
	if err := s.checkExtras(ctx, x); err != nil {
		return err
	}
	var before post.Status
	check := func(stored *post.Post) error {
		before = stored.Status
		if err := checkPin(u, stored, x, stored.Pinned); err != nil {
			return err
		}
		return post.Transition(u, stored, p.Status)
	}
	defer s.pageChanged(p)
	return s.Store.Transact(ctx, func(tx pgx.Tx) error {
		var err error
		if x.Page != nil {
			err = store.UpdatePage(ctx, tx, s.Jobs, u.ID, p, *x.Page, check)
		} else {
			err = store.UpdatePost(ctx, tx, s.Jobs, u.ID, p, check)
		}
		if err != nil {
			return err
		}
		if err := s.submitted(ctx, tx, before, p); err != nil {
			return err
		}
		if err := setPinned(ctx, tx, p, x.Pinned); err != nil {
			return err
		}
		return setFeatured(ctx, tx, p.ID, x.Featured)
	})
}

// Trash moves the post or page with id to the trash as u, if u may, and
// returns it as stored afterwards. A trashed page leaves the navigation.
// The editor and the API both trash through here. Errors:
// apperr.ErrNotFound, apperr.Forbidden.
func (s *Service) Trash(ctx context.Context, u *account.User, id int64) (*post.Post, error) {
	return s.moveTo(ctx, u, id, post.Trashed, "")
}

// Restore takes post id out of the trash as a draft, for whoever may
// edit it. Errors: apperr.Invalid for a post not in the trash,
// apperr.Forbidden, apperr.ErrNotFound.
func (s *Service) Restore(ctx context.Context, u *account.User, id int64) (*post.Post, error) {
	return s.moveTo(ctx, u, id, post.Draft, "Only a post in the trash can be restored.")
}

// moveTo gives post id status to as u, if u may, and returns it as stored
// afterwards; a page's move reaches the navigation. With notTrashed set,
// only a post in the trash moves, and one elsewhere is refused with it.
func (s *Service) moveTo(ctx context.Context, u *account.User, id int64, to post.Status, notTrashed string) (*post.Post, error) {
	err := store.SetPostStatus(ctx, s.Store.Pool, s.Jobs, u.ID, id, to, func(stored *post.Post) error {
		if notTrashed != "" && stored.Status != post.Trashed {
			return apperr.New(apperr.Invalid, "%s", notTrashed)
		}
		return post.Transition(u, stored, to)
	})
	if err != nil {
		return nil, err
	}
	p, err := store.PostByID(ctx, s.Store.Pool, id)
	if err != nil {
		return nil, err
	}
	s.pageChanged(p)
	return p, nil
}

// Delete deletes a post in the trash for good, for whoever may trash it:
// its comments, revisions and terms go with it. Errors: apperr.Invalid
// for a post not in the trash, apperr.Forbidden, apperr.ErrNotFound.
func (s *Service) Delete(ctx context.Context, u *account.User, id int64) (*post.Post, error) {
	p, err := store.DeletePost(ctx, s.Store.Pool, u.ID, id, func(stored *post.Post) error {
		if stored.Status != post.Trashed {
			return apperr.New(apperr.Invalid, "Only a post in the trash can be deleted forever.")
		}
		return post.Transition(u, stored, post.Trashed)
	})
	if err != nil {
		return nil, err
	}
	s.pageChanged(p)
	return p, nil
}

// checkExtras validates a save's page settings and featured image before
// any write.
func (s *Service) checkExtras(ctx context.Context, x Extras) error {
	if x.Page != nil {
		if err := x.Page.Validate(); err != nil {
			return err
		}
	}
	if x.Featured == nil || *x.Featured == 0 {
		return nil
	}
	_, err := s.Image(ctx, *x.Featured)
	return err
}

// Image returns the library image with id. Errors: apperr.Invalid on
// field featured_media_id when there is none.
func (s *Service) Image(ctx context.Context, id int64) (*Media, error) {
	if id <= 0 {
		return nil, NoImage()
	}
	m, err := store.MediaByID(ctx, s.Store.Pool, id)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil, NoImage()
	}
	return m, err
}

// NoImage is the field error for a featured image that is not in the
// library (or not an id at all).
func NoImage() error {
	return apperr.FieldErrors("Please correct the marked fields.", map[string]string{"featured_media_id": "No such image in the media library."})
}

// Featured returns the post's featured image. Errors: apperr.ErrNotFound
// when it has none.
func (s *Service) Featured(ctx context.Context, postID int64) (*Media, error) {
	return store.Featured(ctx, s.Store.Pool, postID)
}

// checkPin refuses x's Pinned for a page, and a change to it (from was,
// as stored) by someone who may not pin: apperr.Invalid, apperr.Forbidden.
func checkPin(u *account.User, p *post.Post, x Extras, was bool) error {
	switch {
	case x.Pinned == nil || *x.Pinned == was:
		return nil
	case p.Kind == post.KindPage:
		return apperr.New(apperr.Invalid, "Pages are not listed on the front page: only posts can be pinned.")
	case !post.MayPin(u):
		return apperr.New(apperr.Forbidden, "Only editors and admins pin posts to the front page.")
	}
	return nil
}

// setPinned stores pinned for p when it is given, in tx.
func setPinned(ctx context.Context, tx pgx.Tx, p *post.Post, pinned *bool) error {
	if pinned == nil || *pinned == p.Pinned {
		return nil
	}
	p.Pinned = *pinned
	return store.SetPinned(ctx, tx, p.ID, *pinned)
}

func setFeatured(ctx context.Context, tx pgx.Tx, postID int64, featured *int64) error {
	if featured == nil {
		return nil
	}
	return store.SetFeatured(ctx, tx, postID, *featured)
}
