package post

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"quire/internal/render"
)

// leadMin is the length under which the opening paragraph is joined by
// the next one: "The third loaf rose." alone says too little on a card.
const leadMin = 120

// LeadText is the excerpt derived from sanitised body HTML: the first
// paragraph of prose — top-level <p> only, so headings, lists (task lists
// included), tables, code, quotes and figures are skipped — joined by the
// paragraphs right after it while it is shorter than leadMin, and cut to at
// most n runes at the end of a sentence (at a word, with "…", when no
// sentence ends early enough). A sentence ending in ":" introduces what
// follows (a list, some code) and is left out. Footnote markers are
// dropped. It returns "" when the body has no prose paragraph.
func LeadText(bodyHTML string, n int) string {
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(bodyHTML), body)
	if err != nil {
		return ""
	}
	var b strings.Builder
	started := false
	for _, nd := range nodes {
		if nd.Type == html.TextNode && strings.TrimSpace(nd.Data) == "" {
			continue
		}
		isP := nd.Type == html.ElementNode && nd.DataAtom == atom.P
		if !isP {
			if started {
				break // the lead is the run of paragraphs at the first prose
			}
			continue
		}
		t := strings.Join(strings.Fields(proseOf(nd)), " ")
		if t == "" {
			continue // an image alone, an empty paragraph
		}
		intro := strings.HasSuffix(t, ":")
		if intro {
			t = dropLastSentence(t)
		}
		if t != "" {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(t)
			started = true
		}
		if intro && started || utf8.RuneCountInString(b.String()) >= leadMin {
			break
		}
	}
	return cutSentence(b.String(), n)
}

// proseOf is the text of a paragraph without footnote references.
func proseOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
		case n.Type == html.ElementNode && n.DataAtom == atom.Sup:
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return searchable(b.String())
}

// sentenceEnds returns the byte offsets just after each sentence end in s:
// ".", "!", "?" or "…", with any closing quotes or brackets, followed by a
// space and then not a lowercase letter (so "e.g. this" and "io.Reader" do
// not end one), or by the end of s.
func sentenceEnds(s string) []int {
	var out []int
	for i, r := range s {
		if r != '.' && r != '!' && r != '?' && r != '…' {
			continue
		}
		j := i + utf8.RuneLen(r)
		for j < len(s) {
			c, w := utf8.DecodeRuneInString(s[j:])
			if !strings.ContainsRune(`"')]»”’`, c) {
				break
			}
			j += w
		}
		if j == len(s) {
			out = append(out, j)
			continue
		}
		if s[j] != ' ' {
			continue
		}
		next, _ := utf8.DecodeRuneInString(s[j+1:])
		if !unicode.IsLower(next) {
			out = append(out, j)
		}
	}
	return out
}

// dropLastSentence removes the final sentence of s (the one ending in ":").
func dropLastSentence(s string) string {
	ends := sentenceEnds(s)
	if len(ends) == 0 {
		return ""
	}
	return strings.TrimSpace(s[:ends[len(ends)-1]])
}

// cutSentence returns s when it fits in n runes, else s up to the last
// sentence end that fits, if that keeps at least a third of n; else a cut
// at a word with "…".
func cutSentence(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	best := 0
	for _, e := range sentenceEnds(s) {
		if utf8.RuneCountInString(s[:e]) > n {
			break
		}
		best = e
	}
	if best > 0 && utf8.RuneCountInString(s[:best]) >= n/3 {
		return s[:best]
	}
	return render.ExcerptText(html.EscapeString(s), n) // s is text: "<b>" in it is not a tag
}
