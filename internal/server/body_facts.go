package server

import (
	"github.com/maypok86/otter/v2"

	"quire/internal/media"
	"quire/internal/post"
)

// bodyFacts is what pages derive from a post's body HTML: its reading
// time and lead image (post.GlanceAt), its table of contents
// (post.Contents) and the library images it shows (media.ImageHashes).
// Each is a pass of the HTML tokenizer over the whole body, three for
// every view of a post and one for each card of a list; the profile of
// the uncached post page had them at a quarter of the bytes it
// allocated. The facts are shared between requests: read them, never
// change them.
type bodyFacts struct {
	glance post.Glance
	toc    []post.Heading
	images []string
}

// bodyMemoBytes bounds the bodies remembered (the bodies themselves are
// most of the weight).
const bodyMemoBytes = 8 << 20

// bodyMemo remembers the facts of the bodies shown lately, keyed by the
// body itself. The facts are a function of the key alone, so nothing
// invalidates them, on this node or any other: an edited post is a new
// key, and the old one ages out. (Keying by the text rather than a hash
// of it leaves no collision to reason about: a hit compares the bodies.)
type bodyMemo struct {
	c *otter.Cache[string, *bodyFacts]
}

func newBodyMemo(maxBytes uint64) *bodyMemo {
	return &bodyMemo{c: otter.Must(&otter.Options[string, *bodyFacts]{
		MaximumWeight: maxBytes,
		Weigher:       func(body string, f *bodyFacts) uint32 { return uint32(min(f.weight(body), 1<<31)) },
	})}
}

// of returns the facts of body, from the memo when it saw body before.
// A nil memo derives them every time.
func (m *bodyMemo) of(body string) *bodyFacts {
	if m == nil {
		return deriveFacts(body)
	}
	if f, ok := m.c.GetIfPresent(body); ok {
		return f
	}
	f := deriveFacts(body)
	m.c.Set(body, f)
	return f
}

func deriveFacts(body string) *bodyFacts {
	return &bodyFacts{glance: post.GlanceAt(body), toc: post.Contents(body), images: media.ImageHashes(body)}
}

// weight is about the bytes an entry holds: the key, the headings' and
// hashes' text, and some for the structures around them.
func (f *bodyFacts) weight(body string) int {
	n := len(body) + 128
	if im := f.glance.Image; im != nil {
		n += len(im.Src) + len(im.SrcSet) + len(im.Alt) + 64
	}
	for _, h := range f.toc {
		n += len(h.ID) + len(h.Text) + 48
	}
	for _, h := range f.images {
		n += len(h) + 16
	}
	return n
}
