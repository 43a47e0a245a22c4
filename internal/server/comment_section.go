package server

import (
	"html/template"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"quire/internal/comment"
	"quire/internal/invalidate"
	"quire/internal/pagecache"
)

// The comment list of a post page costs, besides its template, the read of
// the page's thread (the kept counts and a range of about as many rows as
// comments shown, bodies included), the tree, the items and the fragment
// keys that hash every body: on a busy post, most of an uncached page.
// commentSections keeps that whole result per post and page of its thread
// for every reader, signed in or not, until the thread changes: migration
// 00013's triggers notify "thread:<id>" on every node whenever what a
// post's public thread shows changes, and pagecache.Sections drops the
// post's sections then. A hit reads no comment at all.
//
// Everything else the list shows is either in the key (the settings that
// page the thread, whether the visitor may reply, the post's address and
// author) or checked on each hit: the relative dates ("3 hours ago") are
// worked out again from the stored times, the rendered threads are used
// only with the template set they were rendered with, and a visitor whose
// own editable comment is on the page gets the page built afresh. Nothing
// personal is stored: a page holding an editable comment is never put.

// sectionKey names one page of one post's thread as one kind of visitor
// sees it.
type sectionKey struct {
	post        int64
	page        int // as asked (?cpage): stored only when that is the page shown
	perPage     int
	newestFirst bool
	closed      bool
	membersOnly bool
	path        string // the reply links'
	author      int64  // whose comments are marked the author's
}

// commentSection is one page of a post's thread, ready to show.
type commentSection struct {
	count, page, pages int
	items              []commentItem // shared by every reader: never written after it is stored
	created            []time.Time   // of items, depth first, for their relative dates
	gen                uint64        // the template set html was rendered with
	html               []template.HTML
	pinned             *commentItem // the pinned comment above the thread (its date is shown whole: it never goes stale)
	// shell is the partial around html for the plain visitor, rendered
	// by the first of them (comment_shell.go).
	shell atomic.Pointer[sectionShell]
}

// sectionMiss is what a page built without its section needs to store it.
type sectionMiss struct {
	key     sectionKey
	ticket  pagecache.SectionTicket
	created []time.Time
	pinned  *commentItem
}

// commentSections is the cache and whether it may be trusted now.
type commentSections struct {
	cache        *pagecache.Sections[sectionKey, *commentSection]
	live         func() bool // the bus is listening: other nodes' changes reach us
	marks        shellMarks
	hits, stores atomic.Int64
	shells       atomic.Int64 // shells rendered (comment_shell.go)
}

// newCommentSections returns a section cache of maxBytes whose entries
// live at most ttl, trusted while live reports true.
func newCommentSections(maxBytes uint64, ttl time.Duration, live func() bool) *commentSections {
	return &commentSections{cache: pagecache.NewSections[sectionKey, *commentSection](maxBytes, ttl), live: live, marks: newShellMarks()}
}

// initCommentSections builds the cache when configured and a bus can
// invalidate it. Its size (QUIRE_COMMENT_CACHE_MB, 24 MB by default)
// counts the rendered threads and the comment bodies the items hold:
// about a hundred busy posts' pages.
func (s *Server) initCommentSections(bus *invalidate.Bus) {
	if bus == nil || s.cfg.PageCache.Sections == 0 {
		return
	}
	ttl := s.cfg.PageCache.TTL
	if ttl <= 0 {
		ttl = time.Minute
	}
	c := newCommentSections(s.cfg.PageCache.Sections, ttl, bus.Connected)
	s.sections = c
	bus.Subscribe(c.invalidated)
	s.registry.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "quire_comment_sections_hits_total",
			Help: "Post pages whose comment list came whole from this node's section cache (no comment read)."},
			func() float64 { return float64(c.hits.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "quire_comment_sections_stores_total",
			Help: "Comment lists read, rendered and stored in the section cache."},
			func() float64 { return float64(c.stores.Load()) }))
}

// invalidated drops a post's sections when its thread changes, and
// all of them on any other event: those are rare (a setting, a post, the
// navigation, a reset after a lost listener), and a post's own change
// may move what its key does not hold.
func (c *commentSections) invalidated(ev invalidate.Event) {
	if ev.Topic == invalidate.TopicThread {
		if id, err := strconv.ParseInt(ev.Key, 10, 64); err == nil && id > 0 {
			c.cache.InvalidateThread(id)
			return
		}
	}
	c.cache.InvalidateAll()
}

// begin returns what storing the section of key will need, taken before
// its thread is read; nil when there is no cache.
func (c *commentSections) begin(key sectionKey) *sectionMiss {
	if c == nil {
		return nil
	}
	return &sectionMiss{key: key, ticket: c.cache.Ticket(key.post)}
}

// get returns the section of key when it still shows what a fresh read
// would at now for a visitor with editable comments: none of those on
// it, and every relative date in the same words.
func (c *commentSections) get(key sectionKey, editable map[int64]bool, now time.Time) *commentSection {
	if c == nil || !c.live() {
		return nil
	}
	sec, ok := c.cache.Get(key)
	if !ok {
		return nil
	}
	w := sectionCheck{created: sec.created, editable: editable, now: now}
	if !w.fresh(sec.items) {
		return nil
	}
	c.hits.Add(1)
	return sec
}

// put stores the section a page built after a miss.
func (c *commentSections) put(m *sectionMiss, sec *commentSection) {
	weight := 64 * len(sec.created)
	for _, h := range sec.html {
		weight += len(h)
	}
	var bodies func([]commentItem)
	bodies = func(items []commentItem) {
		for i := range items {
			weight += len(items[i].BodyHTML) + len(items[i].Name) + len(items[i].AuthorURL) + len(items[i].SourceURL) + len(items[i].Title)
			bodies(items[i].Children)
		}
	}
	bodies(sec.items)
	if sec.pinned != nil {
		bodies([]commentItem{*sec.pinned})
	}
	if c.cache.Put(m.key, m.ticket, sec, weight) {
		c.stores.Add(1)
	}
}

// sectionCheck walks a stored section's items depth first.
type sectionCheck struct {
	created  []time.Time
	i        int
	editable map[int64]bool
	now      time.Time
	buf      [48]byte
}

func (w *sectionCheck) fresh(items []commentItem) bool {
	for i := range items {
		it := &items[i]
		if w.editable[it.ID] || w.i >= len(w.created) {
			return false
		}
		if string(appendAgo(w.buf[:0], w.created[w.i], w.now)) != it.Ago {
			return false
		}
		w.i++
		if !w.fresh(it.Children) {
			return false
		}
	}
	return true
}

// createdTimes lists the comments of nodes depth first, in the order
// the items built from them are walked.
func createdTimes(nodes []*comment.Node, out []time.Time) []time.Time {
	for _, n := range nodes {
		out = append(out, n.CreatedAt)
		out = createdTimes(n.Children, out)
	}
	return out
}

// anyPersonal reports whether items hold the visitor's editable comment
// or a moderator's actions.
func anyPersonal(items []commentItem) bool {
	for i := range items {
		if items[i].Editable || items[i].ModKey != "" || anyPersonal(items[i].Children) {
			return true
		}
	}
	return false
}
