package newsletter

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// urlAttrs are the attributes whose value is a URL, per element, in the
// sanitised post HTML.
var urlAttrs = map[string]string{"a": "href", "img": "src", "source": "src", "video": "poster"}

// absolute rewrites relative links and image sources in sanitised post
// HTML against base, since a mail client has no page to resolve them from.
// srcset is dropped (mail clients ignore it and it would hold relative
// URLs) and images get an inline max-width; the markup is otherwise kept
// as it was stored.
func absolute(fragment string, base *url.URL) (string, error) {
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(fragment), ctx)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, n := range nodes {
		fixURLs(n, base)
		if err := html.Render(&b, n); err != nil {
			return "", err
		}
	}
	return b.String(), nil
}

func fixURLs(n *html.Node, base *url.URL) {
	if n.Type == html.ElementNode {
		want := urlAttrs[n.Data]
		kept := n.Attr[:0]
		for _, a := range n.Attr {
			if a.Key == "srcset" {
				continue
			}
			if a.Key == want && !strings.HasPrefix(a.Val, "#") {
				if u, err := base.Parse(a.Val); err == nil {
					a.Val = u.String()
				}
			}
			kept = append(kept, a)
		}
		if n.Data == "img" {
			// Mail clients ignore stylesheets more often than inline styles:
			// a wide image must not stretch the message.
			kept = append(kept, html.Attribute{Key: "style", Val: "max-width:100%;height:auto"})
		}
		n.Attr = kept
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		fixURLs(c, base)
	}
}
