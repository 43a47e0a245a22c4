package render_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"quire/internal/render"
	"quire/internal/render/safetest"
)

// FuzzRender feeds arbitrary input through every place and both formats.
// Seeds are the public XSS vectors and benign rows, so the whole corpus runs
// in every plain `go test`; `go test -fuzz=FuzzRender` mutates from there.
func FuzzRender(f *testing.F) {
	for _, v := range loadVectors(f) {
		f.Add(v.Payload)
	}
	for _, b := range loadBenign(f) {
		f.Add(b.HTML)
	}
	f.Add("# h\n\n| a |\n|---|\n| <a href=x> |\n\n[^1]\n\n[^1]: n\n\n- [x] t\n\n```js\n</code><script>\n```")
	r := render.New()
	f.Fuzz(func(t *testing.T, src string) {
		for _, place := range render.Places() {
			for _, format := range formats {
				out, err := r.Render(place, format, src)
				if err != nil {
					t.Fatalf("%v %s: %v", place, format, err)
				}
				if p := safetest.Unsafe(out); len(p) > 0 {
					t.Fatalf("%v %s: %s\nin:  %q\nout: %q", place, format, strings.Join(p, "; "), src, out)
				}
				if !utf8.ValidString(out) || strings.ContainsRune(out, 0) {
					t.Fatalf("%v %s: output not valid UTF-8 without NUL: %q", place, format, out)
				}
				// The mail's text part of what was stored (text/plain: a
				// "<" in it is a character the post wrote, not markup).
				if txt := render.MailText(out); !utf8.ValidString(txt) || strings.ContainsRune(txt, 0) {
					t.Fatalf("%v %s: MailText output not valid UTF-8 without NUL: %q", place, format, txt)
				}
			}
		}
		_ = render.Links(src)
		if e := render.ExcerptText(src, 40); utf8.RuneCountInString(e) > 40 || !utf8.ValidString(e) {
			t.Fatalf("ExcerptText: %q", e)
		}
	})
}
