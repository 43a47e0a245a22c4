package loadtest

import (
	"math/rand/v2"
	"net/netip"
	"sort"
	"strconv"
	"time"

	"quire/internal/comment"
)

// Thread shapes. Each post's comments are generated in order: a third of
// them start a new top-level thread, the rest reply to one of the last
// twenty comments; one in twenty starts a chain of 5–10 replies each to
// the one before (a back-and-forth), capped at the schema's depth 9. One in
// fifty is a pingback and one in a hundred a webmention (top level, with
// a title and a unique source). 94% are approved, 4% held, 2% spam, so the
// thread has orphans (approved replies to held comments) too.

// gen is one generated comment, kept per post while its replies are made.
type gen struct {
	id       int64
	path     string
	depth    int
	approved bool
}

// Random streams of the generator (rand.NewPCG's second seed). An
// ordinary post's text and comments are drawn from one stream each, one
// post after another, so they depend on every post before; the busy and
// big posts' from streams of their own, the same whatever the dataset's
// size.
const (
	countStream = iota + 1
	postStream
	commonStream
	busyStream
	bigStream
	busyPostStream
	bigPostStream
)

// commentSource streams the comment rows of every post, post by post.
type commentSource struct {
	posts     []int64
	counts    map[int64]int
	now       time.Time
	seed      uint64
	common    *rand.Rand
	streams   map[int64]uint64 // posts whose comments have a stream of their own
	rng       *rand.Rand       // the current post's
	nextID    int64
	post      int // index into posts
	left      int // comments still to make for posts[post]
	made      []gen
	chain     int // replies left in the current chain
	row       []any
	linkbacks int
}

func newCommentSource(counts map[int64]int, now time.Time, seed uint64, streams map[int64]uint64) *commentSource {
	common := rand.New(rand.NewPCG(seed, commonStream))
	c := &commentSource{counts: counts, now: now, seed: seed, common: common, streams: streams, post: -1}
	for id, n := range counts {
		if n > 0 {
			c.posts = append(c.posts, id)
		}
	}
	sort.Slice(c.posts, func(i, j int) bool { return c.posts[i] < c.posts[j] })
	return c
}

func (c *commentSource) Next() bool {
	for c.left == 0 {
		c.post++
		if c.post >= len(c.posts) {
			return false
		}
		c.left, c.made, c.chain = c.counts[c.posts[c.post]], c.made[:0], 0
		c.rng = c.common
		if st, ok := c.streams[c.posts[c.post]]; ok {
			c.rng = rand.New(rand.NewPCG(c.seed, st))
		}
	}
	c.left--
	c.nextID++
	id, postID, r := c.nextID, c.posts[c.post], c.rng
	var parent *gen
	switch {
	case c.chain > 0 && len(c.made) > 0 && c.made[len(c.made)-1].depth < 9:
		parent = &c.made[len(c.made)-1]
		c.chain--
	case len(c.made) > 0 && r.IntN(3) > 0:
		parent = &c.made[len(c.made)-1-r.IntN(min(len(c.made), 20))]
		if parent.depth >= 9 {
			parent = nil
		}
		if r.IntN(20) == 0 {
			c.chain = 5 + r.IntN(6)
		}
	default:
		c.chain = 0
	}
	kind, title, source := "comment", "", ""
	if parent == nil {
		switch r.IntN(100) {
		case 0, 1:
			kind = "pingback"
		case 2:
			kind = "webmention"
		}
		if kind != "comment" {
			c.linkbacks++
			title = "A reply on another blog"
			source = "https://blog" + strconv.Itoa(r.IntN(500)) + ".invalid/posts/" + strconv.FormatInt(id, 10)
		}
	}
	status := "approved"
	switch n := r.IntN(100); {
	case n < 4:
		status = "held"
	case n < 6:
		status = "spam"
	}
	g := gen{id: id, path: comment.ChildPath("", id), approved: status == "approved"}
	var parentID any
	shownRoot := true
	if parent != nil {
		g.path, g.depth, parentID = comment.ChildPath(parent.path, id), parent.depth+1, parent.id
		shownRoot = !parent.approved
	}
	c.made = append(c.made, g)
	reader := r.IntN(5000)
	body := "<p>" + sentence(r, 15+r.IntN(60)) + ".</p>"
	if r.IntN(3) == 0 {
		body += "\n<p>" + sentence(r, 10+r.IntN(40)) + ".</p>"
	}
	ip := netip.AddrFrom4([4]byte{192, 0, 2, byte(reader % 250)})
	c.row = []any{id, postID, parentID, g.depth, g.path, kind, status, "Reader " + strconv.Itoa(reader),
		"reader" + strconv.Itoa(reader) + "@mail.invalid", "", body, source, title, ip,
		c.now.Add(-time.Duration(c.left+1) * time.Minute), shownRoot}
	return true
}

func (c *commentSource) Values() ([]any, error) { return c.row, nil }
func (c *commentSource) Err() error             { return nil }
