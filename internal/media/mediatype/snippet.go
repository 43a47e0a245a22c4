package mediatype

import (
	"html"
	"strconv"
	"strings"
)

// Sizes tells the browser how wide a post image is drawn: the full viewport
// on a phone, the text column (42rem, quire.css's --measure) elsewhere.
const Sizes = "(max-width: 42rem) 100vw, 42rem"

// defaultWidth is the width of the src fallback, for browsers that ignore
// srcset: sharp in the text column, not the full original.
const defaultWidth = 960

// Image is a stored image as the snippet needs it.
type Image struct {
	Original Variant
	Variants []Variant // by increasing width, all narrower than Original
	Alt      string
	Caption  string
}

// SrcSet is the srcset value: every variant and the original with its width.
func (im Image) SrcSet(url func(string) string) string {
	var b strings.Builder
	for _, v := range append(im.Variants[:len(im.Variants):len(im.Variants)], im.Original) {
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(url(v.Name) + " " + strconv.Itoa(v.Width) + "w")
	}
	return b.String()
}

// Src is the fallback URL: the widest variant up to defaultWidth.
func (im Image) Src(url func(string) string) string {
	best := im.Original
	for _, v := range im.Variants {
		if v.Width <= defaultWidth {
			best = v
		}
	}
	return url(best.Name)
}

// Snippet is the HTML an author pastes into a post (Markdown passes HTML
// through to the post sanitiser, which keeps these attributes): a lazy,
// responsive img whose width and height reserve its space before it loads,
// in a figure with a figcaption when there is a caption.
func (im Image) Snippet(url func(string) string) string {
	e := html.EscapeString
	img := `<img src="` + e(im.Src(url)) + `" srcset="` + e(im.SrcSet(url)) + `" sizes="` + Sizes +
		`" loading="lazy" width="` + strconv.Itoa(im.Original.Width) + `" height="` + strconv.Itoa(im.Original.Height) +
		`" alt="` + e(im.Alt) + `">`
	if im.Caption == "" {
		return img
	}
	return "<figure>" + img + "<figcaption>" + e(im.Caption) + "</figcaption></figure>"
}
