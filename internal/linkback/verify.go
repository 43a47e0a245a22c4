package linkback

import (
	"bytes"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// SourceInfo describes a verified source page. Every field is plain,
// unsanitised text taken from a stranger's page: escape it when rendering.
type SourceInfo struct {
	Title    string // <title>, whitespace collapsed, at most 200 runes
	SiteName string // og:site_name, else the page's host
	Excerpt  string // about 200 runes of text around the link, cut on word boundaries

	// From the h-entry holding the link (or the page's first h-entry).
	AuthorName  string
	AuthorURL   string
	AuthorPhoto string
	Content     string    // e-content (else p-summary) as text, at most 1000 runes
	Published   time.Time // dt-published; zero when absent or unparsable
	URL         string    // the h-entry's u-url
}

const (
	titleRunes   = 200
	excerptRunes = 200
	contentRunes = 1000
)

// FindLink reports whether page, fetched from pageURL, holds a real
// <a href> to target, as Pingback verification needs. URLs are compared after
// resolving against the page (honouring <base href>), ignoring scheme and
// host case, default ports and fragments. Links inside comments, script,
// style, template, noscript or attribute text do not count. When found, info
// describes the page.
func FindLink(page []byte, pageURL *url.URL, target string) (found bool, info SourceInfo) {
	return findLink(page, pageURL, target, false)
}

// FindMention is FindLink for Webmention, which also accepts the target as
// the src of img, video, audio and source elements.
func FindMention(page []byte, pageURL *url.URL, target string) (found bool, info SourceInfo) {
	return findLink(page, pageURL, target, true)
}

func findLink(page []byte, pageURL *url.URL, target string, media bool) (bool, SourceInfo) {
	want, ok := resolveHTTP(nil, target)
	if !ok {
		return false, SourceInfo{}
	}
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return false, SourceInfo{}
	}
	base := documentBase(doc, pageURL)
	var link *html.Node
	walk(doc, 0, func(n *html.Node) bool {
		ref, ok := linkRef(n, media)
		if !ok {
			return true
		}
		if u, ok := resolveHTTP(base, ref); ok && SameURL(u, want) {
			link = n
			return false
		}
		return true
	})
	if link == nil {
		return false, SourceInfo{}
	}
	info := SourceInfo{
		Title:    title(doc),
		SiteName: siteName(doc, pageURL),
		Excerpt:  excerpt(link),
	}
	fillEntry(&info, doc, link, base)
	return true, info
}

// linkRef returns the URL an element links to, in the given mode.
func linkRef(n *html.Node, media bool) (string, bool) {
	switch n.DataAtom {
	case atom.A:
		return attr(n, "href")
	case atom.Img, atom.Video, atom.Audio, atom.Source:
		if media {
			return attr(n, "src")
		}
	}
	return "", false
}

// documentBase applies the first <base href>, as a browser would.
func documentBase(doc *html.Node, pageURL *url.URL) *url.URL {
	base := pageURL
	walk(doc, 0, func(n *html.Node) bool {
		if n.DataAtom != atom.Base {
			return true
		}
		href, ok := attr(n, "href")
		if !ok {
			return true
		}
		if u, ok := resolveHTTP(pageURL, href); ok {
			base = u
		}
		return false
	})
	return base
}

// SameURL reports whether a and b name the same resource for linkback
// purposes: scheme and host compared case-insensitively, default ports
// dropped, an empty path equal to "/", fragments ignored.
func SameURL(a, b *url.URL) bool {
	return a != nil && b != nil &&
		strings.EqualFold(a.Scheme, b.Scheme) &&
		canonicalHost(a) == canonicalHost(b) &&
		a.User.String() == b.User.String() &&
		pathOf(a) == pathOf(b) &&
		a.RawQuery == b.RawQuery
}

func canonicalHost(u *url.URL) string {
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	port := u.Port()
	if (port == "80" && strings.EqualFold(u.Scheme, "http")) || (port == "443" && strings.EqualFold(u.Scheme, "https")) {
		port = ""
	}
	if port != "" {
		return host + ":" + port
	}
	return host
}

func pathOf(u *url.URL) string {
	if p := u.EscapedPath(); p != "" {
		return p
	}
	return "/"
}

func title(doc *html.Node) string {
	var t string
	var find func(n *html.Node, depth int) bool
	find = func(n *html.Node, depth int) bool {
		if depth > maxTreeDepth || (n.Type == html.ElementNode && n.DataAtom == atom.Svg) {
			return false
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.Title {
			var b strings.Builder
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.TextNode {
					b.WriteString(c.Data)
				}
			}
			t = b.String()
			return true
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if find(c, depth+1) {
				return true
			}
		}
		return false
	}
	find(doc, 0)
	return cutWords(collapse(t), titleRunes)
}

func siteName(doc *html.Node, pageURL *url.URL) string {
	var name string
	walk(doc, 0, func(n *html.Node) bool {
		if n.DataAtom != atom.Meta {
			return true
		}
		p, _ := attr(n, "property")
		if p == "" {
			p, _ = attr(n, "name") // a common mistake worth tolerating
		}
		if strings.EqualFold(p, "og:site_name") {
			c, _ := attr(n, "content")
			name = cutWords(collapse(c), titleRunes)
			return name == ""
		}
		return true
	})
	if name == "" && pageURL != nil {
		name = strings.ToLower(pageURL.Hostname())
	}
	return name
}

// collapse turns every whitespace run into one space and trims the ends.
func collapse(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// cutWords shortens s to at most n runes, preferring a word boundary, and
// marks the cut with an ellipsis.
func cutWords(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	if i := lastSpace(r); i > len(r)/2 {
		r = r[:i]
	}
	return strings.TrimSpace(string(r)) + "…"
}

func lastSpace(r []rune) int {
	for i := len(r) - 1; i >= 0; i-- {
		if r[i] == ' ' {
			return i
		}
	}
	return -1
}
