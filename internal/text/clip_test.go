package text

import (
	"testing"
	"unicode/utf8"
)

func TestClipAndEllipsis(t *testing.T) {
	tests := []struct {
		in       string
		n        int
		clip     string
		ellipsis string
	}{
		{"hello", 10, "hello", "hello"},
		{"hello", 5, "hello", "hello"},
		{"hello world", 5, "hello", "hell…"},
		{"a\x00b", 5, "ab", "ab"},
		{"ok\xffgo", 10, "okgo", "okgo"},
		{"héllo", 2, "h", "h…"},   // é is two bytes: the cut falls inside it
		{"日本語です", 4, "日", "日本語…"}, // three bytes a character
		{"word  next", 6, "word  ", "word…"},
		{"x", 0, "", ""},
	}
	for _, tt := range tests {
		if got := Clip(tt.in, tt.n); got != tt.clip {
			t.Errorf("Clip(%q, %d) = %q; want %q", tt.in, tt.n, got, tt.clip)
		}
		if got := Ellipsis(tt.in, tt.n); got != tt.ellipsis {
			t.Errorf("Ellipsis(%q, %d) = %q; want %q", tt.in, tt.n, got, tt.ellipsis)
		}
	}
}

func FuzzClip(f *testing.F) {
	f.Add("héllo wörld", 3)
	f.Add("a\x00\xff", 1)
	f.Fuzz(func(t *testing.T, s string, n int) {
		if n < 0 || n > 1000 {
			return
		}
		c := Clip(s, n)
		if len(c) > n || !utf8.ValidString(c) || !Storable(c) {
			t.Fatalf("Clip(%q, %d) = %q", s, n, c)
		}
		e := Ellipsis(s, n)
		if utf8.RuneCountInString(e) > n || !utf8.ValidString(e) || !Storable(e) {
			t.Fatalf("Ellipsis(%q, %d) = %q", s, n, e)
		}
	})
}
