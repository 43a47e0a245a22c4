package post

import (
	"testing"
	"unicode/utf8"
)

// FuzzSlugify: whatever the title, the slug is valid or empty.
func FuzzSlugify(f *testing.F) {
	for _, s := range []string{"Hello, World", "Ærø", "日本語", "a--b", "\xff\x00", "ﬁ ① Ⅻ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, title string) {
		s := Slugify(title)
		if s != "" && !ValidSlug(s) {
			t.Fatalf("Slugify(%q) = %q", title, s)
		}
	})
}

// FuzzParseCursor: any string is refused or decodes to a cursor that
// encodes back to an equal one; nothing panics.
func FuzzParseCursor(f *testing.F) {
	f.Add("")
	f.Add(Cursor{ID: 5}.String())
	f.Add("YS4xLjE")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCursor(s)
		if err != nil || c.IsZero() {
			return
		}
		d, err := ParseCursor(c.String())
		if err != nil || d.ID != c.ID || !d.At.Equal(c.At) || d.Before != c.Before {
			t.Fatalf("%q: %+v then %+v (%v)", s, c, d, err)
		}
	})
}

// FuzzTerms: parsed terms always validate or are reported, never panic,
// and names stay valid UTF-8.
func FuzzTerms(f *testing.F) {
	f.Add("Go, go, , PostgreSQL")
	f.Fuzz(func(t *testing.T, list string) {
		for _, term := range ParseTerms(Tag, list) {
			if !utf8.ValidString(term.Name) {
				t.Fatalf("invalid UTF-8 name %q", term.Name)
			}
			_ = term.Validate()
		}
	})
}
