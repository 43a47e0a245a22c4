// Package feed writes Atom 1.0 and RSS 2.0 documents with encoding/xml.
// Callers fill a Feed from posts; the writers escape everything, so full
// HTML content travels as text (Atom type="html", RSS description).
package feed

import (
	"fmt"
	"time"
)

// Feed is one feed: the site's, an author's, a tag's or a category's.
type Feed struct {
	ID       string // stable: the feed's own URL is enough
	Title    string
	Subtitle string
	SelfURL  string // where this document lives (rel="self")
	HTMLURL  string // the page it mirrors (rel="alternate")
	Updated  time.Time
	Entries  []Entry
}

// Entry is one post in a feed.
type Entry struct {
	ID          string // TagURI: stable across edits and slug changes
	Title       string
	URL         string
	AuthorName  string
	AuthorURL   string
	Published   time.Time
	Updated     time.Time
	SummaryHTML string // optional
	ContentHTML string // full, sanitised body
	Categories  []Category
}

// Category is a tag or category of an entry.
type Category struct {
	Term  string // slug
	Label string // name
}

// TagURI returns the RFC 4151 id of a post: tag:HOST,YEAR:post-ID, where
// YEAR is the year the post was created, so the id never changes.
func TagURI(host string, created time.Time, id int64) string {
	return fmt.Sprintf("tag:%s,%d:post-%d", host, created.UTC().Year(), id)
}

// LastUpdated returns the newest Updated of the entries, or zero.
func LastUpdated(es []Entry) time.Time {
	var t time.Time
	for _, e := range es {
		if e.Updated.After(t) {
			t = e.Updated
		}
	}
	return t
}
