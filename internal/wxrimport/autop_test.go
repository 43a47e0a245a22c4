package wxrimport

import "testing"

func TestAutop(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"one\ntwo\n\nthree", "<p>one<br>\ntwo</p>\n<p>three</p>"},
		{"<blockquote>q</blockquote>\n\nx", "<blockquote>q</blockquote>\n<p>x</p>"},
		{"a\n\n<pre>b\n\nc</pre>\n\nd", "<p>a</p>\n<pre>b\n\nc</pre>\n<p>d</p>"},
		{"  \n ", ""},
	} {
		if got := autop(c.in); got != c.want {
			t.Errorf("autop(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if needsAutop("<p>x</p>") || needsAutop("<!-- wp:paragraph -->x") || !needsAutop("x\n\ny") {
		t.Error("needsAutop")
	}
}

func TestOldPath(t *testing.T) {
	for _, c := range [][3]string{
		{"https://old.example", "https://old.example/2024/04/x/", "/2024/04/x"},
		{"https://old.example/blog/", "https://old.example/blog/2024/x/", "/2024/x"},
		{"https://old.example", "https://old.example/?p=3", ""},
		{"https://old.example", "https://other.example/x/", ""},
		{"https://old.example", "https://old.example/x/?lang=en", "/x?lang=en"},
	} {
		if got := oldPath(c[0], c[1]); got != c[2] {
			t.Errorf("oldPath(%q, %q) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
}
