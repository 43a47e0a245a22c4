package media

import (
	"html"
	"regexp"
	"strconv"
	"strings"

	xhtml "golang.org/x/net/html"
)

// fileHashRE finds the library hash in an image file's name: HASH.jpg or
// HASH-960.png, wherever the file is served from.
var fileHashRE = regexp.MustCompile(`([0-9a-f]{32})(?:-[0-9]{1,5})?\.(?:jpg|png)$`)

// ImageHashes returns the library hashes of the images in bodyHTML.
func ImageHashes(bodyHTML string) []string {
	var out []string
	z := xhtml.NewTokenizer(strings.NewReader(bodyHTML))
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			return out
		}
		if tt != xhtml.StartTagToken && tt != xhtml.SelfClosingTagToken {
			continue
		}
		if name, _ := z.TagName(); string(name) != "img" {
			continue
		}
		for more := true; more; {
			var k, v []byte
			k, v, more = z.TagAttr()
			if string(k) == "src" {
				if m := fileHashRE.FindStringSubmatch(string(v)); m != nil {
					out = append(out, m[1])
				}
			}
		}
	}
}

// Responsive returns bodyHTML with every img from the library made
// responsive: an img whose src names a library file (Markdown's
// ![alt](/media/HASH.jpg), which is what "Insert image" writes) and has no
// srcset gets the library's srcset and sizes, its width and height (so
// nothing shifts while it loads) and lazy loading. Other images and the
// rest of the HTML pass through byte for byte. images maps hashes to the
// library's images; url makes a file's address.
func Responsive(bodyHTML string, images map[string]Image, url func(string) string) string {
	if len(images) == 0 {
		return bodyHTML
	}
	var b strings.Builder
	b.Grow(len(bodyHTML) + 256*len(images))
	z := xhtml.NewTokenizer(strings.NewReader(bodyHTML))
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			return b.String()
		}
		raw := z.Raw()
		if tt != xhtml.StartTagToken && tt != xhtml.SelfClosingTagToken {
			b.Write(raw)
			continue
		}
		t := z.Token()
		if t.Data != "img" {
			b.Write(raw)
			continue
		}
		im, ok := Image{}, false
		has := map[string]bool{}
		for _, a := range t.Attr {
			has[a.Key] = true
			if a.Key == "src" {
				if m := fileHashRE.FindStringSubmatch(a.Val); m != nil {
					im, ok = images[m[1]]
				}
			}
		}
		if !ok || has["srcset"] {
			b.Write(raw)
			continue
		}
		add := []xhtml.Attribute{{Key: "srcset", Val: im.SrcSet(url)}, {Key: "sizes", Val: Sizes}}
		if !has["width"] && !has["height"] {
			add = append(add, xhtml.Attribute{Key: "width", Val: strconv.Itoa(im.Original.Width)},
				xhtml.Attribute{Key: "height", Val: strconv.Itoa(im.Original.Height)})
		}
		if !has["loading"] {
			add = append(add, xhtml.Attribute{Key: "loading", Val: "lazy"})
		}
		b.WriteString("<img")
		for _, a := range append(t.Attr, add...) {
			b.WriteString(" " + a.Key + `="` + html.EscapeString(a.Val) + `"`)
		}
		b.WriteString(">")
	}
}
