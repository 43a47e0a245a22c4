package accounts

import (
	"context"

	"quire/internal/account"
	"quire/internal/post"
	"quire/internal/render"
	"quire/internal/store"
)

// AvatarWidth is the smallest variant width used as an avatar; author
// pages show avatars at up to 96 CSS pixels, so this is sharp at 2x.
const AvatarWidth = 192

// SaveProfile normalises, validates and stores u's author profile with
// its bio rendered. Errors: apperr.Invalid with per-field messages; pr is
// normalised in place so the form shows what was checked.
func (s *Service) SaveProfile(ctx context.Context, u *account.User, pr *post.Profile) error {
	pr.Normalize()
	if err := pr.Validate(); err != nil {
		return err
	}
	bio, err := s.Render.Render(render.Bio, render.Markdown, pr.BioSource)
	if err != nil {
		return err
	}
	return store.UpdateProfile(ctx, s.Store.Pool, u.ID, u.ID, *pr, bio)
}

// SetAvatar makes url (an image of the media library) the avatar of user
// userID.
func (s *Service) SetAvatar(ctx context.Context, userID int64, url string) error {
	return store.SetAvatar(ctx, s.Store.Pool, userID, url)
}

// AvatarFile is the smallest stored file of m at least AvatarWidth wide,
// or the original.
func AvatarFile(m *store.Media) string {
	for _, v := range m.Variants { // by increasing width
		if v.Width >= AvatarWidth {
			return v.Name
		}
	}
	return m.Name
}
