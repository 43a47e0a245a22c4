package server

import (
	"html/template"
	"maps"
	"slices"
	"strconv"

	"github.com/maypok86/otter/v2"
)

// Every page's head carries its feeds, extra links and OpenGraph tags:
// about twenty escaped attributes and a map ranged over in sorted order,
// which html/template did on every view with a reflective call each and
// a sort of the map's keys: a third of the allocations of a post page's
// template once its comment list was cached. The "headlinks" partial now
// renders each distinct set once; Templates.heads keeps the result, keyed by
// everything the partial reads, written out in full, so it is a function
// of its key alone: nothing to invalidate, on any node (the post's new
// title is a new key, and the old one ages out), and no collision to
// reason about. A theme's own layout that ranges over .Feeds, .Head and
// .OG itself still can.

// headLinks is what the "headlinks" partial is given.
type headLinks struct {
	Feeds []FeedLink
	Head  []HeadLink
	OG    map[string]string
}

// headMemoBytes bounds the memo: a post page's head links are about
// 2 KB, their key as much again.
const headMemoBytes = 4 << 20

// newHTMLMemo is a memo of rendered partials by their written-out inputs,
// bounded by the bytes of both.
func newHTMLMemo(maxBytes uint64) *otter.Cache[string, template.HTML] {
	return otter.Must(&otter.Options[string, template.HTML]{
		MaximumWeight: maxBytes,
		Weigher:       func(k string, v template.HTML) uint32 { return uint32(min(len(k)+len(v)+64, 1<<31)) },
	})
}

// memoized returns memo's entry for key, or else render's output, which
// it keeps unless render failed or keep (when given) no longer holds
// once it has rendered. A nil memo renders every time.
func memoized(memo *otter.Cache[string, template.HTML], key string, render func() (template.HTML, error),
	keep func() bool) (template.HTML, error) {
	if memo == nil {
		return render()
	}
	if h, ok := memo.GetIfPresent(key); ok {
		return h, nil
	}
	h, err := render()
	if err == nil && (keep == nil || keep()) {
		memo.Set(key, h)
	}
	return h, err
}

// headLinks renders the "headlinks" partial for the page's feeds, links
// and OpenGraph tags, from the memo when it rendered the same before.
func (t *Templates) headLinks(feeds []FeedLink, head []HeadLink, og map[string]string) (template.HTML, error) {
	return memoized(t.heads, headKey(feeds, head, og), func() (template.HTML, error) {
		return t.renderPartial("headlinks", headLinks{Feeds: feeds, Head: head, OG: og})
	}, nil)
}

// headKey writes out every string the partial reads, each after its
// length, so that no two inputs give one key.
func headKey(feeds []FeedLink, head []HeadLink, og map[string]string) string {
	var k memoKey
	k.put(strconv.Itoa(len(feeds)))
	for _, f := range feeds {
		k.put(f.Type)
		k.put(f.Title)
		k.put(f.Href)
	}
	k.put(strconv.Itoa(len(head)))
	for _, h := range head {
		k.put(h.Rel)
		k.put(h.Href)
	}
	for _, name := range slices.Sorted(maps.Keys(og)) {
		k.put(name)
		k.put(og[name])
	}
	return k.String()
}

// memoKey is the key of a rendered partial in the head links' memo: the
// partial's inputs written out, each after its length, so that no two
// inputs give one key (headKey, navKey).
type memoKey struct{ b []byte }

// put writes s after its length.
func (k *memoKey) put(s string) {
	k.b = strconv.AppendInt(k.b, int64(len(s)), 10)
	k.b = append(k.b, ':')
	k.b = append(k.b, s...)
}

func (k *memoKey) String() string { return string(k.b) }
