package render

import (
	"regexp"

	"github.com/microcosm-cc/bluemonday"
)

// Policies are allow-lists: an element or attribute not named here is
// removed (its text kept, except for the subtrees tree.go already dropped).
// None of them allows data: URIs (an SVG image can carry script), iframes,
// object/embed, forms and their controls, style elements or attributes,
// script, svg, math, event handlers, srcdoc, or user id/name attributes
// (DOM clobbering). Each policy is built once, by New.

var (
	// relTokens is what a rel attribute may hold: plain keywords. The value
	// is forced in every place but Post (see forcedRel in tree.go).
	relTokens = regexp.MustCompile(`^[a-zA-Z]+( [a-zA-Z]+)*$`)
	// langTag is a BCP 47-looking language tag.
	langTag = regexp.MustCompile(`^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$`)
	// direction is the dir attribute; bluemonday's Direction lacks "auto".
	direction = regexp.MustCompile(`^(?i:rtl|ltr|auto)$`)
	// codeLanguage is goldmark's fenced-code class, kept for highlighters.
	codeLanguage = regexp.MustCompile(`^language-[a-zA-Z0-9_+#.-]{1,40}$`)
	// srcsetValue is an img srcset of http(s) or root-relative URLs, each
	// with a width or density: bluemonday checks the URL of src but not
	// those inside srcset, so this pattern is what keeps data: and
	// javascript: out of it.
	srcsetValue = regexp.MustCompile(`^(?:https?://|/)[^\s,]+\s+[0-9]{1,5}(?:w|(?:\.[0-9]+)?x)(?:,\s*(?:https?://|/)[^\s,]+\s+[0-9]{1,5}(?:w|(?:\.[0-9]+)?x))*$`)
	// sizesValue is an img sizes: media conditions and CSS lengths.
	sizesValue = regexp.MustCompile(`^[a-zA-Z0-9 ().,:%+*/-]{1,200}$`)
)

// textLevel are the inline elements every place but Excerpt allows: ordinary
// prose markup with no way to load anything or to style the page.
var textLevel = []string{
	"a", "em", "strong", "b", "i", "u", "s", "del", "ins", "code", "kbd", "samp", "var",
	"sup", "sub", "mark", "abbr", "q", "cite", "small", "span", "bdo", "bdi", "wbr", "br",
}

// base is the part the richer policies share: links to http, https and
// mailto (RequireParseableURLs rejects anything url.Parse refuses, including URLs
// with control characters or spaces), relative URLs for links to the blog
// itself, a keyword-only rel, and title/lang/dir on whatever is allowed.
func base() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	// Not AllowStandardURLs: it also forces rel="nofollow", which posts do
	// not want; the rel of other places is set in tree.go.
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(true)
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("rel").Matching(relTokens).OnElements("a")
	p.AllowAttrs("title").Matching(bluemonday.Paragraph).Globally()
	p.AllowAttrs("lang").Matching(langTag).Globally()
	p.AllowAttrs("dir").Matching(direction).Globally()
	return p
}

// commentPolicy is for readers' comments: text-level markup plus the blocks a
// discussion needs (paragraphs, quotes, code, lists, a rule, a spoiler). No
// headings (a comment is not a section of the page), no images (tracking
// pixels, unwanted pictures in a thread), no tables. Links get rel="nofollow
// ugc noopener" in the tree pass: a comment link earns no ranking, which
// removes the reason to spam.
func commentPolicy() *bluemonday.Policy {
	p := base()
	p.AllowElements(textLevel...)
	p.AllowElements("p", "pre", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "hr", "details", "summary")
	p.AllowAttrs("cite").OnElements("blockquote", "q", "del", "ins")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	return p
}

// bioPolicy is for the few lines of a profile or guest byline: the comment
// policy without lists, pre, quotes and other blocks, so a bio stays a
// paragraph or two inside its box on the post page.
func bioPolicy() *bluemonday.Policy {
	p := base()
	p.AllowElements(textLevel...)
	p.AllowElements("p")
	p.AllowAttrs("cite").OnElements("q", "del", "ins")
	return p
}

// excerptPolicy is for text from elsewhere (a linkback's excerpt of a remote
// page) and for plain summaries: text-level only, shown inline in a list, so
// no blocks; a space replaces each stripped tag so words of adjacent
// paragraphs do not run together. Relative URLs are refused: in a remote
// page's excerpt they would point into this blog.
func excerptPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("rel").Matching(relTokens).OnElements("a")
	p.AllowElements("a", "em", "strong", "code")
	p.AddSpaceWhenStrippingTag(true)
	return p
}

// postPolicy is for post bodies, the blog's own authors' and (with rel forced
// to "nofollow ugc" in the tree pass) guests': the comment policy plus
// headings h2–h6 (h1 is demoted to h2 in the tree pass, the page's one h1 is
// the title), images from http(s) or the blog's own uploads with alt and size,
// tables, figures, and what goldmark writes for fenced code (class
// language-x) and footnotes (prefixed ids, classes and roles). Authors are
// trusted with their own rel, but not with script: the URL schemes are the
// same allow-list as everywhere, so javascript:, vbscript: and data: never pass.
func postPolicy() *bluemonday.Policy {
	p := commentPolicy()
	p.AllowElements("h2", "h3", "h4", "h5", "h6", "figure", "figcaption", "div",
		"table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col", "img")
	p.AllowAttrs("src").OnElements("img")
	p.AllowAttrs("alt").OnElements("img")
	p.AllowAttrs("width", "height").Matching(bluemonday.Integer).OnElements("img")
	p.AllowAttrs("loading").Matching(regexp.MustCompile(`^(lazy|eager)$`)).OnElements("img")
	// Responsive images, as the media library's snippet writes them.
	p.AllowAttrs("srcset").Matching(srcsetValue).OnElements("img")
	p.AllowAttrs("sizes").Matching(sizesValue).OnElements("img")
	p.AllowAttrs("align").Matching(regexp.MustCompile(`^(left|center|right)$`)).OnElements("th", "td")
	p.AllowAttrs("colspan", "rowspan").Matching(bluemonday.Integer).OnElements("th", "td")
	p.AllowAttrs("span").Matching(bluemonday.Integer).OnElements("col", "colgroup")
	p.AllowAttrs("scope").Matching(regexp.MustCompile(`^(row|col|rowgroup|colgroup)$`)).OnElements("th")
	p.AllowAttrs("class").Matching(codeLanguage).OnElements("code")
	// Server-side highlighting (highlight.go): chroma's short token classes
	// on span, "chroma" on pre. Classes only colour text; a user writing
	// them by hand gains nothing else.
	p.AllowAttrs("class").Matching(chromaClass).OnElements("span")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^chroma$`)).OnElements("pre")
	p.AllowAttrs("tabindex").Matching(regexp.MustCompile(`^0$`)).OnElements("pre") // keyboard scrolling
	// Heading anchors for the table of contents (tree.go writes them).
	p.AllowAttrs("id").Matching(headingID).OnElements("h2", "h3", "h4")
	// Footnotes: tree.go lets through only ids matching footnoteID.
	p.AllowAttrs("id").Matching(footnoteID).OnElements("sup", "li")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^footnote-(ref|backref)$`)).OnElements("a")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^footnotes$`)).OnElements("div")
	p.AllowAttrs("role").Matching(regexp.MustCompile(`^doc-(noteref|backlink|endnotes)$`)).OnElements("a", "div")
	return p
}
