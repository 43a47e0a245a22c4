// Package post holds Quire's posts: their types, the rules for slugs,
// statuses and who may move a post between them, the keyset Cursor used by
// every list, and how a post's stored HTML is derived from its source. It
// knows nothing of HTTP or SQL.
package post

import (
	"strings"
	"time"
	"unicode/utf8"

	"quire/internal/apperr"
	"quire/internal/render"
)

// Kind separates blog posts from site pages (About, Contact).
type Kind string

// The kinds.
const (
	KindPost Kind = "post"
	KindPage Kind = "page"
)

// Format is the syntax the body and excerpt are written in.
type Format string

// The formats.
const (
	Markdown Format = "markdown"
	HTML     Format = "html"
)

// Valid reports whether f is a known format.
func (f Format) Valid() bool { return f == Markdown || f == HTML }

// CommentPolicy says who may comment on a post.
type CommentPolicy string

// The policies.
const (
	CommentsOpen    CommentPolicy = "open"
	CommentsMembers CommentPolicy = "members" // members only
	CommentsClosed  CommentPolicy = "closed"
)

// Valid reports whether c is a known policy.
func (c CommentPolicy) Valid() bool {
	return c == CommentsOpen || c == CommentsMembers || c == CommentsClosed
}

// Limits on what a post may hold.
const (
	MaxTitle   = 300     // characters
	MaxSlug    = 80      // bytes (slugs are ASCII)
	MaxBody    = 1 << 20 // bytes of source
	MaxExcerpt = 2000    // characters of source
	MaxTerms   = 30      // tags plus categories
)

// Byline is what pages show of a post's author.
type Byline struct {
	Username    string
	DisplayName string
	AvatarURL   string
	// GuestID and GuestName are set on a guest post (internal/guestpost):
	// the byline is then the guest's, not the accepting editor's.
	GuestID   int64
	GuestName string
}

// Name is the guest's name on a guest post, else the display name, else
// the username.
func (b Byline) Name() string {
	if b.GuestID != 0 && b.GuestName != "" {
		return b.GuestName
	}
	if b.DisplayName != "" {
		return b.DisplayName
	}
	return b.Username
}

// Post is a blog post (or a page). The *HTML and BodyText fields are derived
// from the sources by Render and are the only ones pages show.
type Post struct {
	ID            int64
	AuthorID      int64
	EditorID      int64 // who saved the current version
	Kind          Kind
	Title         string
	Slug          string
	Format        Format
	BodySource    string
	BodyHTML      string // sanitised
	BodyText      string // plain text of BodyHTML, for search
	ExcerptSource string
	ExcerptHTML   string // sanitised; derived from the body when ExcerptSource is empty
	Status        Status
	PublishedAt   time.Time // zero until first scheduled or published
	CommentPolicy CommentPolicy
	CreatedAt     time.Time
	UpdatedAt     time.Time
	TrashedAt     time.Time // when it went to the trash; zero when it is not there
	FeaturedID    int64     // the featured image's media id; 0: none (no query for it)
	Pinned        bool      // shown first on the front page (editors pin: publishing.Extras)
	Tags          []Term
	Categories    []Term
	Author        Byline
}

// Public reports whether readers may see p (a post or a page) at now:
// published, or scheduled for a time that has come. Lists and feeds
// select posts only, in SQL.
func (p *Post) Public(now time.Time) bool {
	return (p.Status == Published || p.Status == Scheduled) &&
		!p.PublishedAt.IsZero() && !p.PublishedAt.After(now)
}

// Updated is the time feeds show as the entry's last change.
func (p *Post) Updated() time.Time {
	if p.UpdatedAt.Before(p.PublishedAt) {
		return p.PublishedAt
	}
	return p.UpdatedAt
}

// CommentsOpenAt reports the post's policy in effect at now, given the site's
// auto-close setting (closeAfterDays; 0 never closes).
func (p *Post) CommentsOpenAt(now time.Time, closeAfterDays int) CommentPolicy {
	if closeAfterDays > 0 && !p.PublishedAt.IsZero() &&
		now.Sub(p.PublishedAt) > time.Duration(closeAfterDays)*24*time.Hour {
		return CommentsClosed
	}
	return p.CommentPolicy
}

// Normalize cleans and trims the fields and fills defaults (kind, format,
// policy, status) before Validate. Cleaning (render.Clean) repairs invalid
// UTF-8 and drops NUL and the other characters PostgreSQL or XML refuse,
// which arrive from pastes and imports.
func (p *Post) Normalize() {
	p.Title = strings.Join(strings.Fields(render.Clean(p.Title)), " ")
	p.Slug = strings.TrimSpace(p.Slug)
	p.BodySource = render.Clean(p.BodySource)
	p.ExcerptSource = render.Clean(p.ExcerptSource)
	if p.Kind == "" {
		p.Kind = KindPost
	}
	if p.Format == "" {
		p.Format = Markdown
	}
	if p.CommentPolicy == "" {
		p.CommentPolicy = CommentsOpen
		if p.Kind == KindPage {
			p.CommentPolicy = CommentsClosed // pages take comments only when an editor opens them
		}
	}
	if p.Status == "" {
		p.Status = Draft
	}
	p.Tags = dedupTerms(p.Tags)
	p.Categories = dedupTerms(p.Categories)
}

// Validate checks the fields a writer controls. It returns apperr.Invalid
// with one message per bad field (keys: title, slug, format, body, excerpt,
// status, published_at, comment_policy, tags, categories).
func (p *Post) Validate() error {
	f := map[string]string{}
	switch n := utf8.RuneCountInString(p.Title); {
	case n == 0:
		f["title"] = "Give the post a title."
	case n > MaxTitle:
		f["title"] = "Use a title of at most 300 characters."
	}
	if p.Slug != "" && !ValidSlug(p.Slug) {
		f["slug"] = "Use lowercase letters, digits and single dashes (at most 80)."
	}
	if !p.Format.Valid() {
		f["format"] = "Choose Markdown or HTML."
	}
	if len(p.BodySource) > MaxBody {
		f["body"] = "The body is too long (at most 1 MB)."
	}
	if utf8.RuneCountInString(p.ExcerptSource) > MaxExcerpt {
		f["excerpt"] = "Use an excerpt of at most 2000 characters."
	}
	if !p.Status.Valid() {
		f["status"] = "Choose draft, pending, scheduled, published or trashed."
	}
	if (p.Status == Published || p.Status == Scheduled) && p.PublishedAt.IsZero() {
		f["published_at"] = "A published or scheduled post needs a date."
	}
	if !p.CommentPolicy.Valid() {
		f["comment_policy"] = "Choose open, members or closed."
	}
	if p.Kind != KindPost && p.Kind != KindPage {
		f["kind"] = "Unknown kind."
	}
	if len(p.Tags)+len(p.Categories) > MaxTerms {
		f["tags"] = "Use at most 30 tags and categories together."
	}
	for _, ts := range [][]Term{p.Tags, p.Categories} {
		for _, t := range ts {
			if err := t.Validate(); err != nil {
				key := "tags"
				if t.Kind == Category {
					key = "categories"
				}
				f[key] = apperr.MessageOf(err)
			}
		}
	}
	if len(f) > 0 {
		return apperr.FieldErrors("Please correct the marked fields.", f)
	}
	return nil
}
