package render_test

import (
	"net/url"
	"testing"

	"quire/internal/render"
)

func TestAbsolute(t *testing.T) {
	base, _ := url.Parse("https://blog.example/posts/x")
	mail := render.AbsoluteOptions{KeepFragments: true, DropSrcset: true, ImageStyle: "max-width:100%;height:auto"}
	for _, tc := range []struct {
		name, in string
		o        render.AbsoluteOptions
		want     string
	}{
		{"feed: links, fragments, images and their srcset",
			`<p><a href="/posts/y">y</a> <a href="#fn1">1</a> <img src="/media/a.png" srcset="/media/a-480.png 480w, /media/a-960.png 960w" alt="a"></p>`,
			render.AbsoluteOptions{},
			`<p><a href="https://blog.example/posts/y">y</a> <a href="https://blog.example/posts/x#fn1">1</a> <img src="https://blog.example/media/a.png" srcset="https://blog.example/media/a-480.png 480w, https://blog.example/media/a-960.png 960w" alt="a"/></p>`},
		{"mail: fragments kept, srcset dropped, images styled",
			`<p><a href="/posts/y">y</a> <a href="#n">n</a> <img src="/media/a.png" srcset="/media/a2.png 2x" alt="a"></p>`,
			mail,
			`<p><a href="https://blog.example/posts/y">y</a> <a href="#n">n</a> <img src="https://blog.example/media/a.png" alt="a" style="max-width:100%;height:auto"/></p>`},
		{"absolute URLs and other attributes untouched",
			`<a href="https://elsewhere.example/a?b=1" rel="nofollow ugc">e</a><video poster="p.jpg"><source src="v.mp4"></video>`,
			render.AbsoluteOptions{},
			`<a href="https://elsewhere.example/a?b=1" rel="nofollow ugc">e</a><video poster="https://blog.example/posts/p.jpg"><source src="https://blog.example/posts/v.mp4"/></video>`},
		{"a srcset without descriptors", `<img src="a.png" srcset="/a.png">`, render.AbsoluteOptions{},
			`<img src="https://blog.example/posts/a.png" srcset="https://blog.example/a.png"/>`},
		{"text alone", `plain words &amp; more`, render.AbsoluteOptions{}, `plain words &amp; more`},
	} {
		got, err := render.Absolute(tc.in, base, tc.o)
		if err != nil || got != tc.want {
			t.Errorf("%s:\ngot  %s (%v)\nwant %s", tc.name, got, err, tc.want)
		}
	}
}
