package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/media/library"
	"quire/internal/store"
)

// profileAccountRoutes adds the profile's password change and avatar
// upload (the upload has the media library's body limit: routes.go).
func (s *Server) profileAccountRoutes(r chi.Router) {
	r.Post("/admin/profile/password", s.h(s.passwordChange))
	r.Post(avatarPath, s.h(s.avatarUpload))
}

// avatarPath takes a multipart image, so it gets the upload body limit.
const avatarPath = "/admin/profile/avatar"

// avatarWidth is the smallest variant width used as an avatar; author
// pages show avatars at up to 96 CSS pixels, so this is sharp at 2x.
const avatarWidth = 192

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
	errs := map[string]string{}
	ok, err := s.ownPasswordOK(ctx, u, f.Get("current_password"))
	if err != nil {
		return err
	}
	if !ok {
		errs["current_password"] = "That is not your current password."
	} else if err := account.ValidatePassword(f.Get("new_password")); err != nil {
		errs["new_password"] = apperr.MessageOf(err)
	} else if f.Get("new_password") != f.Get("confirm_password") {
		errs["confirm_password"] = "The two new passwords differ."
	}
	if len(errs) > 0 {
		return s.renderProfile(w, r, http.StatusBadRequest, nil, errs, "The password was not changed.")
	}
	hash, err := account.HashPassword(f.Get("new_password"))
	if err != nil {
		return err
	}
	err = s.store.Transact(ctx, func(tx pgxTx) error {
		if err := store.SetPassword(ctx, tx, u.ID, hash); err != nil { // deletes every session of u
			return err
		}
		return store.Audit(ctx, tx, u.ID, "user.password", "user", u.ID, "", "profile")
	})
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
		var m *store.Media
		if m, err = s.media.Upload(ctx, u, f); err == nil {
			err = store.SetAvatar(ctx, s.store.Pool, u.ID, s.media.URL(avatarFile(m)))
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

// avatarFile is the smallest stored file of m at least avatarWidth wide,
// or the original.
func avatarFile(m *store.Media) string {
	for _, v := range m.Variants { // by increasing width
		if v.Width >= avatarWidth {
			return v.Name
		}
	}
	return m.Name
}
