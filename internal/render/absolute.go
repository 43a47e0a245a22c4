package render

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// urlAttrs are the attributes whose value is one URL, per element, in
// sanitised HTML.
var urlAttrs = map[string]string{"a": "href", "img": "src", "source": "src", "video": "poster"}

// AbsoluteOptions says how Absolute fits HTML to where it is read.
type AbsoluteOptions struct {
	// KeepFragments leaves links to "#…" as they are: within one mail they
	// lead to the message's own footnotes. Otherwise they resolve against
	// base like any other link (a feed's entry against its post's page).
	KeepFragments bool
	// DropSrcset removes srcset, which mail clients ignore; otherwise each
	// of its URLs is made absolute.
	DropSrcset bool
	// ImageStyle, when set, is given to every img as its inline style.
	ImageStyle string
}

// Absolute rewrites the relative links and media sources of sanitised
// HTML against base, for HTML read away from the blog's pages: a feed
// reader, a mail client. The markup is otherwise kept as it was stored.
func Absolute(fragment string, base *url.URL, o AbsoluteOptions) (string, error) {
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(fragment), ctx)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, n := range nodes {
		fixURLs(n, base, o)
		if err := html.Render(&b, n); err != nil {
			return "", err
		}
	}
	return b.String(), nil
}

func fixURLs(n *html.Node, base *url.URL, o AbsoluteOptions) {
	if n.Type == html.ElementNode {
		want := urlAttrs[n.Data]
		kept := n.Attr[:0]
		for _, a := range n.Attr {
			switch {
			case a.Key == "srcset" && o.DropSrcset:
				continue
			case a.Key == "srcset":
				a.Val = absoluteSrcset(a.Val, base)
			case a.Key == want && !(o.KeepFragments && strings.HasPrefix(a.Val, "#")):
				if u, err := base.Parse(a.Val); err == nil {
					a.Val = u.String()
				}
			}
			kept = append(kept, a)
		}
		if n.Data == "img" && o.ImageStyle != "" {
			kept = append(kept, html.Attribute{Key: "style", Val: o.ImageStyle})
		}
		n.Attr = kept
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		fixURLs(c, base, o)
	}
}

// absoluteSrcset makes each URL of a srcset ("a.jpg 480w, b.jpg 960w")
// absolute, keeping its descriptor.
func absoluteSrcset(v string, base *url.URL) string {
	parts := strings.Split(v, ",")
	for i, p := range parts {
		p = strings.TrimSpace(p)
		ref, desc, _ := strings.Cut(p, " ")
		if u, err := base.Parse(ref); err == nil {
			ref = u.String()
		}
		parts[i] = strings.TrimSpace(ref + " " + desc)
	}
	return strings.Join(parts, ", ")
}
