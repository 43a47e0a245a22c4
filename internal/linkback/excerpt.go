package linkback

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// textBuilder accumulates visible text with whitespace collapsed, counting
// runes so the link's position is known.
type textBuilder struct {
	r       []rune
	pending bool
}

func (b *textBuilder) write(s string) {
	for _, c := range s {
		if unicode.IsSpace(c) {
			b.pending = len(b.r) > 0
			continue
		}
		if b.pending {
			b.r = append(b.r, ' ')
			b.pending = false
		}
		b.r = append(b.r, c)
	}
}

func (b *textBuilder) space() { b.pending = len(b.r) > 0 }

// isBlock lists elements that start a new line, so their text gets a space
// and the closest one around a link is the excerpt's paragraph.
func isBlock(n *html.Node) bool {
	switch n.DataAtom {
	case atom.P, atom.Div, atom.Li, atom.Blockquote, atom.Article, atom.Section, atom.Main, atom.Body,
		atom.Dd, atom.Dt, atom.Td, atom.Th, atom.Figcaption, atom.Pre, atom.Header, atom.Footer, atom.Aside,
		atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Ul, atom.Ol, atom.Table, atom.Tr, atom.Br, atom.Hr:
		return true
	}
	return false
}

// textOf returns the visible text of n, and the rune span of mark inside it
// when mark is a descendant (start is -1 otherwise).
func textOf(n, mark *html.Node) (text []rune, start, end int) {
	var b textBuilder
	start, end = -1, -1
	var rec func(n *html.Node, depth int)
	rec = func(n *html.Node, depth int) {
		if depth > maxTreeDepth {
			return
		}
		switch n.Type {
		case html.TextNode:
			b.write(n.Data)
			return
		case html.ElementNode:
			if skipSubtree(n) {
				return
			}
			if isBlock(n) {
				b.space()
			}
		}
		if n == mark {
			if b.pending {
				b.r = append(b.r, ' ')
				b.pending = false
			}
			start = len(b.r)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c, depth+1)
		}
		if n == mark {
			end = len(b.r)
		}
		if n.Type == html.ElementNode && isBlock(n) {
			b.space()
		}
	}
	rec(n, 0)
	return b.r, start, end
}

// excerpt returns about excerptRunes of plain text around link, taken from
// its closest block ancestor and cut on word boundaries. Sanitising is the
// caller's job and happens after this cut, so no entity or tag is split.
func excerpt(link *html.Node) string {
	block := link.Parent
	for block != nil && !(block.Type == html.ElementNode && isBlock(block)) {
		block = block.Parent
	}
	if block == nil {
		block = link
	}
	rs, start, end := textOf(block, link)
	if start < 0 {
		return cutWords(string(rs), excerptRunes)
	}
	if len(rs) <= excerptRunes {
		return strings.TrimSpace(string(rs))
	}
	if end-start >= excerptRunes {
		return cutWords(string(rs[start:end]), excerptRunes)
	}
	spare := excerptRunes - (end - start)
	lo, hi := start-spare/2, end+spare-spare/2
	if lo < 0 {
		hi, lo = hi-lo, 0
	}
	if hi > len(rs) {
		lo, hi = max(0, lo-(hi-len(rs))), len(rs)
	}
	// Move each cut inward to a space, but never into the link text.
	if lo > 0 && rs[lo-1] != ' ' {
		for lo < start && rs[lo] != ' ' {
			lo++
		}
	}
	if hi < len(rs) && rs[hi] != ' ' {
		for hi > end && rs[hi-1] != ' ' {
			hi--
		}
	}
	out := strings.TrimSpace(string(rs[lo:hi]))
	if lo > 0 {
		out = "…" + out
	}
	if hi < len(rs) {
		out += "…"
	}
	return out
}
