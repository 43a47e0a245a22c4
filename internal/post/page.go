package post

import (
	"strconv"

	"quire/internal/apperr"
)

// Pages are posts of kind page: served at the root (/about), with no date
// in the address, never in the post stream, feeds or archives, and
// optionally in the site navigation.

// Template is how a page is shown: plainly, or followed by a form.
type Template string

// The page templates.
const (
	TemplatePlain   Template = ""
	TemplateContact Template = "contact" // the body, then a contact form to the admins
)

// Valid reports whether t is a known template.
func (t Template) Valid() bool { return t == TemplatePlain || t == TemplateContact }

// PageSettings is what only a page has.
type PageSettings struct {
	InNav    bool     // listed in the site navigation
	NavOrder int      // position in the navigation, lowest first (0..9999)
	Template Template // TemplatePlain or TemplateContact
}

// MaxNavOrder bounds PageSettings.NavOrder (the database checks it too).
const MaxNavOrder = 9999

// Validate returns apperr.Invalid with fields nav_order and template.
func (s PageSettings) Validate() error {
	f := map[string]string{}
	if s.NavOrder < 0 || s.NavOrder > MaxNavOrder {
		f["nav_order"] = "Use a number from 0 to 9999."
	}
	if !s.Template.Valid() {
		f["template"] = "Choose a plain page or a contact form."
	}
	if len(f) > 0 {
		return apperr.FieldErrors("Please correct the marked fields.", f)
	}
	return nil
}

// ReservedSlug reports whether slug names a route of the site and so
// cannot be a page's: the first path segments the site's routes use (the
// page would never be reached, or would hide the route if the routing
// changed). TestReservedCoversRoutes walks the router to keep the list
// complete.
func ReservedSlug(slug string) bool {
	switch slug {
	case "admin", "api", "posts", "page", "pages", "feed", "feeds", "tags", "categories", "authors", "archive",
		"search", "signin", "signout", "signup", "static", "media", "write", "guest", "guests", "guest-posts",
		"xmlrpc", "webmention", "webmentions", "healthz", "readyz", "metrics", "sitemap", "robots", "comments",
		"contact-sent", "members", "password", "invite", "invites", "profile", "import", "export", "login",
		"logout", "register", "wp-admin", "wp-login", "wp-content", "wp-json", "favicon", "well-known", "setup",
		"newsletter":
		return true
	}
	return false
}

// ReservedError is the field error for a page slug that a route uses.
func ReservedError(slug string) error {
	return &apperr.Error{Code: apperr.Invalid, Message: "Please correct the marked fields.",
		Fields: map[string]string{"slug": "“" + slug + "” is used by the site itself (/" + slug + "); choose another slug."}}
}

// NavString is the form's spelling of the navigation position: "" when
// the page is not in the navigation.
func (s PageSettings) NavString() string {
	if !s.InNav {
		return ""
	}
	return strconv.Itoa(s.NavOrder)
}
