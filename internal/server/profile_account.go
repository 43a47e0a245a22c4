package server

import (
	"net/http"

	"quire/internal/account"
	"quire/internal/accounts"
	"quire/internal/apperr"
	"quire/internal/media/library"
)

// avatarPath takes a multipart image, so it gets the upload body limit.
const avatarPath = "/admin/profile/avatar"

// passwordChange changes the signed-in user's password. The current
// password is required (a borrowed, unlocked browser must not be enough),
// wrong guesses are throttled like sign-ins, and every other session of
// the account is signed out: this browser gets a fresh session.
func (s *Server) passwordChange(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.EditOwnProfile, account.Site); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	ctx := r.Context()
	u := userFrom(ctx)
	f := r.PostForm
	err := s.accounts.ChangePassword(ctx, u, f.Get("current_password"), f.Get("new_password"), f.Get("confirm_password"))
	if e, ok := apperr.As(err); ok && e.Code == apperr.Invalid {
		return s.renderProfile(w, r, http.StatusBadRequest, nil, e.Fields, e.Message)
	}
	if err != nil {
		return err
	}
	sess, err := s.sessions.Get(r, sessionCookie)
	if err != nil {
		return err
	}
	sess.ID = "" // a new id: the old one is gone with the others
	sess.Values = map[any]any{"user_id": u.ID, "flash": "Password changed. Your other sessions were signed out."}
	if err := sess.Save(r, w); err != nil {
		return err
	}
	redirect(w, r, "/admin/profile")
	return nil
}

// avatarUpload puts an image through the media library (sniffed,
// re-encoded, resized, recorded) and makes a small variant the avatar.
func (s *Server) avatarUpload(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.EditOwnProfile, account.Site); err != nil {
		return err
	}
	ctx := r.Context()
	u := userFrom(ctx)
	f, err := library.ReadForm(r, s.media.Limits().MaxBytes)
	if err == nil {
		f.Alt = "Portrait of " + u.Name()
		if m, uerr := s.media.Upload(ctx, u, f); uerr != nil {
			err = uerr
		} else {
			err = s.accounts.SetAvatar(ctx, u.ID, s.media.URL(accounts.AvatarFile(m)))
		}
	}
	if e, ok := apperr.As(err); ok && e.Code != apperr.Internal {
		return s.renderProfile(w, r, apperr.HTTPStatus(e.Code), nil, map[string]string{"avatar": e.Message}, "The avatar was not changed.")
	}
	if err != nil {
		return err
	}
	s.setFlash(w, r, "Your new avatar is on your author page.")
	redirect(w, r, "/admin/profile")
	return nil
}
