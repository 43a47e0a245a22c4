package media

import (
	"strings"
	"testing"
)

func TestResponsive(t *testing.T) {
	const h = "0123456789abcdef0123456789abcdef"
	im := Image{Original: Variant{Name: h + ".jpg", Width: 2000, Height: 1000},
		Variants: []Variant{{Name: h + "-480.jpg", Width: 480, Height: 240}, {Name: h + "-960.jpg", Width: 960, Height: 480}}}
	url := func(n string) string { return "/media/" + n }
	images := map[string]Image{h: im}
	tests := []struct {
		name, in string
		want     []string // substrings of the output
		same     bool     // the output is the input
	}{
		{"markdown image", `<p><img src="/media/` + h + `.jpg" alt="Boats"></p>`,
			[]string{`srcset="/media/` + h + `-480.jpg 480w, /media/` + h + `-960.jpg 960w, /media/` + h + `.jpg 2000w"`,
				`width="2000"`, `height="1000"`, `loading="lazy"`, `alt="Boats"`, `sizes="`}, false},
		{"variant named", `<img src="https://cdn.example.invalid/q/` + h + `-960.jpg" alt="">`, []string{`srcset=`}, false},
		{"already responsive", `<img src="/media/` + h + `.jpg" srcset="/x 1w" alt="">`, nil, true},
		{"not from the library", `<img src="/media/ffffffffffffffffffffffffffffffff.jpg" alt="x">`, nil, true},
		{"other html intact", `<h2 id="a">T &amp; U</h2><pre><code>&lt;img src=x&gt;</code></pre>`, nil, true},
		{"size kept", `<img src="/media/` + h + `.jpg" width="300" alt="">`, []string{`width="300"`, `srcset=`}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Responsive(tt.in, images, url)
			if tt.same && got != tt.in {
				t.Fatalf("changed:\n in %s\nout %s", tt.in, got)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %q in %s", w, got)
				}
			}
			if strings.Count(got, "height=") > 1 {
				t.Errorf("height twice: %s", got)
			}
		})
	}
	if hs := ImageHashes(`<p><img src="/media/` + h + `-480.jpg"><img src="/x.gif"></p>`); len(hs) != 1 || hs[0] != h {
		t.Errorf("ImageHashes = %v", hs)
	}
}
