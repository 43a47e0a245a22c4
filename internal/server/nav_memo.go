package server

import (
	"html/template"
	"strconv"
)

// The site navigation (the "nav" partial) is the same for every visitor
// who is not signed in but for aria-current on the page shown, and
// html/template wrote each of its links with a reflective call for the
// address, three escapers and the comparison: 129 of the 471 allocations
// of a post page without comments, about a fifth of its template's time.
// navHTML renders the built-in partial once for each list of links and
// current page, for visitors not signed in, and keeps it in the memo of
// head links (head_links.go), keyed by everything the partial reads of
// them, written out: a function of its key, so nothing to invalidate, on
// any node (a renamed page is a new key; the old one ages out).
//
// A theme's own partials/nav.html may read any field of the page, so it
// is rendered on every view (Templates.navOwn), as is the navigation of
// a signed-in user (their role and the queue's count). A theme's own
// layout that calls {{template "nav" .}} itself still can.

// navHTML is the "nav" partial for page p.
func (t *Templates) navHTML(p Page) (template.HTML, error) {
	if t.navOwn || p.User != nil || t.heads == nil {
		return t.renderNav(p)
	}
	return memoized(t.heads, navKey(p), func() (template.HTML, error) { return t.renderNav(p) }, nil)
}

func (t *Templates) renderNav(p Page) (template.HTML, error) { return t.renderPartial("nav", p) }

// navKey writes out what the built-in partial reads for a visitor not
// signed in: each link's title and address, each after its length, and
// the page's address when a link has it (the partial only compares it
// with theirs, so any other address renders alike). It starts with "nav"
// and a NUL, which no headKey does (those start with a digit).
func navKey(p Page) string {
	var buf [256]byte
	k := memoKey{b: append(buf[:0], "nav\x00"...)}
	k.put(strconv.Itoa(len(p.Nav)))
	current := ""
	for _, l := range p.Nav {
		path := l.Path()
		k.put(l.Title)
		k.put(path)
		if path == p.Path {
			current = path
		}
	}
	k.put(current)
	return k.String()
}
