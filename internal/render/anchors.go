package render

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// headingID is the id the renderer gives a post's h2–h4 so a table of
// contents can link to it: the prefix, then a slug of the heading's text,
// which slugText keeps short. It says + rather than {1,80}: a counted
// repetition copies the Unicode classes eighty times, and that compiled
// program (1.7 MB, all of it scanned by every garbage collection) was a
// fifth of a node's live heap.
var headingID = regexp.MustCompile(`^` + IDPrefix + `[\p{L}\p{N}-]+$`)

// anchorHeadings gives every h2, h3 and h4 under root an id made from its
// text (IDPrefix + slug, "-2", "-3" for repeats). The user's own ids were
// dropped by tidy, so these are the only ones, and the prefix keeps them
// apart from the page's ids and from window globals.
func anchorHeadings(root *html.Node) {
	seen := map[string]int{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.H2, atom.H3, atom.H4:
				slug := slugText(nodeText(c))
				if slug == "" {
					slug = "section"
				}
				seen[slug]++
				if k := seen[slug]; k > 1 {
					slug += "-" + strconv.Itoa(k)
				}
				c.Attr = append(c.Attr, html.Attribute{Key: "id", Val: IDPrefix + slug})
			default:
				walk(c)
			}
		}
	}
	walk(root)
}

func nodeText(n *html.Node) string {
	var b strings.Builder
	collectText(&b, n)
	return b.String()
}

// slugText lowercases s and keeps letters and digits, one hyphen for
// each run of anything else, at most 60 characters.
func slugText(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	return b.String()
}
