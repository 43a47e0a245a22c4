package render

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// parseBody parses s as the content of a <body>; it never fails on a string.
func parseBody(s string) []*html.Node {
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, _ := html.ParseFragmentWithOptions(strings.NewReader(s), body, html.ParseOptionEnableScripting(false))
	return nodes
}

// invisible elements contribute no visible text.
var invisible = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Template: true, atom.Head: true,
	atom.Title: true, atom.Noscript: true, atom.Iframe: true, atom.Object: true,
}

// blockish elements separate words: "<p>a</p><p>b</p>" reads "a b", while
// inline markup does not ("mc<sup>2</sup>" reads "mc2").
var blockish = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Br: true, atom.Li: true, atom.Ul: true, atom.Ol: true,
	atom.Blockquote: true, atom.Pre: true, atom.Hr: true, atom.Dl: true, atom.Dt: true, atom.Dd: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Table: true, atom.Tr: true, atom.Td: true, atom.Th: true, atom.Caption: true,
	atom.Figure: true, atom.Figcaption: true, atom.Details: true, atom.Summary: true,
	atom.Section: true, atom.Article: true, atom.Header: true, atom.Footer: true, atom.Img: true,
}

// Text returns the visible text of an HTML fragment with entities decoded and
// every run of white space (NBSP included) folded to one space, trimmed. It
// is what search indexes, excerpts and link-free previews are made from.
func Text(h string) string {
	var b strings.Builder
	for _, n := range parseBody(h) {
		collectText(&b, n)
	}
	return fold(b.String())
}

func collectText(b *strings.Builder, n *html.Node) {
	switch n.Type {
	case html.TextNode:
		b.WriteString(n.Data)
		return
	case html.ElementNode:
		if invisible[n.DataAtom] {
			return
		}
	default:
		if n.Type != html.DocumentNode {
			return // comments, doctypes
		}
	}
	sep := n.Type == html.ElementNode && blockish[n.DataAtom]
	if sep {
		b.WriteByte(' ')
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		collectText(b, c)
	}
	if sep {
		b.WriteByte(' ')
	}
}

// fold collapses white-space runs to one space and trims the ends.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ExcerptText returns the plain text of src (HTML or plain text; tags are not
// counted) cut to at most n runes, "…" included, on a word boundary. It cuts
// the source's text before anything is sanitised — cutting sanitised HTML
// could split a tag or an entity and undo the sanitiser's work — and the
// result is plain text: let the template escape it, or pass it through
// Render(Excerpt, HTML, html.EscapeString(s)). A single word longer than the
// limit is cut inside the word. n <= 0 gives "".
//
// (It would be called Excerpt, but that name is the Place.)
func ExcerptText(src string, n int) string {
	if n <= 0 {
		return ""
	}
	t := Text(Clean(src))
	if utf8.RuneCountInString(t) <= n {
		return t
	}
	r := []rune(t)
	cut := n - 1 // leave room for the ellipsis
	for cut > 0 && !unicode.IsSpace(r[cut-1]) && !unicode.IsSpace(r[cut]) {
		cut-- // r[cut] is the first rune dropped: back up to a word start
	}
	if cut == 0 {
		cut = n - 1 // one long word: cut inside it
	}
	out := strings.TrimRightFunc(string(r[:cut]), func(c rune) bool {
		return unicode.IsSpace(c) || unicode.IsPunct(c) && c != ')' && c != '"'
	})
	return out + "…"
}

// Links returns the absolute http and https URLs of the <a href> elements of
// an HTML fragment in document order, duplicates kept (a caller counting links
// for moderation wants them; one sending linkbacks dedupes). Relative, mailto:
// and other links are left out.
func Links(h string) []string {
	var out []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == atom.A {
			for _, a := range n.Attr {
				if a.Key == "href" && a.Namespace == "" {
					if u := absHTTP(a.Val); u != "" {
						out = append(out, u)
					}
					break
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range parseBody(h) {
		walk(n)
	}
	return out
}

// absHTTP returns the trimmed href if it is an absolute http(s) URL with a
// host, else "".
func absHTTP(href string) string {
	href = strings.TrimSpace(href)
	u, err := url.Parse(href)
	if err != nil || u.Host == "" || u.Scheme != "http" && u.Scheme != "https" {
		return ""
	}
	return href
}
