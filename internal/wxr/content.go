package wxr

import (
	"html"
	"regexp"
	"strings"
)

// blockComment matches a Gutenberg block delimiter: <!-- wp:name {attrs} -->,
// its self-closing form <!-- wp:name /-->, and <!-- /wp:name -->. Names may
// carry a namespace (wp:core/image, wp:jetpack/map). Attributes are JSON,
// in which the editor escapes "--", so the first "-->" after them ends it.
var blockComment = regexp.MustCompile(`<!--\s+/?wp:[a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_-]*)?(?:\s+\{(?s:.*?)\})?\s+/?-->\n?`)

// StripBlockComments removes the block editor's <!-- wp:… --> and
// <!-- /wp:… --> delimiters, keeping the HTML between them. Quire stores
// HTML; the delimiters only mean something to the block editor. Other
// HTML comments are left alone.
func StripBlockComments(s string) string {
	if !strings.Contains(s, "wp:") {
		return s
	}
	return blockComment.ReplaceAllString(s, "")
}

// shortcodeTag matches the opening of a shortcode: "[", a name, then "]",
// "/" or whitespace (WordPress's own pattern needs the list of registered
// names, which an export does not carry). Group 1 is a doubled "[" that
// escapes it; group 2 the name.
var shortcodeTag = regexp.MustCompile(`(\[?)\[([A-Za-z][A-Za-z0-9_-]*)(?:[\s/][^\[\]]*)?\](\]?)`)

// Shortcodes lists, in order of first appearance and without repeats, the
// names of the shortcodes in content: "[gallery ids=\"1,2\"]" and
// "[caption …]…[/caption]" give gallery and caption. Closing tags,
// shortcodes escaped as "[[name]]" and brackets right after a letter or
// digit (a[i]) are not listed. The importer reports the
// names it cannot convert, since they would show as literal text.
func Shortcodes(content string) []string {
	var names []string
	seen := map[string]bool{}
	for _, m := range shortcodeTag.FindAllStringSubmatchIndex(content, -1) {
		if m[3] > m[2] && m[7] > m[6] {
			continue // [[name]] is WordPress's escape for a literal [name]
		}
		if m[0] > 0 && isWordByte(content[m[0]-1]) {
			continue // a[i] is code or prose, not a shortcode
		}
		if name := content[m[4]:m[5]]; !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	return names
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// captionShortcode matches [caption attrs]inner[/caption].
var captionShortcode = regexp.MustCompile(`(?s)(\[?)\[caption(\s[^\]]*)?\](.*?)\[/caption\](\]?)`)

// captionImage splits a caption's inner HTML into the image (optionally
// wrapped in a link) and the caption text after it.
var captionImage = regexp.MustCompile(`(?s)^\s*((?:<a\s[^>]*>\s*)?<img\s[^>]*>(?:\s*</a>)?)\s*(.*?)\s*$`)

// shortcodeAttr matches name="value", name='value' or name=value.
var shortcodeAttr = regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))`)

// ConvertKnownShortcodes turns the shortcodes Quire can render as plain HTML
// into that HTML; today that is [caption], which becomes a <figure> with a
// <figcaption>, as WordPress renders it. Every other shortcode, and a
// caption whose content is not an image, stays as it is. The result still
// goes through the HTML sanitiser like all imported content.
func ConvertKnownShortcodes(content string) string {
	if !strings.Contains(content, "[caption") {
		return content
	}
	return captionShortcode.ReplaceAllStringFunc(content, func(sc string) string {
		m := captionShortcode.FindStringSubmatch(sc)
		if m[1] != "" && m[4] != "" {
			return sc[1 : len(sc)-1] // [[caption]…[/caption]] is a literal
		}
		attrs := parseAttrs(m[2])
		parts := captionImage.FindStringSubmatch(m[3])
		if parts == nil {
			return sc
		}
		img, text := parts[1], parts[2]
		if text == "" {
			// Before WordPress 3.4 the caption was an attribute.
			text = attrs["caption"]
		}
		var b strings.Builder
		b.WriteString("<figure")
		if id := attrs["id"]; id != "" {
			b.WriteString(` id="` + html.EscapeString(id) + `"`)
		}
		class := strings.TrimSpace("wp-caption " + attrs["align"] + " " + attrs["class"])
		b.WriteString(` class="` + html.EscapeString(class) + `">`)
		b.WriteString(img)
		if text != "" {
			b.WriteString(`<figcaption class="wp-caption-text">` + text + `</figcaption>`)
		}
		b.WriteString("</figure>")
		return b.String()
	})
}

func parseAttrs(s string) map[string]string {
	attrs := map[string]string{}
	for _, m := range shortcodeAttr.FindAllStringSubmatch(s, -1) {
		attrs[strings.ToLower(m[1])] = m[2] + m[3] + m[4]
	}
	return attrs
}
