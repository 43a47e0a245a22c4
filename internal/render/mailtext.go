package render

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// mailWidth is where MailText wraps its lines, as plain-text mail does.
const mailWidth = 72

// MailText renders a fragment of sanitised HTML as the text part of a
// mail: paragraphs a blank line apart and wrapped at 72 columns, list
// items marked ("- ", "1. "), quotes prefixed with "> ", code as written
// and indented, a link's address after its text, an image's alt text in
// brackets, table cells joined by " | ". Text (the search text) folds all
// of that into one line, which reads as a wall in a mail client.
//
// Libraries tried for this (github.com/inbucket/html2text,
// github.com/k3a/html2text) dropped an image's alt text and mid-sentence
// words with it, and left empty "> " lines or lost code's line breaks.
func MailText(h string) string {
	w := &mailWriter{}
	for _, n := range parseBody(h) {
		w.node(n)
	}
	w.flush()
	return strings.TrimRight(w.out.String(), "\n")
}

// mailWriter builds MailText's output: inline text gathers in para until
// a block ends it, then is wrapped under the current prefixes.
type mailWriter struct {
	out    strings.Builder
	para   strings.Builder
	prefix []string // one per open quote ("> ") or list item (spaces)
	marker string   // a list item's marker, for its first line
	mlevel int      // the prefix the marker stands in for
	gap    bool     // a blank line before the next output
	gapLvl int      // the prefixes that blank line carries: those of the outermost block that asked
	lists  int      // the lists open around the text
}

func (w *mailWriter) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.para.WriteString(n.Data)
		return
	case html.DocumentNode:
		w.children(n)
		return
	case html.ElementNode:
	default:
		return
	}
	if invisible[n.DataAtom] {
		return
	}
	switch n.DataAtom {
	case atom.Br:
		w.flush()
	case atom.Img:
		if alt := strings.TrimSpace(attr(n, "alt")); alt != "" {
			w.para.WriteString(" [" + alt + "] ")
		} else {
			w.para.WriteString(" [image] ")
		}
	case atom.A:
		// Footnotes: the reference reads "[1]", the way back is dropped
		// (a mail has no place to go back to).
		switch attr(n, "role") {
		case "doc-noteref":
			w.para.WriteString("[")
			w.children(n)
			w.para.WriteString("]")
			return
		case "doc-backlink":
			return
		}
		before := w.para.Len()
		w.children(n)
		if before > w.para.Len() { // a block inside the link wrote out its start
			before = 0
		}
		text := strings.TrimSpace(w.para.String()[before:])
		if href := attr(n, "href"); href != "" && !strings.HasPrefix(href, "#") && href != text && "mailto:"+text != href {
			w.para.WriteString(" <" + href + ">")
		}
	case atom.Pre:
		w.block()
		w.pre(n)
		w.wantGap()
	case atom.Blockquote:
		w.block()
		w.push("> ")
		w.children(n)
		w.flush()
		w.pop()
		w.wantGap()
	case atom.Ul, atom.Ol:
		if w.lists > 0 { // a list in a list item follows its line
			w.flush()
			w.list(n)
			return
		}
		w.block()
		w.list(n)
		w.wantGap()
	case atom.Hr:
		w.block()
		w.line("----")
		w.wantGap()
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		w.block()
		w.children(n)
		title := strings.Join(strings.Fields(w.para.String()), " ")
		w.flush()
		if title != "" {
			rule := "-"
			if n.DataAtom == atom.H1 || n.DataAtom == atom.H2 {
				rule = "="
			}
			w.line(strings.Repeat(rule, min(utf8.RuneCountInString(title), mailWidth)))
		}
		w.wantGap()
	case atom.Tr:
		w.flush()
		w.children(n)
		w.flush()
	case atom.Td, atom.Th:
		if prevElement(n) != nil {
			w.para.WriteString(" | ")
		}
		w.children(n)
	case atom.Table:
		w.block()
		w.children(n)
		w.flush()
		w.wantGap()
	default:
		if blockish[n.DataAtom] {
			w.block()
			w.children(n)
			w.flush()
			w.wantGap()
			return
		}
		w.children(n)
	}
}

func (w *mailWriter) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.node(c)
	}
}

// wantGap asks for a blank line before the next output, under the
// prefixes open now or, if an outer block asked first, under its.
func (w *mailWriter) wantGap() {
	if !w.gap || len(w.prefix) < w.gapLvl {
		w.gapLvl = len(w.prefix)
	}
	w.gap = true
}

// block ends the text before a block element and asks for a blank line.
func (w *mailWriter) block() {
	w.flush()
	w.wantGap()
}

// list writes the items of ul or ol n, each under its marker; items are a
// blank line apart only when they hold paragraphs of their own.
func (w *mailWriter) list(n *html.Node) {
	w.lists++
	defer func() { w.lists-- }()
	num, _ := strconv.Atoi(attr(n, "start"))
	if num == 0 {
		num = 1
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || c.DataAtom != atom.Li {
			continue
		}
		marker := "- "
		if n.DataAtom == atom.Ol {
			marker = strconv.Itoa(num) + ". "
			num++
		}
		w.flush()
		w.push(strings.Repeat(" ", len(marker)))
		w.marker, w.mlevel = marker, len(w.prefix)-1
		w.children(c)
		w.flush()
		w.marker = "" // an empty item still uses its marker up
		w.pop()
	}
}

// pre writes n's text as it stands, indented by four spaces.
func (w *mailWriter) pre(n *html.Node) {
	var b strings.Builder
	rawText(&b, n)
	w.push("    ")
	for _, l := range strings.Split(strings.TrimRight(b.String(), "\n"), "\n") {
		w.line(strings.TrimRight(l, " \t"))
	}
	w.pop()
}

func rawText(b *strings.Builder, n *html.Node) {
	if n.Type == html.TextNode {
		b.WriteString(n.Data)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		rawText(b, c)
	}
}

func (w *mailWriter) push(p string) { w.prefix = append(w.prefix, p) }
func (w *mailWriter) pop()          { w.prefix = w.prefix[:len(w.prefix)-1] }

// flush wraps the gathered text into lines under the prefixes.
func (w *mailWriter) flush() {
	words := strings.Fields(w.para.String())
	w.para.Reset()
	if len(words) == 0 {
		return
	}
	width := mailWidth - utf8.RuneCountInString(strings.Join(w.prefix, ""))
	var l strings.Builder
	for _, word := range words {
		if l.Len() > 0 && utf8.RuneCountInString(l.String())+1+utf8.RuneCountInString(word) > max(width, 20) {
			w.line(l.String())
			l.Reset()
		}
		if l.Len() > 0 {
			l.WriteByte(' ')
		}
		l.WriteString(word)
	}
	w.line(l.String())
}

// line writes one line under the prefixes: a list item's first line under
// its marker, and first the blank line a block asked for.
func (w *mailWriter) line(s string) {
	if w.gap && w.out.Len() > 0 {
		w.out.WriteString(strings.TrimRight(strings.Join(w.prefix[:min(w.gapLvl, len(w.prefix))], ""), " ") + "\n")
	}
	w.gap = false
	for i, p := range w.prefix {
		if w.marker != "" && i == w.mlevel {
			p = w.marker
		}
		w.out.WriteString(p)
	}
	w.marker = ""
	w.out.WriteString(s + "\n")
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func prevElement(n *html.Node) *html.Node {
	for c := n.PrevSibling; c != nil; c = c.PrevSibling {
		if c.Type == html.ElementNode {
			return c
		}
	}
	return nil
}
