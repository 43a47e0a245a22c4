package render_test

import (
	"slices"
	"testing"
	"unicode/utf8"

	"quire/internal/render"
)

func TestText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"<p>a</p><p>b</p>", "a b"},
		{"E = mc<sup>2</sup>", "E = mc2"},
		{"<p>  lots \n\t of&nbsp;&nbsp;space </p>", "lots of space"},
		{"x &lt;script&gt; &amp; y", "x <script> & y"},
		{"<script>alert(1)</script><style>p{}</style>visible<!-- hidden -->", "visible"},
		{"line<br>break", "line break"},
		{"", ""},
	} {
		if got := render.Text(tc.in); got != tc.want {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestExcerptText(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"short text", 20, "short text"},
		{"short text", 10, "short text"},
		{"Hello wonderful world", 12, "Hello…"},
		{"Hello wonderful world", 16, "Hello wonderful…"},
		{"Hello, world again", 8, "Hello…"},                 // trailing comma goes
		{"日本語 の テキスト です", 8, "日本語 の…"},                      // runes, not bytes
		{"🎉🎉🎉 🎉🎉", 4, "🎉🎉🎉…"},                               // the cut lands at a boundary
		{"Supercalifragilistic", 6, "Super…"},               // one long word: cut inside
		{"<p>Tags <b>do not</b> count</p>", 11, "Tags do…"}, // text of the HTML
		{"a&amp;b c", 4, "a&b…"},
		{"anything", 0, ""},
	} {
		got := render.ExcerptText(tc.in, tc.n)
		if got != tc.want {
			t.Errorf("ExcerptText(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
		if tc.n > 0 && utf8.RuneCountInString(got) > tc.n {
			t.Errorf("ExcerptText(%q, %d) = %q: longer than %d runes", tc.in, tc.n, got, tc.n)
		}
	}
}

func TestLinks(t *testing.T) {
	in := `<p><a href=" https://a.example/x ">a</a> <a href="/rel">r</a> <a href="mailto:x@y.example">m</a>
<a href="javascript:alert(1)">j</a> <a href="HTTP://B.example/">b</a> <a>none</a> <a href="https://a.example/x">dup</a>
<a href="https:///nohost">h</a> <img src="https://img.example/i.png"><a href="ftp://f.example/">f</a></p>`
	want := []string{"https://a.example/x", "HTTP://B.example/", "https://a.example/x"}
	if got := render.Links(in); !slices.Equal(got, want) {
		t.Errorf("Links = %q, want %q", got, want)
	}
	if got := render.Links("no links"); got != nil {
		t.Errorf("Links(no links) = %q, want nil", got)
	}
}
