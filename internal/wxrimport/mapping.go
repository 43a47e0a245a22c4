package wxrimport

import (
	"net/netip"
	"net/url"
	"regexp"
	"strings"

	"quire/internal/comment"
	"quire/internal/post"
	"quire/internal/render"
)

// postStatus maps a WordPress post status to the nearest Quire one. A
// private post has no Quire equivalent; a draft keeps it from readers,
// which is what private meant. ok is false for statuses that are not
// content (inherit, auto-draft leftovers of other types…).
func postStatus(s string) (st post.Status, ok bool) {
	switch s {
	case "publish":
		return post.Published, true
	case "future":
		return post.Scheduled, true
	case "draft", "auto-draft":
		return post.Draft, true
	case "pending":
		return post.Pending, true
	case "private":
		return post.Draft, true
	case "trash":
		return post.Trashed, true
	}
	return "", false
}

// wpStatus is the inverse of postStatus, for the export.
func wpStatus(s post.Status) string {
	switch s {
	case post.Published:
		return "publish"
	case post.Scheduled:
		return "future"
	case post.Pending:
		return "pending"
	case post.Trashed:
		return "trash"
	}
	return "draft"
}

// commentStatus maps wp:comment_approved. WordPress also writes
// "post-trashed" for the comments of a trashed post.
func commentStatus(s string) (comment.Status, bool) {
	switch s {
	case "1", "approve", "approved":
		return comment.StatusApproved, true
	case "0", "hold":
		return comment.StatusHeld, true
	case "spam":
		return comment.StatusSpam, true
	case "trash", "post-trashed":
		return comment.StatusTrash, true
	}
	return comment.StatusHeld, false
}

// wpApproved is the inverse of commentStatus.
func wpApproved(s comment.Status) string {
	switch s {
	case comment.StatusApproved:
		return "1"
	case comment.StatusSpam:
		return "spam"
	case comment.StatusTrash:
		return "trash"
	}
	return "0"
}

// commentKind maps wp:comment_type. A trackback is a linkback identified
// by its source URL, like a pingback; Quire has no third kind for it, so
// it becomes a pingback-kind row and the import map remembers "trackback"
// for the export. "webmention" is the type of the WordPress Webmention
// plugin. Other types (order notes, editorial notes, reviews) are not
// public discussion: ok is false and the importer skips them.
func commentKind(t string) (k comment.Kind, wxrType string, ok bool) {
	switch t {
	case "", "comment":
		return comment.KindComment, "", true
	case "pingback":
		return comment.KindPingback, "", true
	case "trackback":
		return comment.KindPingback, "trackback", true
	case "webmention":
		return comment.KindWebmention, "", true
	}
	return "", "", false
}

var usernameBad = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// username turns a WordPress login (which may hold spaces, @ and more)
// into a Quire username: ^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$.
func username(login string) string {
	s := usernameBad.ReplaceAllString(strings.TrimSpace(login), "-")
	s = strings.TrimLeft(s, "_.-")
	if len(s) > 36 { // room for a -NN suffix
		s = strings.TrimRight(s[:36], "_.-")
	}
	if s == "" {
		s = "author"
	}
	return s
}

// validEmail is a loose check: the users table wants 3 to 254 characters,
// and an address must at least look like one to be kept.
func validEmail(e string) bool {
	at := strings.LastIndexByte(e, '@')
	return len(e) >= 3 && len(e) <= 254 && at > 0 && at < len(e)-1 && !strings.ContainsAny(e, " \t\r\n<>\"")
}

// httpURL returns u if it is an absolute http(s) URL of at most 2000
// bytes, else "".
func httpURL(u string) string {
	u = strings.TrimSpace(u)
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" || len(u) > 2000 {
		return ""
	}
	return u
}

// host is u's host name, lower-cased.
func host(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return strings.ToLower(p.Hostname())
}

// validIP returns s if it is an IP address, else "".
func validIP(s string) string {
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil {
		return ""
	}
	return a.Unmap().String()
}

// plain is the text of a WordPress title or name: tags dropped, entities
// decoded (WordPress stores "&amp;" and "&#8217;" in titles), spaces folded.
func plain(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return strings.Join(strings.Fields(render.Clean(s)), " ")
	}
	return render.Text(s)
}

// slugFrom returns a Quire slug for a WordPress slug (post_name, nicename),
// which may be percent-encoded UTF-8, falling back to the name.
func slugFrom(wpSlug, name string) string {
	if s, err := url.PathUnescape(wpSlug); err == nil {
		wpSlug = s
	}
	if post.ValidSlug(wpSlug) {
		return wpSlug
	}
	if s := post.Slugify(wpSlug); s != "" {
		return s
	}
	return post.Slugify(name)
}

// oldPath returns the path of link under base (both absolute URLs), with
// its query and without a trailing slash, or "" if link is elsewhere.
func oldPath(base, link string) string {
	b, err1 := url.Parse(strings.TrimRight(base, "/"))
	l, err2 := url.Parse(link)
	if err1 != nil || err2 != nil || !strings.EqualFold(b.Host, l.Host) {
		return ""
	}
	if !strings.HasPrefix(l.EscapedPath(), b.EscapedPath()) {
		return ""
	}
	p := strings.TrimRight(strings.TrimPrefix(l.EscapedPath(), b.EscapedPath()), "/")
	if p == "" {
		return "" // the home page (or ?p=N, which the front page answers)
	}
	if !strings.HasPrefix(p, "/") {
		return ""
	}
	if l.RawQuery != "" {
		p += "?" + l.RawQuery
	}
	return p
}
