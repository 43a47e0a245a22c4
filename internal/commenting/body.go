package commenting

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"quire/internal/render"
)

// renderBody returns the HTML of a comment's Markdown body src, as
// render.Renderer.Render makes it for render.Comment, and the links in
// it (render.Links), which the moderation rules count.
//
// Most comments are a few lines of plain prose, for which the whole
// pipeline (goldmark, a parse and re-render with x/net/html, bluemonday,
// then another parse to find links) only wraps paragraphs and escapes
// two characters, at a cost of some 14 KB of garbage a comment. Those go
// through plainHTML; anything else through the pipeline.
// TestPlainHTMLMatchesRender holds the two to the same bytes.
func renderBody(r *render.Renderer, src string) (html string, links []string, err error) {
	if h, ok := plainHTML(src); ok {
		return h, nil, nil
	}
	html, err = r.Render(render.Comment, render.Markdown, src)
	if err != nil {
		return "", nil, err
	}
	return html, render.Links(html), nil
}

// plainHTML returns what the comment pipeline makes of src when src is
// plain prose that Markdown, linkify, the tree pass and the sanitiser can
// only wrap and escape: every line starts with a letter and does not end
// in a space; between them are only letters, digits, spaces and the
// punctuation . , ; : ? ! ( ) ' " - (no markup, entity, escape, emphasis,
// list or quote marker, nothing linkify takes for an address: no "/",
// "@" or "www."); lines are separated by "\n" (the form's CR LF is
// normalised by comment.Draft.Validate; a stray "\r" goes the slow way).
// Then a run of lines is a paragraph, each line break a <br/>, and
// blank lines separate paragraphs. ok is false for anything else.
func plainHTML(src string) (html string, ok bool) {
	if src == "" || len(src) > 16<<10 || hasWWW(src) {
		return "", false
	}
	var b strings.Builder
	b.Grow(len(src) + len(src)/8 + 16)
	open := false // inside a paragraph
	for line := range strings.SplitSeq(src, "\n") {
		if line == "" {
			if open {
				b.WriteString("</p>\n")
				open = false
			}
			continue
		}
		if !plainLine(line) {
			return "", false
		}
		if open {
			b.WriteString("<br/>\n")
		} else {
			b.WriteString("<p>")
			open = true
		}
		for i := 0; i < len(line); i++ {
			switch c := line[i]; c {
			case '\'':
				b.WriteString("&#39;")
			case '"':
				b.WriteString("&#34;")
			default:
				b.WriteByte(c)
			}
		}
	}
	if open {
		b.WriteString("</p>\n")
	}
	return b.String(), true
}

// plainLine reports whether one line of a body is plain in plainHTML's
// sense.
func plainLine(line string) bool {
	first, _ := utf8.DecodeRuneInString(line)
	if !isLetter(first) || line[len(line)-1] == ' ' {
		return false
	}
	for i := 0; i < len(line); {
		c := line[i]
		if c < utf8.RuneSelf {
			if !plainASCII(c) {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(line[i:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false // includes utf8.RuneError, and every non-ASCII space and mark
		}
		i += n
	}
	return true
}

// isLetter: an ASCII or other letter (not U+FFFD, which is a symbol).
func isLetter(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || r >= utf8.RuneSelf && unicode.IsLetter(r)
}

// plainASCII: the ASCII characters a plain line may hold.
func plainASCII(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte(" .,;:?!()'\"-", c) >= 0
}

// hasWWW reports whether s contains "www." in any case (linkify's cue
// for an address without a scheme).
func hasWWW(s string) bool {
	for i := 0; i+4 <= len(s); i++ {
		if s[i]|0x20 == 'w' && s[i+1]|0x20 == 'w' && s[i+2]|0x20 == 'w' && s[i+3] == '.' {
			return true
		}
	}
	return false
}
