package linkback

import (
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// This is a deliberately small microformats2 reader covering what a mention
// display needs: one h-entry's url, published, content and author h-card.
// (willnorris.com/go/microformats is not served by the module proxy this
// project can reach.) It follows the mf2 parsing rules for property values
// and implied h-card properties, and skips nested microformats when
// collecting an item's properties.

// classes returns the class tokens of an element.
func classes(n *html.Node) []string {
	c, _ := attr(n, "class")
	return strings.Fields(c)
}

// isRoot reports whether n is a microformat root (a class h-*).
func isRoot(n *html.Node) bool {
	for _, c := range classes(n) {
		if len(c) > 2 && strings.HasPrefix(c, "h-") {
			return true
		}
	}
	return false
}

func hasClass(n *html.Node, class string) bool {
	for _, c := range classes(n) {
		if c == class {
			return true
		}
	}
	return false
}

type property struct {
	name string // with its prefix, e.g. "p-author"
	node *html.Node
}

// properties lists root's property elements in document order without
// descending into nested roots (whose own property classes still count).
func properties(root *html.Node) []property {
	var out []property
	var rec func(n *html.Node, depth int)
	rec = func(n *html.Node, depth int) {
		for c := n.FirstChild; c != nil && depth < maxTreeDepth; c = c.NextSibling {
			if c.Type != html.ElementNode || skipSubtree(c) {
				continue
			}
			for _, cl := range classes(c) {
				for _, pre := range []string{"p-", "u-", "dt-", "e-"} {
					if strings.HasPrefix(cl, pre) && len(cl) > len(pre) {
						out = append(out, property{cl, c})
					}
				}
			}
			if !isRoot(c) {
				rec(c, depth+1)
			}
		}
	}
	rec(root, 0)
	return out
}

func first(props []property, names ...string) *html.Node {
	for _, p := range props {
		for _, n := range names {
			if p.name == n {
				return p.node
			}
		}
	}
	return nil
}

// fillEntry copies h-entry data into info: the h-entry around the link if
// any, else the first h-entry on the page.
func fillEntry(info *SourceInfo, doc, link *html.Node, base *url.URL) {
	entry := link
	for entry != nil && !(entry.Type == html.ElementNode && hasClass(entry, "h-entry")) {
		entry = entry.Parent
	}
	if entry == nil {
		walk(doc, 0, func(n *html.Node) bool {
			if hasClass(n, "h-entry") {
				entry = n
				return false
			}
			return true
		})
	}
	if entry == nil {
		return
	}
	props := properties(entry)
	if n := first(props, "u-url"); n != nil {
		info.URL = uValue(n, base)
	}
	if n := first(props, "dt-published"); n != nil {
		info.Published = parseTime(dtValue(n))
	}
	if n := first(props, "e-content"); n != nil {
		info.Content = cutWords(plainText(n), contentRunes)
	} else if n := first(props, "p-summary"); n != nil {
		info.Content = cutWords(pValue(n), contentRunes)
	}
	author := first(props, "p-author", "u-author")
	switch {
	case author == nil:
	case hasClass(author, "h-card"):
		info.AuthorName, info.AuthorURL, info.AuthorPhoto = card(author, base)
	case hasClass(author, "u-author"):
		info.AuthorURL = uValue(author, base)
	default:
		info.AuthorName = cutWords(pValue(author), titleRunes)
		if author.DataAtom == atom.A {
			info.AuthorURL = uValue(author, base)
		}
	}
}

// card reads an h-card's name, url and photo, with the implied-property
// rules for the simple shapes people write (<a class="h-card" href>name</a>,
// an img child for the photo).
func card(n *html.Node, base *url.URL) (name, link, photo string) {
	props := properties(n)
	if p := first(props, "p-name"); p != nil {
		name = pValue(p)
	} else if n.DataAtom == atom.Img || n.DataAtom == atom.Area {
		name, _ = attr(n, "alt")
	} else {
		name = plainText(n)
	}
	if p := first(props, "u-url"); p != nil {
		link = uValue(p, base)
	} else if n.DataAtom == atom.A || n.DataAtom == atom.Area {
		link = uValue(n, base)
	}
	if p := first(props, "u-photo"); p != nil {
		photo = uValue(p, base)
	} else if n.DataAtom == atom.Img {
		photo = uValue(n, base)
	} else if img := onlyChild(n, atom.Img); img != nil {
		photo = uValue(img, base)
	}
	return cutWords(collapse(name), titleRunes), link, photo
}

// onlyChild returns the single element child of n if it is of type a.
func onlyChild(n *html.Node, a atom.Atom) *html.Node {
	var found *html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if found != nil {
			return nil
		}
		found = c
	}
	if found != nil && found.DataAtom == a {
		return found
	}
	return nil
}

// pValue is the mf2 p-* value: title of abbr/link, value of data/input, alt
// of img/area, else the text.
func pValue(n *html.Node) string {
	for _, k := range []struct {
		a    atom.Atom
		name string
	}{{atom.Abbr, "title"}, {atom.Link, "title"}, {atom.Data, "value"}, {atom.Input, "value"}, {atom.Img, "alt"}, {atom.Area, "alt"}} {
		if n.DataAtom == k.a {
			if v, ok := attr(n, k.name); ok {
				return collapse(v)
			}
		}
	}
	return plainText(n)
}

// uValue is the mf2 u-* value, resolved and limited to http(s).
func uValue(n *html.Node, base *url.URL) string {
	var ref string
	switch n.DataAtom {
	case atom.A, atom.Area, atom.Link:
		ref, _ = attr(n, "href")
	case atom.Img, atom.Audio, atom.Video, atom.Source, atom.Iframe:
		ref, _ = attr(n, "src")
	case atom.Object:
		ref, _ = attr(n, "data")
	default:
		ref = pValue(n)
	}
	if u, ok := resolveHTTP(base, ref); ok {
		return u.String()
	}
	return ""
}

// dtValue is the mf2 dt-* value without the value-class pattern.
func dtValue(n *html.Node) string {
	for _, name := range []string{"datetime", "title", "value"} {
		if v, ok := attr(n, name); ok && (n.DataAtom == atom.Time || n.DataAtom == atom.Ins ||
			n.DataAtom == atom.Del || n.DataAtom == atom.Abbr || n.DataAtom == atom.Data || n.DataAtom == atom.Input) {
			return strings.TrimSpace(v)
		}
	}
	return plainText(n)
}

func parseTime(s string) time.Time {
	for _, layout := range []string{
		time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04Z07:00", "2006-01-02T15:04Z0700",
		"2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05Z0700", "2006-01-02T15:04:05", "2006-01-02 15:04:05",
		"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02",
	} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// plainText is the visible text of n with whitespace collapsed.
func plainText(n *html.Node) string {
	r, _, _ := textOf(n, nil)
	return strings.TrimSpace(string(r))
}
