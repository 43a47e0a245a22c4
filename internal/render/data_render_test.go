package render_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"quire/internal/render"
	"quire/internal/render/safetest"
)

var formats = []render.Format{render.HTML, render.Markdown}

// TestXSSVectors runs every public payload through every place and both
// formats: nothing executable may come out, and the output must be storable
// (valid UTF-8, no NUL).
func TestXSSVectors(t *testing.T) {
	r := render.New()
	vs := loadVectors(t)
	for _, v := range vs {
		for _, place := range render.Places() {
			for _, f := range formats {
				out, err := r.Render(place, f, v.Payload)
				if err != nil {
					t.Errorf("%s %v %s: %v", v.ID, place, f, err)
					continue
				}
				if p := safetest.Unsafe(out); len(p) > 0 {
					t.Errorf("%s %v %s: %s\npayload: %q\noutput:  %q", v.ID, place, f, strings.Join(p, "; "), v.Payload, out)
				}
				if !utf8.ValidString(out) || strings.ContainsRune(out, 0) {
					t.Errorf("%s %v %s: output not valid UTF-8 without NUL: %q", v.ID, place, f, out)
				}
			}
		}
	}
	// The Sanitize entry point is what imports use; it must agree.
	for _, v := range vs {
		if p := safetest.Unsafe(r.Sanitize(render.Post, v.Payload)); len(p) > 0 {
			t.Errorf("%s Sanitize: %s", v.ID, strings.Join(p, "; "))
		}
	}
}

// TestBenignHTML: ordinary markup must survive meaningfully. scope=comment
// rows must hold in comments and posts (and guest posts), with expect_added
// (rel=nofollow …) checked on every link of the comment output; scope=post
// rows in posts and guest posts.
func TestBenignHTML(t *testing.T) {
	r := render.New()
	rows := loadBenign(t)
	for _, row := range rows {
		places := []render.Place{render.Post, render.GuestPost}
		switch row.Scope {
		case "comment":
			places = append(places, render.Comment)
		case "post":
		default:
			t.Fatalf("%s: unknown scope %q", row.ID, row.Scope)
		}
		if len(items(row.MustKeep)) == 0 {
			t.Fatalf("%s: empty must_keep", row.ID)
		}
		for _, place := range places {
			out, err := r.Render(place, render.HTML, row.HTML)
			if err != nil {
				t.Fatal(err)
			}
			safetest.AssertSafe(t, out)
			for _, it := range items(row.MustKeep) {
				if err := check(out, it, false); err != nil {
					t.Errorf("%s %v must_keep: %v\ninput:  %s\noutput: %s", row.ID, place, err, row.HTML, out)
				}
			}
			if place != render.Comment {
				continue
			}
			for _, it := range items(row.ExpectAdded) {
				if err := check(out, it, true); err != nil {
					t.Errorf("%s %v expect_added: %v\noutput: %s", row.ID, place, err, out)
				}
			}
		}
	}
}

// TestGrammar proves the must_keep checker can fail, and how.
func TestGrammar(t *testing.T) {
	const out = `<p>Nested <em>a <strong>b</strong></em> <a href="https://e.com/?a=1&amp;b=2" rel="nofollow ugc">x</a><a href="/y">y</a></p>`
	for _, tc := range []struct {
		item  string
		every bool
		ok    bool
	}{
		{"p>em", false, true},
		{"em>strong", false, true},
		{"p>strong", false, false}, // strong is a grandchild, not a child
		{"a[href=https://e.com/?a=1&b=2]", false, true},
		{"a[href=https://e.com/]", false, false},
		{"a[rel~=ugc]", false, true},
		{"a[rel~=nofollow]", true, false}, // the second link lacks it
		{"a[rel~=follow]", false, false},  // words, not substrings
		{"text:Nested a b", false, true},
		{"text:Nested ab", false, false},
		{"img", false, false},
		{"p[title", false, false}, // malformed: an error, not a silent miss
	} {
		if err := check(out, tc.item, tc.every); (err == nil) != tc.ok {
			t.Errorf("check(%q, every=%v) = %v, want ok=%v", tc.item, tc.every, err, tc.ok)
		}
	}
}
