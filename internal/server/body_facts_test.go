package server

import (
	"reflect"
	"strings"
	"testing"

	"quire/internal/media"
	"quire/internal/post"
)

// TestBodyFacts: the memo answers exactly what the three derivations
// answer, for the body it is asked about (an edited body is never given
// the facts of the one before), and keeps within its bound.
func TestBodyFacts(t *testing.T) {
	const hash = "0123456789abcdef0123456789abcdef"
	long := strings.Repeat("<p>Words enough to take a while to read, one after another.</p>\n", 400)
	bodies := []string{
		"",
		"<p>Body.</p>",
		`<p>A picture: <img src="/media/` + hash + `.jpg" alt="A bridge"></p>`,
		`<h2 id="one">One</h2><p>a</p><h3 id="two">Two</h3><p>b</p><h2 id="three">Three</h2><p>c</p>`,
		`<h2 id="one">One</h2><p>a</p><h3 id="two">Two</h3><p>b</p><h2 id="three">Three, edited</h2><p>c</p>`,
		long,
		long + `<p><img src="https://elsewhere.example/a.png" alt=""></p>`,
	}
	m := newBodyMemo(1 << 20)
	for round := range 2 { // the first round fills the memo, the second reads it
		for _, b := range bodies {
			f := m.of(b)
			if g := post.GlanceAt(b); !reflect.DeepEqual(f.glance, g) {
				t.Errorf("round %d, %.40q: glance %+v, want %+v", round, b, f.glance, g)
			}
			if c := post.Contents(b); !reflect.DeepEqual(f.toc, c) {
				t.Errorf("round %d, %.40q: contents %+v, want %+v", round, b, f.toc, c)
			}
			if h := media.ImageHashes(b); !reflect.DeepEqual(f.images, h) {
				t.Errorf("round %d, %.40q: images %v, want %v", round, b, f.images, h)
			}
			if round == 1 && m.of(b) != f {
				t.Errorf("%.40q: derived again although remembered", b)
			}
		}
	}
	if f := m.of(bodies[2]); len(f.images) != 1 || f.images[0] != hash || f.glance.Image == nil {
		t.Errorf("the picture's facts: %+v", f)
	}
	if f := m.of(bodies[4]); len(f.toc) != 3 || f.toc[2].Text != "Three, edited" {
		t.Errorf("the edited body's contents: %+v", f.toc)
	}

	var none *bodyMemo // no memo: derived every time
	if f := none.of(bodies[3]); len(f.toc) != 3 {
		t.Errorf("without a memo: %+v", f.toc)
	}

	small := newBodyMemo(64 << 10) // far less than the bodies below
	for i := range 50 {
		small.of(long + strings.Repeat("x", i))
	}
	small.c.CleanUp()
	if w := small.c.WeightedSize(); w > 64<<10 {
		t.Errorf("the memo weighs %d bytes, bound 64 KiB", w)
	}
	if n := small.c.EstimatedSize(); n > 64<<10/len(long) {
		t.Errorf("the memo keeps %d bodies of %d bytes in 64 KiB", n, len(long))
	}
}
