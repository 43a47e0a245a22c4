package render_test

import (
	"strings"
	"testing"

	"quire/internal/render"
)

// TestPostImageAttributes: the media library's snippet survives the post
// policy whole (srcset, sizes, loading, width, height, alt), and a srcset
// that smuggles another scheme is dropped.
func TestPostImageAttributes(t *testing.T) {
	r := render.New()
	snippet := `<img src="/media/0123456789abcdef0123456789abcdef-960.jpg" ` +
		`srcset="/media/0123456789abcdef0123456789abcdef-480.jpg 480w, /media/0123456789abcdef0123456789abcdef-960.jpg 960w, https://cdn.example/m/0123456789abcdef0123456789abcdef.jpg 2000w" ` +
		`sizes="(max-width: 42rem) 100vw, 42rem" loading="lazy" width="2000" height="1000" alt="A harbour at dawn">`
	for _, f := range []render.Format{render.Markdown, render.HTML} {
		out := mustRender(t, r, render.Post, f, snippet)
		for _, want := range []string{
			`src="/media/0123456789abcdef0123456789abcdef-960.jpg"`,
			`srcset="/media/0123456789abcdef0123456789abcdef-480.jpg 480w, /media/0123456789abcdef0123456789abcdef-960.jpg 960w, https://cdn.example/m/0123456789abcdef0123456789abcdef.jpg 2000w"`,
			`sizes="(max-width: 42rem) 100vw, 42rem"`, `loading="lazy"`, `width="2000"`, `height="1000"`, `alt="A harbour at dawn"`,
		} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: %s lost from %s", f, want, out)
			}
		}
	}
	for _, bad := range []string{
		`<img src="/a.jpg" srcset="data:image/svg+xml;base64,PHN2Zz4= 1x">`,
		`<img src="/a.jpg" srcset="/a.jpg 1x, javascript:alert(1) 2x">`,
		`<img src="/a.jpg" srcset="/a.jpg 480w,data:x 960w">`,
		`<img src="/a.jpg" sizes="expression(alert(1));">`,
	} {
		out := mustRender(t, r, render.Post, render.HTML, bad)
		if strings.Contains(out, "srcset") && (strings.Contains(out, "data:") || strings.Contains(out, "javascript:")) || strings.Contains(out, "expression") {
			t.Errorf("%s kept: %s", bad, out)
		}
	}
	// Comments allow no images at all.
	if out := mustRender(t, r, render.Comment, render.HTML, snippet); strings.Contains(out, "<img") {
		t.Errorf("comment kept the image: %s", out)
	}
}
