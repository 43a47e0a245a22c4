package wxrimport

import (
	"regexp"
	"strings"
)

// WordPress's classic editor stores paragraphs as blank lines and line
// breaks as newlines; WordPress adds the <p> and <br> when it shows the
// post (wpautop), for post bodies and comments alike. Quire stores the
// HTML it shows, so the importer adds them once. Content of the block
// editor, and content that already has paragraphs, is left alone, which
// keeps a Quire export → import round trip unchanged.

var (
	preRE   = regexp.MustCompile(`(?is)<pre\b.*?</pre>`)
	blankRE = regexp.MustCompile(`\n[ \t]*\n`)
	blockRE = regexp.MustCompile(`(?i)^<(/?)(p|div|h[1-6]|ul|ol|li|dl|dt|dd|blockquote|pre|table|thead|tbody|tfoot|tr|td|th|caption|figure|figcaption|hr|form|fieldset|address|section|article|aside|header|footer|nav|details|summary|iframe|video|audio|object|style|!--)\b`)
	hasPRE  = regexp.MustCompile(`(?i)<p[\s>]`)
)

// needsAutop reports whether content is classic-editor text: no block
// editor markup and no paragraphs of its own.
func needsAutop(content string) bool {
	return !strings.Contains(content, "<!-- wp:") && !hasPRE.MatchString(content)
}

// autop wraps the blank-line separated paragraphs of s in <p> and turns
// the remaining newlines into <br>, leaving <pre> blocks and chunks that
// start with a block element as they are.
func autop(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	if strings.TrimSpace(s) == "" {
		return ""
	}
	var b strings.Builder
	last := 0
	for _, m := range preRE.FindAllStringIndex(s, -1) {
		paragraphs(&b, s[last:m[0]])
		b.WriteString(s[m[0]:m[1]])
		b.WriteByte('\n')
		last = m[1]
	}
	paragraphs(&b, s[last:])
	return strings.TrimSpace(b.String())
}

func paragraphs(b *strings.Builder, s string) {
	for _, chunk := range blankRE.Split(s, -1) {
		chunk = strings.TrimSpace(chunk)
		if chunk == "" {
			continue
		}
		if blockRE.MatchString(chunk) {
			b.WriteString(chunk)
		} else {
			b.WriteString("<p>")
			b.WriteString(strings.ReplaceAll(chunk, "\n", "<br>\n"))
			b.WriteString("</p>")
		}
		b.WriteByte('\n')
	}
}
