package render

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// footnoteID matches the ids goldmark's footnote extension writes with
// IDPrefix: fn:N on the note, fnref:N / fnrefK:N on each reference.
var footnoteID = regexp.MustCompile(`^` + IDPrefix + `fn(ref\d*)?:\d+$`)

// dropped elements go with everything inside them. Their content is never
// wanted as text (script source, CSS, an embedded document), and the foreign
// roots svg and math are where namespace-confusion mutation XSS lives, so
// removing the subtree here means bluemonday never sees any of it.
var dropped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Template: true, atom.Svg: true, atom.Math: true,
	atom.Iframe: true, atom.Frame: true, atom.Frameset: true, atom.Object: true, atom.Embed: true,
	atom.Applet: true, atom.Param: true, atom.Noembed: true, atom.Noframes: true, atom.Noscript: true,
	atom.Head: true, atom.Title: true, atom.Base: true, atom.Meta: true, atom.Link: true,
}

// asText elements hold raw text in the HTML syntax; their content becomes
// ordinary (escaped) text, so no raw-text context reaches bluemonday's
// tokenizer or the browser.
var asText = map[atom.Atom]bool{atom.Xmp: true, atom.Plaintext: true, atom.Textarea: true}

// spaced are block elements that only posts allow; elsewhere the policy
// strips them, so tidy leaves a space where each one ended.
var spaced = map[atom.Atom]bool{
	atom.Table: true, atom.Caption: true, atom.Thead: true, atom.Tbody: true, atom.Tfoot: true,
	atom.Tr: true, atom.Td: true, atom.Th: true, atom.Div: true, atom.Section: true,
	atom.Article: true, atom.Aside: true, atom.Header: true, atom.Footer: true, atom.Nav: true,
	atom.Main: true, atom.Figure: true, atom.Figcaption: true, atom.Address: true,
	atom.Center: true, atom.Fieldset: true, atom.Legend: true, atom.Img: true,
}

// forcedRel is the rel every link gets in a place; absent means the author's
// rel is kept (posts: the blog's own authors vouch for their links).
func forcedRel(p Place) string {
	switch p {
	case Comment, Bio:
		return "nofollow ugc noopener"
	case GuestPost, Excerpt:
		return "nofollow ugc"
	}
	return ""
}

// balance parses src as the content of a <body> with x/net/html and renders it
// again. The parser closes whatever src leaves open (an <a>, a <table>), drops
// stray end tags and foster-parents misplaced content, so the fragment cannot
// swallow the page around it: bluemonday works on tokens and balances nothing.
// Scripting is off while parsing so <noscript> content is parsed as markup and
// sanitised like the rest, never carried through as raw text.
func balance(src string, place Place) string {
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragmentWithOptions(strings.NewReader(src), body, html.ParseOptionEnableScripting(false))
	if err != nil {
		return "" // a strings.Reader does not fail; fail closed if it ever does
	}
	for _, n := range nodes {
		body.AppendChild(n)
	}
	tidy(body, place)
	if isPost(place) {
		anchorHeadings(body)
	}
	var b strings.Builder
	b.Grow(len(src) + 32)
	for c := body.FirstChild; c != nil; c = c.NextSibling {
		if err := html.Render(&b, c); err != nil {
			return ""
		}
	}
	return b.String()
}

// tidy rewrites the children of n in place: see dropped and asText; comments
// and doctypes go; user id/name attributes go (DOM clobbering); links get the
// place's forced rel; in posts <h1> becomes <h2>, elsewhere headings become
// paragraphs.
func tidy(n *html.Node, place Place) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		switch c.Type {
		case html.CommentNode, html.DoctypeNode:
			n.RemoveChild(c)
		case html.ElementNode:
			switch {
			case c.Namespace != "" || dropped[c.DataAtom]:
				n.RemoveChild(c)
			case asText[c.DataAtom]:
				for t := c.FirstChild; t != nil; t = c.FirstChild {
					c.RemoveChild(t)
					n.InsertBefore(t, c)
				}
				n.RemoveChild(c) // its children are text nodes only: nothing to revisit
			default:
				tidyElement(c, place)
				tidy(c, place)
				if !isPost(place) && spaced[c.DataAtom] {
					// The policy will strip this block but keep its text:
					// a space keeps "<td>a</td><td>b</td>" from reading "ab".
					n.InsertBefore(&html.Node{Type: html.TextNode, Data: " "}, next)
				}
			}
		}
		c = next
	}
}

func tidyElement(e *html.Node, place Place) {
	attrs := e.Attr[:0]
	for _, a := range e.Attr {
		switch {
		case a.Namespace != "":
			continue // xlink:href and friends have no business outside svg
		case a.Key == "name":
			continue
		case a.Key == "id" && !(isPost(place) && footnoteID.MatchString(a.Val)):
			continue
		case a.Key == "rel" && e.DataAtom == atom.A && forcedRel(place) != "":
			continue
		}
		attrs = append(attrs, a)
	}
	e.Attr = attrs
	if e.DataAtom == atom.A {
		if rel := forcedRel(place); rel != "" {
			e.Attr = append(e.Attr, html.Attribute{Key: "rel", Val: rel})
		}
	}
	switch e.DataAtom {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		if !isPost(place) {
			// Only posts have sections; elsewhere a heading is flattened to
			// a paragraph rather than stripped into the next line's text.
			e.DataAtom, e.Data = atom.P, "p"
		} else if e.DataAtom == atom.H1 {
			// The page template owns the one <h1>, the post's title; an
			// author's "# Heading" is a section of the post: demoted, kept.
			e.DataAtom, e.Data = atom.H2, "h2"
		}
	}
}

func isPost(p Place) bool { return p == Post || p == GuestPost }
