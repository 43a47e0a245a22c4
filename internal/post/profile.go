package post

import (
	"quire/internal/text"

	"net/url"
	"strings"
	"unicode/utf8"

	"quire/internal/apperr"
	"quire/internal/render"
)

// Profile is what an author edits on their profile page; the author page
// shows it. BioSource is Markdown, rendered with the bio policy.
type Profile struct {
	DisplayName string
	BioSource   string
	Location    string
	Website     string
	AvatarURL   string
}

// Normalize cleans (render.Clean) and trims every field.
func (p *Profile) Normalize() {
	for _, f := range []*string{&p.DisplayName, &p.BioSource, &p.Location, &p.Website, &p.AvatarURL} {
		*f = strings.TrimSpace(render.Clean(*f))
	}
	p.DisplayName, p.Location = text.CleanName(p.DisplayName), text.CleanName(p.Location) // no bidi overrides in names
}

// Validate checks lengths and that the links are http(s) URLs. Returns
// apperr.Invalid with per-field messages (display_name, bio, location,
// website, avatar_url).
func (p *Profile) Validate() error {
	f := map[string]string{}
	if utf8.RuneCountInString(p.DisplayName) > 100 {
		f["display_name"] = "Use at most 100 characters."
	}
	if utf8.RuneCountInString(p.BioSource) > 5000 {
		f["bio"] = "Use at most 5000 characters."
	}
	if utf8.RuneCountInString(p.Location) > 100 {
		f["location"] = "Use at most 100 characters."
	}
	if p.Website != "" && !webURL(p.Website) {
		f["website"] = "Enter a web address starting with https:// or http://."
	}
	if p.AvatarURL != "" && !webURL(p.AvatarURL) {
		f["avatar_url"] = "Enter an image address starting with https:// or http://."
	}
	if len(f) > 0 {
		return apperr.FieldErrors("Please correct the marked fields.", f)
	}
	return nil
}

// webURL reports whether s is an absolute http(s) URL with a host, so a
// profile link can never be javascript: or data:.
func webURL(s string) bool {
	if len(s) > 2000 {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
