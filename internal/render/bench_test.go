package render_test

import (
	"strings"
	"testing"

	"quire/internal/render"
)

// benchPost is a ~2 KB Markdown post with the usual furniture.
var benchPost = strings.Repeat(`## A section about *things*

Some prose with a [link](https://example.com/a?b=c), **strong words**, `+"`code`"+`
and an autolink https://example.org/path. Footnote here[^1].

| name | value |
|:-----|------:|
| a    | 1     |

`+"```go\nfunc main() { fmt.Println(\"hi\") }\n```"+`

- [x] done
- [ ] todo

> A quote, with <em>raw HTML</em>.

`, 6) + "[^1]: The footnote.\n"

const benchComment = "Thanks, I *really* liked this. See https://example.com/x and [docs](https://example.org/).\n\n> quoted bit\n\nOne more line <b>bold</b>."

func BenchmarkRenderPost(b *testing.B) {
	r := render.New()
	b.SetBytes(int64(len(benchPost)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Render(render.Post, render.Markdown, benchPost); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderComment(b *testing.B) {
	r := render.New()
	b.SetBytes(int64(len(benchComment)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Render(render.Comment, render.Markdown, benchComment); err != nil {
			b.Fatal(err)
		}
	}
}
