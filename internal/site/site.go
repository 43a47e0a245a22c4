// Package site holds the blog's own settings — its name, time zone,
// language, date format, list length, footer and social links, default
// comment policy, logo and favicon — with their defaults and the rules a
// change must pass. The settings are one JSON value in the settings table
// under the key "site"; this package neither reads nor writes it.
package site

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"quire/internal/apperr"
	"quire/internal/post"
)

// Key is the settings-table key the blog's settings live under.
const Key = "site"

// Limits on what a setting may hold.
const (
	MinPerPage    = 1
	MaxPerPage    = 100
	MaxSocial     = 10
	MaxTrashDays  = 3650
	maxTitle      = 120
	maxTagline    = 200
	maxDesc       = 500
	maxFooter     = 500
	maxLabel      = 40
	maxURL        = 500
	defaultFormat = "2 January 2006"
)

// Settings is the blog's identity and presentation. Times are stored in
// UTC everywhere; TimeZone only changes how they are shown.
type Settings struct {
	Title        string `json:"title"`
	Tagline      string `json:"tagline"`
	Description  string `json:"description"`
	TimeZone     string `json:"time_zone"`
	Language     string `json:"language"`
	DateFormat   string `json:"date_format"`
	PostsPerPage int    `json:"posts_per_page"`
	FooterText   string `json:"footer_text"`
	Social       []Link `json:"social"`
	// CommentPolicy is what new posts start with.
	CommentPolicy post.CommentPolicy `json:"comment_policy"`
	// Logo and favicon are media-library images, stored by id; a node
	// resolves their URLs when it loads the settings into its cache.
	LogoMediaID    int64  `json:"logo_media_id"`
	FaviconMediaID int64  `json:"favicon_media_id"`
	LogoURL        string `json:"-"`
	FaviconURL     string `json:"-"`
	// GuestPostsOff hides the "Write for us" page and its footer link.
	GuestPostsOff bool `json:"guest_posts_off,omitempty"`
	// TrashDays is how long a post, page, comment or guest post stays in
	// the trash before the hourly housekeeping deletes it for good; 0 keeps
	// it until someone deletes it. A blog saved before the setting existed
	// gets the default.
	TrashDays int `json:"trash_days"`
}

// Link is one social link in the footer.
type Link struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

// Defaults are the settings of a blog nobody has configured.
func Defaults() Settings {
	return Settings{Title: "Quire", Tagline: "A blog", TimeZone: "UTC", Language: "en", DateFormat: defaultFormat,
		PostsPerPage: 10, CommentPolicy: post.CommentsOpen, TrashDays: 30}
}

// Fill replaces empty fields (a setting saved before the field existed)
// with their defaults.
func (s *Settings) Fill() {
	d := Defaults()
	if s.Title == "" {
		s.Title = d.Title
	}
	if s.TimeZone == "" {
		s.TimeZone = d.TimeZone
	}
	if s.Language == "" {
		s.Language = d.Language
	}
	if s.DateFormat == "" {
		s.DateFormat = d.DateFormat
	}
	if s.PostsPerPage == 0 {
		s.PostsPerPage = d.PostsPerPage
	}
	if s.CommentPolicy == "" {
		s.CommentPolicy = d.CommentPolicy
	}
}

// DateFormat is one date style a blog may choose, as a Go layout.
type DateFormat struct{ Layout, Example string }

// DateFormats are the styles offered; others are refused so a typo cannot
// print "Monday" for every date.
var DateFormats = []DateFormat{
	{"2 January 2006", "4 December 2026"},
	{"January 2, 2006", "December 4, 2026"},
	{"2 Jan 2006", "4 Dec 2026"},
	{"2006-01-02", "2026-12-04"},
	{"02/01/2006", "04/12/2026"},
	{"01/02/2006", "12/04/2026"},
	{"2.1.2006", "4.12.2026"},
}

// Location returns the blog's time zone (UTC if the name is unknown).
func (s Settings) Location() *time.Location {
	if loc, err := time.LoadLocation(s.TimeZone); err == nil && s.TimeZone != "" {
		return loc
	}
	return time.UTC
}

var langTag = regexp.MustCompile(`^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8}){0,3}$`)

// Validate checks every field and returns apperr.Invalid with a message
// per bad field.
func (s Settings) Validate() error {
	bad := map[string]string{}
	text := func(field, v string, max int, required bool) {
		switch {
		case required && strings.TrimSpace(v) == "":
			bad[field] = "Required."
		case utf8.RuneCountInString(v) > max:
			bad[field] = fmt.Sprintf("At most %d characters.", max)
		case strings.ContainsRune(v, 0):
			bad[field] = "Contains a NUL byte."
		}
	}
	text("title", s.Title, maxTitle, true)
	text("tagline", s.Tagline, maxTagline, false)
	text("description", s.Description, maxDesc, false)
	text("footer_text", s.FooterText, maxFooter, false)
	if _, err := time.LoadLocation(s.TimeZone); err != nil || s.TimeZone == "" || s.TimeZone == "Local" {
		bad["time_zone"] = "Not a known time zone: use a name like Europe/Paris or UTC."
	}
	if !langTag.MatchString(s.Language) {
		bad["language"] = "Use a language tag like en, fr or pt-BR."
	}
	if !knownFormat(s.DateFormat) {
		bad["date_format"] = "Choose one of the offered date formats."
	}
	if s.PostsPerPage < MinPerPage || s.PostsPerPage > MaxPerPage {
		bad["posts_per_page"] = fmt.Sprintf("Between %d and %d.", MinPerPage, MaxPerPage)
	}
	if s.TrashDays < 0 || s.TrashDays > MaxTrashDays {
		bad["trash_days"] = fmt.Sprintf("Between 0 (never) and %d.", MaxTrashDays)
	}
	if !s.CommentPolicy.Valid() {
		bad["comment_policy"] = "Open, members or closed."
	}
	if len(s.Social) > MaxSocial {
		bad["social"] = fmt.Sprintf("At most %d links.", MaxSocial)
	}
	for i, l := range s.Social {
		if l.Label == "" || utf8.RuneCountInString(l.Label) > maxLabel {
			bad["social"] = fmt.Sprintf("Link %d needs a label of at most %d characters.", i+1, maxLabel)
		}
		if u, err := url.Parse(l.URL); err != nil || len(l.URL) > maxURL || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			bad["social"] = fmt.Sprintf("Link %d needs an http or https address.", i+1)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return apperr.FieldErrors("Some settings are not valid: "+strings.Join(sortedMessages(bad), " "), bad)
}

func knownFormat(layout string) bool {
	for _, f := range DateFormats {
		if f.Layout == layout {
			return true
		}
	}
	return false
}

func sortedMessages(m map[string]string) []string {
	var out []string
	for _, k := range Keys {
		if v, ok := m[k]; ok {
			out = append(out, k+": "+v)
		}
	}
	return out
}

// Keys are the settings `quire settings set` and the API accept by name.
var Keys = []string{"title", "tagline", "description", "time_zone", "language", "date_format", "posts_per_page",
	"footer_text", "social", "comment_policy", "logo_media_id", "favicon_media_id", "trash_days"}

// Set changes one setting from its text form (the CLI's). Social links are
// "Label=https://…" pairs separated by commas. Media ids are not checked
// here: the caller resolves them to URLs.
func (s *Settings) Set(key, value string) error {
	switch key {
	case "title":
		s.Title = value
	case "tagline":
		s.Tagline = value
	case "description":
		s.Description = value
	case "time_zone":
		s.TimeZone = value
	case "language":
		s.Language = value
	case "date_format":
		s.DateFormat = value
	case "footer_text":
		s.FooterText = value
	case "comment_policy":
		s.CommentPolicy = post.CommentPolicy(value)
	case "posts_per_page", "logo_media_id", "favicon_media_id", "trash_days":
		n, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
		if err != nil {
			return apperr.New(apperr.Invalid, "%s must be a whole number.", key)
		}
		switch key {
		case "posts_per_page":
			if n > MaxPerPage*1000 || n < -1 {
				n = -1 // out of range either way; Validate says so
			}
			s.PostsPerPage = int(n)
		case "trash_days":
			if n > MaxTrashDays || n < -1 {
				n = -1 // out of range either way; Validate says so
			}
			s.TrashDays = int(n)
		case "logo_media_id":
			s.LogoMediaID = n
		default:
			s.FaviconMediaID = n
		}
	case "social":
		links, err := ParseSocial(value)
		if err != nil {
			return err
		}
		s.Social = links
	default:
		return apperr.New(apperr.Invalid, "No setting %q: want one of %s.", key, strings.Join(Keys, ", "))
	}
	return nil
}

// ParseSocial reads "Label=URL" pairs, one per line or separated by commas.
func ParseSocial(v string) ([]Link, error) {
	var out []Link
	for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == '\n' || r == ',' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		label, u, ok := strings.Cut(part, "=")
		if !ok {
			return nil, apperr.New(apperr.Invalid, "Write each social link as Label=https://address.")
		}
		out = append(out, Link{Label: strings.TrimSpace(label), URL: strings.TrimSpace(u)})
	}
	return out, nil
}

// SocialText is the inverse of ParseSocial, one link a line.
func (s Settings) SocialText() string {
	var b strings.Builder
	for _, l := range s.Social {
		b.WriteString(l.Label + "=" + l.URL + "\n")
	}
	return b.String()
}

// Get returns one setting in its text form.
func (s Settings) Get(key string) (string, error) {
	switch key {
	case "title":
		return s.Title, nil
	case "tagline":
		return s.Tagline, nil
	case "description":
		return s.Description, nil
	case "time_zone":
		return s.TimeZone, nil
	case "language":
		return s.Language, nil
	case "date_format":
		return s.DateFormat, nil
	case "posts_per_page":
		return strconv.Itoa(s.PostsPerPage), nil
	case "footer_text":
		return s.FooterText, nil
	case "social":
		return strings.TrimSpace(s.SocialText()), nil
	case "comment_policy":
		return string(s.CommentPolicy), nil
	case "logo_media_id":
		return strconv.FormatInt(s.LogoMediaID, 10), nil
	case "favicon_media_id":
		return strconv.FormatInt(s.FaviconMediaID, 10), nil
	case "trash_days":
		return strconv.Itoa(s.TrashDays), nil
	}
	return "", apperr.New(apperr.Invalid, "No setting %q: want one of %s.", key, strings.Join(Keys, ", "))
}
