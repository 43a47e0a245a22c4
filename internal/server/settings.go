package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/site"
	"quire/internal/siteadmin"
)

// settingsPage is the data of the site settings form.
type settingsPage struct {
	Page
	S        Site
	Social   string // one Label=URL a line, as typed
	Formats  []site.DateFormat
	Policies []post.CommentPolicy
	Images   []*siteadmin.Media // the newest library images, for logo and favicon
	Zones    []string
	Now      time.Time
	Errors   map[string]string
	Error    string
}

// settingsImages is how many library images the logo and favicon pickers
// offer; older images are chosen by id.
const settingsImages = 60

func (s *Server) settingsForm(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.ManageSettings, account.Site); err != nil {
		return err
	}
	st, err := s.admin.Settings(r.Context())
	if err != nil {
		return err
	}
	return s.renderSettings(w, r, http.StatusOK, st, st.SocialText(), nil)
}

func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, status int, st Site, social string, err error) error {
	imgs, lerr := s.admin.RecentImages(r.Context(), settingsImages)
	if lerr != nil {
		return lerr
	}
	p := settingsPage{Page: s.page(r, "Site settings"), S: st, Social: social, Formats: site.DateFormats,
		Policies: []post.CommentPolicy{post.CommentsOpen, post.CommentsMembers, post.CommentsClosed},
		Images:   imgs, Zones: timeZones(st.TimeZone), Now: s.now()}
	p.NoIndex = true
	if e, ok := apperr.As(err); ok {
		p.Errors, p.Error = e.Fields, e.Message
	}
	return s.render(w, r, status, "settings", p)
}

// settingsSave validates the whole form and stores it, or changes nothing
// and shows the form again with every problem marked.
func (s *Server) settingsSave(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.ManageSettings, account.Site); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	f := r.PostForm
	var typed Site
	_, err := s.admin.UpdateSettings(r.Context(), userFrom(r.Context()).ID, func(st *site.Settings) error {
		st.Title, st.Tagline = strings.TrimSpace(f.Get("title")), strings.TrimSpace(f.Get("tagline"))
		st.Description, st.FooterText = strings.TrimSpace(f.Get("description")), strings.TrimSpace(f.Get("footer_text"))
		st.TimeZone, st.Language = strings.TrimSpace(f.Get("time_zone")), strings.TrimSpace(f.Get("language"))
		st.DateFormat, st.CommentPolicy = f.Get("date_format"), post.CommentPolicy(f.Get("comment_policy"))
		st.PostsPerPage = formInt(f.Get("posts_per_page"))
		if v, ok := f["trash_days"]; ok { // a form without it leaves the trash as it was
			st.TrashDays = formInt(v[0])
		}
		st.LogoMediaID, st.FaviconMediaID = int64(formInt(f.Get("logo_media_id"))), int64(formInt(f.Get("favicon_media_id")))
		typed = *st
		links, err := site.ParseSocial(f.Get("social"))
		if err != nil {
			return apperr.FieldErrors("Some settings are not valid.", map[string]string{"social": apperr.MessageOf(err)})
		}
		st.Social = links
		return nil
	})
	if e, ok := apperr.As(err); ok && e.Code == apperr.Invalid {
		return s.renderSettings(w, r, http.StatusBadRequest, typed, f.Get("social"), err)
	}
	if err != nil {
		return err
	}
	s.forgetSite() // this node at once; others within siteTTL
	s.setFlash(w, r, "Settings saved.")
	redirect(w, r, "/admin/settings")
	return nil
}

// formInt reads a whole number from a form field; anything else is -1,
// which every range check refuses.
func formInt(v string) int {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n > 1<<30 || n < -1 {
		return -1
	}
	return n
}

// timeZones lists common zone names for the picker's suggestions, with
// the current one first; any IANA name may be typed.
func timeZones(current string) []string {
	out := []string{current}
	for _, z := range commonZones {
		if z != current {
			out = append(out, z)
		}
	}
	return out
}

var commonZones = []string{"UTC", "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Berlin",
	"Europe/Madrid", "Europe/Rome", "Europe/Amsterdam", "Europe/Stockholm", "Europe/Warsaw", "Europe/Athens",
	"Europe/Helsinki", "Europe/Istanbul", "Europe/Moscow", "Africa/Cairo", "Africa/Johannesburg", "Africa/Lagos",
	"Africa/Nairobi", "Asia/Dubai", "Asia/Kolkata", "Asia/Bangkok", "Asia/Singapore", "Asia/Shanghai", "Asia/Tokyo",
	"Asia/Seoul", "Australia/Perth", "Australia/Sydney", "Pacific/Auckland", "America/St_Johns", "America/Halifax",
	"America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
	"America/Anchorage", "Pacific/Honolulu", "America/Mexico_City", "America/Bogota", "America/Lima",
	"America/Sao_Paulo", "America/Argentina/Buenos_Aires"}
