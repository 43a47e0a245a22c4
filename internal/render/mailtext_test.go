package render

import "testing"

func TestMailText(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"paragraphs apart", "<p>One.</p><p>Two.</p>", "One.\n\nTwo."},
		{"a link's address after its text", `<p>See <a href="https://e.example/a">the notes</a>.</p>`, "See the notes <https://e.example/a>."},
		{"a bare address once", `<p><a href="https://e.example/">https://e.example/</a></p>`, "https://e.example/"},
		{"a fragment link keeps its text only", `<p>See <a href="#later">below</a>.</p>`, "See below."},
		{"footnotes", `<p>Fact.<sup id="fnref:1"><a class="footnote-ref" href="#fn:1" role="doc-noteref">1</a></sup></p>` +
			`<div class="footnotes" role="doc-endnotes"><hr/><ol><li id="fn:1"><p>Note. <a class="footnote-backref" href="#fnref:1" role="doc-backlink">↩︎</a></p></li></ol></div>`,
			"Fact.[1]\n\n----\n\n1. Note."},
		{"an image's alt text", `<p>An <img src="/x.png" alt="owl"> here and <img src="/y.png">.</p>`, "An [owl] here and [image] ."},
		{"a tight list", "<ul><li>one <em>two</em></li><li>three</li></ul>", "- one two\n- three"},
		{"a numbered list from its start", `<ol start="3"><li>c</li><li>d</li></ol>`, "3. c\n4. d"},
		{"a nested list", "<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>", "- a\n  - b\n- c"},
		{"a loose list", "<ol><li><p>a</p></li><li><p>b</p></li></ol>", "1. a\n\n2. b"},
		{"a quote after a list", "<ol><li>a</li></ol><blockquote><p>Said.</p></blockquote>", "1. a\n\n> Said."},
		{"a quote", "<blockquote><p>Said.</p><p>Again.</p></blockquote><p>After.</p>", "> Said.\n>\n> Again.\n\nAfter."},
		{"code as written", "<p>Run:</p><pre><code>if x {\n\treturn\n}\n</code></pre>", "Run:\n\n    if x {\n    \treturn\n    }"},
		{"headings underlined", "<h2>Notes</h2><p>Text.</p><h3>More</h3>", "Notes\n=====\n\nText.\n\nMore\n----"},
		{"a table's cells", "<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>", "a | b\n1 | 2"},
		{"a line break", "<p>one<br>two</p>", "one\ntwo"},
		{"a rule", "<p>a</p><hr><p>b</p>", "a\n\n----\n\nb"},
		{"entities decoded, scripts dropped", "<p>a &amp; b<script>x()</script></p>", "a & b"},
		{"long lines wrap at 72", "<p>" + "word " + "word word word word word word word word word word word word word word word</p>",
			"word word word word word word word word word word word word word word\nword word"},
		{"a block inside a link (found by FuzzRender)", `<a href="https://e.example/">0<div>1</div></a>`, "0\n\n1\n\n<https://e.example/>"},
		{"empty", "", ""},
	} {
		if got := MailText(tc.in); got != tc.want {
			t.Errorf("%s: MailText(%q)\n got %q\nwant %q", tc.name, tc.in, got, tc.want)
		}
	}
}
