// Package wxr reads and writes WordPress eXtended RSS (WXR), the file that
// WordPress produces under Tools → Export and that its importer reads.
//
// WXR is RSS 2.0 with extra namespaces: wp (http://wordpress.org/export/1.x/)
// carries the site's authors, categories, tags and other terms as records at
// the top of the channel, then one <item> per post, page or attachment with
// its metadata, postmeta and comments; content:encoded and excerpt:encoded
// hold the post body and excerpt; dc:creator names the author by login.
// Versions 1.0, 1.1 and 1.2 differ only in the namespace URIs and in which
// fields they carry, so the Reader accepts all three (and the 1.0/1.1
// excerpt namespaces); the Writer always writes 1.2, as current WordPress does.
//
// Both directions stream: the Reader decodes one top-level record at a time
// with encoding/xml tokens, so an import of a multi-gigabyte export uses as
// much memory as its largest post with its comments; the Writer writes each
// record as it is given.
package wxr

import (
	"fmt"
	"time"
)

// Version is the WXR version the Writer produces.
const Version = "1.2"

// Generator names the program in the files the Writer produces.
const Generator = "Quire"

// dateLayout is MySQL's DATETIME format, which WordPress writes verbatim
// for post and comment dates.
const dateLayout = "2006-01-02 15:04:05"

// zeroDate is how WordPress writes an unset date (a draft's post_date_gmt).
const zeroDate = "0000-00-00 00:00:00"

// Site is the channel header of a WXR file.
type Site struct {
	Title       string
	Link        string
	Description string
	// PubDate is the time of the export (RFC 1123 with numeric zone in
	// the file). The Writer uses it for the header and the generator
	// comment, and the current time when it is zero.
	PubDate     time.Time
	Language    string
	WXRVersion  string // "1.0", "1.1" or "1.2" when read; the Writer always writes Version
	BaseSiteURL string
	BaseBlogURL string
}

// Author is a <wp:author> record: a user who wrote at least one exported post.
// Items refer to authors by Login (dc:creator).
type Author struct {
	ID          int64
	Login       string
	Email       string
	DisplayName string
	FirstName   string
	LastName    string
}

// Category is a <wp:category> record. Parent is the parent's Nicename
// (WordPress exports parents before their children), empty at the top.
type Category struct {
	TermID      int64
	Nicename    string
	Parent      string
	Name        string
	Description string
	Meta        []Meta // wp:termmeta, WordPress 4.7 and later
}

// Tag is a <wp:tag> record.
type Tag struct {
	TermID      int64
	Slug        string
	Name        string
	Description string
	Meta        []Meta
}

// Term is a <wp:term> record: a term of any other taxonomy, such as
// nav_menu or post_format. Parent is the parent's slug.
type Term struct {
	TermID      int64
	Taxonomy    string
	Slug        string
	Parent      string
	Name        string
	Description string
	Meta        []Meta
}

// Item is an <item>: a post, page, attachment, menu item or any other post
// type, with its terms, metadata and comments.
//
// PostDate and CommentDate values are the site's local wall-clock time
// without a zone; they are parsed as if they were UTC, so only the *GMT
// fields are true instants. An unset date ("0000-00-00 00:00:00") is the
// zero time.
type Item struct {
	ID            int64 // wp:post_id
	Title         string
	Link          string
	GUID          string
	Creator       string // dc:creator: the author's login
	Content       string // content:encoded, HTML (possibly with block comments and shortcodes)
	Excerpt       string // excerpt:encoded
	PostType      string // post, page, attachment, nav_menu_item, …
	Status        string // publish, draft, pending, future, private, trash, inherit
	Name          string // wp:post_name, the slug
	ParentID      int64
	MenuOrder     int64
	CommentStatus string // open or closed
	PingStatus    string // open or closed
	Sticky        bool
	Password      string
	PostDate      time.Time
	PostDateGMT   time.Time
	AttachmentURL string
	Categories    []ItemTerm
	Meta          []Meta
	Comments      []Comment
}

// ItemTerm is an item's <category domain="…" nicename="…">Name</category>:
// Domain is the taxonomy (category, post_tag, post_format, …). WXR 1.0
// files also repeat each category without attributes; those come back with
// an empty Domain and Nicename.
type ItemTerm struct {
	Domain   string
	Nicename string
	Name     string
}

// Meta is one key/value pair of postmeta, commentmeta or termmeta.
type Meta struct {
	Key   string
	Value string
}

// Comment is a <wp:comment>. Pingbacks and trackbacks are comments whose
// Type says so. ParentID is 0 for a top-level comment.
type Comment struct {
	ID          int64
	ParentID    int64
	Author      string
	AuthorEmail string
	AuthorURL   string
	AuthorIP    string
	Date        time.Time
	DateGMT     time.Time
	Content     string
	Approved    string // "1", "0", "spam" or "trash"
	Type        string // "" (or "comment"), "pingback", "trackback"
	UserID      int64
	Meta        []Meta
}

// SyntaxError reports a problem in a WXR file and where it is, so that a
// user can open the file at that line and fix it.
type SyntaxError struct {
	Line, Column int
	Msg          string
	// Err is the underlying error, if any: an *xml.SyntaxError, an I/O
	// error from the source, or ErrNotUTF8.
	Err error
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("wxr: line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// Unwrap returns the underlying error.
func (e *SyntaxError) Unwrap() error { return e.Err }
