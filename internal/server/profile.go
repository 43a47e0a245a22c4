package server

import (
	"net/http"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/render"
	"quire/internal/store"
)

// profilePage is the data of the profile editor.
type profilePage struct {
	Page
	Form      post.Profile
	AuthorURL string
	Errors    map[string]string
	Error     string
}

func (s *Server) profileForm(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.EditOwnProfile, account.Site); err != nil {
		return err
	}
	u := userFrom(r.Context())
	pp := profilePage{Page: s.page(r, "Your profile"),
		Form: post.Profile{DisplayName: u.DisplayName, BioSource: u.BioSource, Location: u.Location, Website: u.Website, AvatarURL: u.AvatarURL}}
	pp.NoIndex, pp.AuthorURL = true, post.AuthorPath(u.Username)
	return s.render(w, r, http.StatusOK, "profile", pp)
}

func (s *Server) profileSave(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.EditOwnProfile, account.Site); err != nil {
		return err
	}
	u := userFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(err, apperr.Invalid, "The form could not be read.")
	}
	v := r.PostForm.Get
	pr := post.Profile{DisplayName: v("display_name"), BioSource: v("bio"), Location: v("location"), Website: v("website"), AvatarURL: v("avatar_url")}
	pr.Normalize()
	if err := pr.Validate(); err != nil {
		e, _ := apperr.As(err)
		pp := profilePage{Page: s.page(r, "Your profile"), Form: pr, Errors: e.Fields, Error: e.Message, AuthorURL: post.AuthorPath(u.Username)}
		pp.NoIndex = true
		return s.render(w, r, http.StatusBadRequest, "profile", pp)
	}
	bio, err := renderer().Render(render.Bio, render.Markdown, pr.BioSource)
	if err != nil {
		return err
	}
	if err := store.UpdateProfile(r.Context(), s.store.Pool, u.ID, u.ID, pr, bio); err != nil {
		return err
	}
	s.setFlash(w, r, "Profile saved.")
	redirect(w, r, "/admin/profile")
	return nil
}
