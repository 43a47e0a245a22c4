package server

import (
	"encoding/binary"
	"hash/maphash"
	"html/template"
	"strings"
	"sync"
	"sync/atomic"

	"quire/internal/pagecache"
)

// The post page's comment list is most of its template work: about twenty
// escaped fields per comment, each a reflective call. The HTML of one
// top-level thread (the "comment" template, which recurses into the
// replies) is a pure function of the template set and of the commentItem
// values: those are plain strings and flags computed by commentsFor (the
// relative date already cut to its bucket, "3 hours ago"). So each thread
// is rendered once and kept under a hash of exactly those inputs. Nothing
// is invalidated: an edited comment, a new reply, a date that moves to the
// next bucket or another theme make another key, and the old fragment ages
// out of the bounded cache. A thread holding anything personal (the
// visitor's own comment with its Edit and Delete links) is always rendered
// afresh and never stored; the visitor's held comment is not an item at
// all (the partial shows it from commentsView.Held).

// fragmentBytes bounds the rendered threads kept: about a hundred busy
// posts' first pages.
const fragmentBytes = 16 << 20

// commentFrags renders comment threads through the fragment cache.
type commentFrags struct {
	cache *pagecache.Fragments
	seeds [2]maphash.Seed
	// gen numbers the template sets: a theme swap builds a new *Templates,
	// and a freed one's address may be reused, so the key holds a number
	// that only grows rather than the pointer.
	mu   sync.Mutex
	gen  atomic.Pointer[tplGen]
	last uint64
	// bufs holds the byte strings the keys are hashed from (*[]byte).
	bufs sync.Pool
}

// tplGen is the generation number of one template set.
type tplGen struct {
	tpl *Templates
	n   uint64
}

// initCommentRender sets up the post page's comment fragment cache.
func (s *Server) initCommentRender() {
	s.frags = newCommentFrags(fragmentBytes)
}

func newCommentFrags(maxBytes uint64) *commentFrags {
	return &commentFrags{cache: pagecache.NewFragments(maxBytes), seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}}
}

// generation returns the number of tpl, giving it the next one when it is
// not the set seen last.
func (f *commentFrags) generation(tpl *Templates) uint64 {
	if g := f.gen.Load(); g != nil && g.tpl == tpl {
		return g.n
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if g := f.gen.Load(); g != nil && g.tpl == tpl {
		return g.n
	}
	f.last++
	f.gen.Store(&tplGen{tpl: tpl, n: f.last})
	return f.last
}

// ItemsHTML renders the page's threads with the "comment" template of the
// page's look, each one from the fragment cache when its inputs are the
// same as when it was stored (or the whole list from the section cache,
// comment_section.go). Written in order, they are byte for byte what
// {{range .Items}}{{template "comment" .}}{{end}} writes. Without a
// fragment cache (static pages, theme check's sample data) it renders
// nothing, and the partial executes the "comment" template for each item
// itself; a theme's own partial that ranges over Items never asks.
func (t *commentsView) ItemsHTML() ([]template.HTML, error) {
	if t.frags == nil || t.tpl == nil || len(t.Items) == 0 {
		return nil, nil
	}
	tp, err := t.tpl.page("post")
	if err != nil {
		return nil, err
	}
	if t.shelling {
		return []template.HTML{template.HTML(t.sections.marks.items)}, nil // comment_shell.go
	}
	gen := t.frags.generation(t.tpl)
	if t.hit != nil && t.hit.gen == gen {
		return t.hit.html, nil // comment_section.go
	}
	out := make([]template.HTML, len(t.Items))
	var buf strings.Builder
	for i := range t.Items {
		it := &t.Items[i]
		k, cacheable := t.frags.key(gen, it)
		if cacheable {
			if h, ok := t.frags.cache.Get(k); ok {
				out[i] = template.HTML(h)
				continue
			}
		}
		buf.Reset()
		if err := tp.ExecuteTemplate(&buf, "comment", *it); err != nil { // a value, as range passes it
			return nil, err
		}
		h := buf.String()
		if cacheable {
			t.frags.cache.Put(k, h)
		}
		out[i] = template.HTML(h)
	}
	if m := t.miss; m != nil { // set only when no item is personal (threadPage)
		t.stored = &commentSection{count: t.Count, page: t.Page, pages: t.Pages, items: t.Items,
			created: m.created, gen: gen, html: chunked(out), pinned: m.pinned}
		t.sections.put(m, t.stored)
		t.miss = nil // the template may ask again: store once
	}
	return out, nil
}

// chunkBytes is the size the threads of a stored section are joined up
// to: the partial writes each piece with one reflective call and one copy
// through fmt's buffer, which fmt keeps for reuse only up to 64 KB, so a
// busy page's list is a few pieces rather than two hundred threads or one
// string that makes fmt allocate its length again on every view.
const chunkBytes = 32 << 10

// chunked joins threads into pieces of about chunkBytes (a longer thread
// is a piece of its own), in order.
func chunked(threads []template.HTML) []template.HTML {
	var out []template.HTML
	var b strings.Builder
	for _, h := range threads {
		if b.Len() > 0 && b.Len()+len(h) > chunkBytes {
			out = append(out, template.HTML(b.String()))
			b = strings.Builder{}
		}
		if b.Len() == 0 {
			b.Grow(max(chunkBytes, len(h)))
		}
		b.WriteString(string(h))
	}
	if b.Len() > 0 {
		out = append(out, template.HTML(b.String()))
	}
	return out
}

// key hashes everything the "comment" template reads of it and its
// replies, under the template generation; it reports false when the thread
// holds the visitor's own editable comment, which is personal.
// TestCommentFragmentKeyCoversFields changes each field of commentItem in
// turn: a field added there must be added here.
func (f *commentFrags) key(gen uint64, it *commentItem) (pagecache.FragmentKey, bool) {
	bp, _ := f.bufs.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	h := fragHash{b: (*bp)[:0]}
	h.uint(gen)
	ok := h.item(it)
	var k pagecache.FragmentKey
	if ok {
		k = pagecache.FragmentKey{maphash.Bytes(f.seeds[0], h.b), maphash.Bytes(f.seeds[1], h.b)}
	}
	if cap(h.b) <= maxKeyBuf {
		*bp = h.b[:0]
		f.bufs.Put(bp)
	}
	return k, ok
}

// maxKeyBuf is the largest key buffer kept for reuse (a thread of a few
// hundred long comments).
const maxKeyBuf = 1 << 20

// fragHash lays out a thread's inputs as one byte string, hashed at the
// end by two independently seeded hashes (128 bits: no two threads'
// inputs collide in practice, and the seeds are secret to the process, so
// they cannot be made to). Hashing the whole string at once is several
// times faster than feeding a streaming hash field by field, which works
// through long bodies 128 bytes a call.
type fragHash struct {
	b []byte
}

func (h *fragHash) uint(v uint64) { h.b = binary.LittleEndian.AppendUint64(h.b, v) }

// str writes s with its length first, so field boundaries are part of the
// hash ("ab"+"c" differs from "a"+"bc").
func (h *fragHash) str(s string) {
	h.uint(uint64(len(s)))
	h.b = append(h.b, s...)
}

// item writes it and its replies; false when any of them is personal:
// the visitor's to edit, or shown with a moderator's actions.
func (h *fragHash) item(it *commentItem) bool {
	if it.Editable || it.ModKey != "" || it.ModBack != "" {
		return false
	}
	var flags uint64
	for i, b := range []bool{it.Pingback, it.Linkback, it.ByPostAuthor, it.Orphan, it.Edited, it.Editable, it.PinnedHere} {
		if b {
			flags |= 1 << i
		}
	}
	h.uint(uint64(it.ID))
	h.uint(flags)
	for _, s := range [...]string{it.Name, it.AuthorURL, it.Class, it.Initials, it.Hue, it.SourceURL, it.Title,
		it.BodyHTML, it.Ago, it.ISO, it.Exact, it.ReplyURL} {
		h.str(s)
	}
	h.uint(uint64(len(it.Children)))
	for i := range it.Children {
		if !h.item(&it.Children[i]) {
			return false
		}
	}
	return true
}
