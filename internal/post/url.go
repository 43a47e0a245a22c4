package post

import (
	"net/url"
	"strconv"
)

// The public paths of posts, terms and authors. They live here, next to the
// types, so templates, feeds, the API and the sitemap cannot disagree.

// Path is the post's public path; a page's is at the root, with no date.
func (p *Post) Path() string {
	if p.Kind == KindPage {
		return "/" + p.Slug
	}
	return "/posts/" + p.Slug
}

// Path is the term's page.
func (t Term) Path() string {
	if t.Kind == Category {
		return "/categories/" + t.Slug
	}
	return "/tags/" + t.Slug
}

// Path is the author's page, or the guest's on a guest post.
func (b Byline) Path() string {
	if b.GuestID != 0 {
		return GuestPath(b.GuestID)
	}
	return AuthorPath(b.Username)
}

// GuestPath is the page of the guest author with id (internal/guestpost).
func GuestPath(id int64) string { return "/guest/" + strconv.FormatInt(id, 10) }

// AuthorPath is the page of the author with username.
func AuthorPath(username string) string { return "/authors/" + url.PathEscape(username) }
