package server

import (
	"net/http"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/post"
)

// profilePage is the data of the profile editor.
type profilePage struct {
	Page
	Form      post.Profile
	AuthorURL string
	Errors    map[string]string
	Error     string
	CanUpload bool // avatars are uploaded through the media library (profile_account.go)
}

func (s *Server) profileForm(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.EditOwnProfile, account.Site); err != nil {
		return err
	}
	return s.renderProfile(w, r, http.StatusOK, nil, nil, "")
}

// renderProfile shows the profile page; form nil shows the stored profile.
func (s *Server) renderProfile(w http.ResponseWriter, r *http.Request, status int, form *post.Profile, errs map[string]string, msg string) error {
	u := userFrom(r.Context())
	pp := profilePage{Page: s.page(r, "Your profile"), Errors: errs, Error: msg, CanUpload: account.Can(u, account.UploadMedia, account.Site)}
	if account.Can(u, account.CreatePost, account.Site) { // members and moderators have no author page
		pp.AuthorURL = post.AuthorPath(u.Username)
	}
	if form != nil {
		pp.Form = *form
	} else {
		pp.Form = post.Profile{DisplayName: u.DisplayName, BioSource: u.BioSource, Location: u.Location, Website: u.Website, AvatarURL: u.AvatarURL}
	}
	pp.NoIndex = true
	return s.render(w, r, status, "profile", pp)
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
	err := s.accounts.SaveProfile(r.Context(), u, &pr)
	if e, ok := apperr.As(err); ok && e.Code == apperr.Invalid {
		return s.renderProfile(w, r, http.StatusBadRequest, &pr, e.Fields, e.Message)
	}
	if err != nil {
		return err
	}
	s.setFlash(w, r, "Profile saved.")
	redirect(w, r, "/admin/profile")
	return nil
}
