// Package comment holds Quire's comment domain: the Comment type shared by
// reader comments, pingbacks and webmentions, the materialised path that
// keeps a thread in display order, the WordPress-style depth rule, the
// one-pass thread builder, and validation of what a reader submits.
//
// The package is pure: it knows nothing of HTTP or SQL. The store loads a
// post's thread with one query ordered by Path and hands the rows to
// BuildThread; the server validates a Draft before anything is stored.
package comment

import (
	"fmt"
	"strings"
	"time"
)

// Kind says where a thread entry came from. Pingbacks and webmentions are rows
// of the same table as comments so that they sit in the thread and the
// moderation queue like comments (DESIGN.md, "Data").
type Kind string

// The kinds of thread entry.
const (
	KindComment    Kind = "comment"
	KindPingback   Kind = "pingback"
	KindWebmention Kind = "webmention"
)

// Valid reports whether k is one of the known kinds.
func (k Kind) Valid() bool {
	switch k {
	case KindComment, KindPingback, KindWebmention:
		return true
	}
	return false
}

// IsLinkback reports whether k is a pingback or a webmention, which are shown
// as "Pingback: <title> — <site>" rather than with an author and a body.
func (k Kind) IsLinkback() bool { return k == KindPingback || k == KindWebmention }

// ParseKind returns the Kind named s, or an error naming s.
func ParseKind(s string) (Kind, error) {
	if k := Kind(s); k.Valid() {
		return k, nil
	}
	return "", fmt.Errorf("comment: unknown kind %q", s)
}

// Status is the moderation state of a thread entry. Only approved entries
// are shown publicly; the other three live in the moderation queue.
type Status string

// The statuses, matching WordPress's hold/approve/spam/trash.
const (
	StatusApproved Status = "approved"
	StatusHeld     Status = "held"
	StatusSpam     Status = "spam"
	StatusTrash    Status = "trash"
)

// Valid reports whether s is one of the known statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusApproved, StatusHeld, StatusSpam, StatusTrash:
		return true
	}
	return false
}

// ParseStatus returns the Status named s, or an error naming s.
func ParseStatus(s string) (Status, error) {
	if st := Status(s); st.Valid() {
		return st, nil
	}
	return "", fmt.Errorf("comment: unknown status %q", s)
}

// AnonymousName is shown for a comment whose author left no name.
const AnonymousName = "Anonymous"

// Comment is one entry of a post's thread: a reader's comment, a pingback or
// a webmention.
//
// Privacy: AuthorEmail, IP and UserAgent are NEVER shown publicly — not in
// pages, feeds, the public JSON API or exports meant for readers. They exist
// for moderation (blocklists, rate limits, "known commenter") and for reply
// notifications. Only moderators see them, in the queue.
type Comment struct {
	ID       int64
	PostID   int64
	ParentID int64  // 0 = top level
	Depth    int    // 0 = top level; see Attach
	Path     string // materialised path, see ChildPath; sort key of the thread

	Kind   Kind
	Status Status

	AuthorName   string // may be empty: show DisplayName()
	AuthorEmail  string // private: never shown publicly
	AuthorURL    string // the commenter's website, or the linkback's source site
	AuthorUserID int64  // 0 = guest; otherwise the signed-in member or staff user

	BodySource string // what the author wrote (Markdown or the HTML subset)
	BodyHTML   string // sanitised at save time; the only body that is rendered

	SourceURL string // linkbacks: the page that links to the post
	Title     string // linkbacks: the source page's title
	SiteName  string // linkbacks: the source site's name, or its host

	IP        string // private: never shown publicly
	UserAgent string // private: never shown publicly

	CreatedAt time.Time
	UpdatedAt time.Time // zero if never edited
}

// DisplayName is the name to show for the author: the trimmed AuthorName, or
// AnonymousName when the author left none. For a linkback with no name it is
// the site name, then AnonymousName.
func (c *Comment) DisplayName() string {
	if n := strings.TrimSpace(c.AuthorName); n != "" {
		return n
	}
	if c.Kind.IsLinkback() {
		if s := strings.TrimSpace(c.SiteName); s != "" {
			return s
		}
	}
	return AnonymousName
}

// IsTopLevel reports whether c is not a reply.
func (c *Comment) IsTopLevel() bool { return c.ParentID == 0 }
