package wxr

import (
	"reflect"
	"testing"
)

func TestStripBlockComments(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<!-- wp:paragraph -->\n<p>Hi</p>\n<!-- /wp:paragraph -->", "<p>Hi</p>\n"},
		{`<!-- wp:image {"id":12,"sizeSlug":"large"} -->` + "\n<figure><img src=\"a.jpg\"/></figure>\n<!-- /wp:image -->\n\n<!-- wp:separator /-->\n",
			"<figure><img src=\"a.jpg\"/></figure>\n\n"},
		{"<!-- wp:jetpack/map {\"points\":[{\"a\":\"x\\u002d\\u002dy\"}]} /-->after", "after"},
		{"<!-- wp:core/quote {\n  \"a\": 1\n} --><blockquote>q</blockquote><!-- /wp:core/quote -->", "<blockquote>q</blockquote>"},
		{"<!-- a normal comment --><p>x</p><!--more-->", "<!-- a normal comment --><p>x</p><!--more-->"},
		{"no blocks", "no blocks"},
	}
	for _, tt := range tests {
		if got := StripBlockComments(tt.in); got != tt.want {
			t.Errorf("StripBlockComments(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestShortcodes(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{`[gallery ids="1,2"]`, []string{"gallery"}},
		{`[caption id="a" align="alignleft"]<img src="x"> Text[/caption] and [gallery] [gallery/]`, []string{"caption", "gallery"}},
		{`[[escaped]] but [real]`, []string{"real"}},
		{`[embed]https://youtu.be/x[/embed] [contact-form-7 id="5" title="Contact"]`, []string{"embed", "contact-form-7"}},
		{`footnote [1], array a[i], [/closing] only`, nil},
	}
	for _, tt := range tests {
		if got := Shortcodes(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Shortcodes(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestConvertKnownShortcodes(t *testing.T) {
	tests := []struct{ in, want string }{
		{`[caption id="attachment_12" align="aligncenter" width="300"]<img src="l.jpg" alt="" /> Loch Lomond[/caption]`,
			`<figure id="attachment_12" class="wp-caption aligncenter"><img src="l.jpg" alt="" /><figcaption class="wp-caption-text">Loch Lomond</figcaption></figure>`},
		{`[caption align="alignleft" caption="Old & style"]<a href="/big.jpg"><img src="s.jpg"></a>[/caption]`,
			`<figure class="wp-caption alignleft"><a href="/big.jpg"><img src="s.jpg"></a><figcaption class="wp-caption-text">Old & style</figcaption></figure>`},
		{`[caption]just text[/caption]`, `[caption]just text[/caption]`},
		{`[[caption]<img src="x"> y[/caption]]`, `[caption]<img src="x"> y[/caption]`},
		{`[gallery ids="1"] stays`, `[gallery ids="1"] stays`},
	}
	for _, tt := range tests {
		if got := ConvertKnownShortcodes(tt.in); got != tt.want {
			t.Errorf("ConvertKnownShortcodes(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}
