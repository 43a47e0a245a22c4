package publishing

import (
	"context"
	"unicode/utf8"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/store"
)

// Autosave limits: what one unsaved copy may hold (the migration's checks).
const (
	AutosaveMaxTitle = 300
	AutosaveMaxBody  = 500000
)

// PutAutosave keeps u's unsaved copy a (a.PostID 0: a post not yet
// created), replacing the last one. Errors: apperr.ErrNotFound and
// apperr.Forbidden (a post u may not edit), apperr.TooLarge.
func (s *Service) PutAutosave(ctx context.Context, u *account.User, a Autosave) error {
	if a.PostID < 0 {
		return apperr.ErrNotFound
	}
	if a.PostID != 0 {
		if _, err := s.Editable(ctx, u, a.PostID); err != nil {
			return err
		}
	}
	if utf8.RuneCountInString(a.Title) > AutosaveMaxTitle || utf8.RuneCountInString(a.Body) > AutosaveMaxBody {
		return apperr.New(apperr.TooLarge, "This draft is too long to autosave; save it with the buttons.")
	}
	return store.PutAutosave(ctx, s.Store.Pool, u.ID, a)
}

// AutosaveOf returns userID's unsaved copy of postID. Errors:
// apperr.ErrNotFound.
func (s *Service) AutosaveOf(ctx context.Context, userID, postID int64) (*Autosave, error) {
	return store.AutosaveOf(ctx, s.Store.Pool, userID, postID)
}

// DropAutosave forgets userID's unsaved copy of postID, if any.
func (s *Service) DropAutosave(ctx context.Context, userID, postID int64) error {
	return store.DropAutosave(ctx, s.Store.Pool, userID, postID)
}
