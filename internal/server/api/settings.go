package api

import (
	"net/http"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/site"
)

// settingsPatch names the fields a PATCH may change; absent ones stay.
type settingsPatch struct {
	Title          *string      `json:"title"`
	Tagline        *string      `json:"tagline"`
	Description    *string      `json:"description"`
	TimeZone       *string      `json:"time_zone"`
	Language       *string      `json:"language"`
	DateFormat     *string      `json:"date_format"`
	PostsPerPage   *int         `json:"posts_per_page"`
	FooterText     *string      `json:"footer_text"`
	Social         *[]site.Link `json:"social"`
	CommentPolicy  *string      `json:"comment_policy"`
	LogoMediaID    *int64       `json:"logo_media_id"`
	FaviconMediaID *int64       `json:"favicon_media_id"`
	TrashDays      *int         `json:"trash_days"`
}

func (p settingsPatch) apply(s *site.Settings) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&s.Title, p.Title)
	set(&s.Tagline, p.Tagline)
	set(&s.Description, p.Description)
	set(&s.TimeZone, p.TimeZone)
	set(&s.Language, p.Language)
	set(&s.DateFormat, p.DateFormat)
	set(&s.FooterText, p.FooterText)
	if p.PostsPerPage != nil {
		s.PostsPerPage = *p.PostsPerPage
	}
	if p.Social != nil {
		s.Social = *p.Social
	}
	if p.CommentPolicy != nil {
		s.CommentPolicy = post.CommentPolicy(*p.CommentPolicy)
	}
	if p.LogoMediaID != nil {
		s.LogoMediaID = *p.LogoMediaID
	}
	if p.FaviconMediaID != nil {
		s.FaviconMediaID = *p.FaviconMediaID
	}
	if p.TrashDays != nil {
		s.TrashDays = *p.TrashDays
	}
}

func mayManageSettings(r *http.Request) error {
	if !account.Can(User(r.Context()), account.ManageSettings, account.Site) {
		return apperr.New(apperr.Forbidden, "Only an admin may read or change the site settings.")
	}
	return nil
}

func (a *API) getSettings(w http.ResponseWriter, r *http.Request) error {
	if err := mayManageSettings(r); err != nil {
		return err
	}
	st, err := a.admin.Settings(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// patchSettings changes the named settings; a bad value changes nothing
// and answers 400 with a message per field.
func (a *API) patchSettings(w http.ResponseWriter, r *http.Request) error {
	if err := mayManageSettings(r); err != nil {
		return err
	}
	var in settingsPatch
	if err := decode(r, &in); err != nil {
		return err
	}
	st, err := a.admin.UpdateSettings(r.Context(), User(r.Context()).ID, func(s *site.Settings) error {
		in.apply(s)
		return nil
	})
	if err != nil {
		return err
	}
	if a.settingsChanged != nil {
		a.settingsChanged()
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}
