package comment

import (
	"cmp"
	"slices"
	"testing"
	"time"
)

// threadBuilder writes comments the way the store does: ids in creation
// order, Attach for the depth rule, ChildPath for the path; Sorted returns
// them in path order, as the thread query does.
type threadBuilder struct {
	tb       testing.TB
	maxDepth int
	byID     map[int64]*Comment
	all      []*Comment
	clock    time.Time
}

func newThreadBuilder(tb testing.TB, maxDepth int) *threadBuilder {
	tb.Helper()
	return &threadBuilder{tb: tb, maxDepth: maxDepth, byID: map[int64]*Comment{},
		clock: time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)}
}

// Add writes a comment replying to parent (0 = top level) and returns its id.
func (b *threadBuilder) Add(parent int64, c Comment) int64 {
	b.tb.Helper()
	c.ID = int64(len(b.all) + 1)
	c.PostID = 1
	if c.Kind == "" {
		c.Kind = KindComment
	}
	if c.Status == "" {
		c.Status = StatusApproved
	}
	var p *Comment
	if parent != 0 {
		p = b.byID[parent]
		if p == nil {
			b.tb.Fatalf("no comment %d", parent)
		}
	}
	var pp string
	c.ParentID, c.Depth, pp = Attach(p, b.maxDepth)
	c.Path = ChildPath(pp, c.ID)
	b.clock = b.clock.Add(7 * time.Minute)
	c.CreatedAt = b.clock
	b.byID[c.ID] = &c
	b.all = append(b.all, &c)
	return c.ID
}

// Sorted returns the comments for which keep is true, in path order.
func (b *threadBuilder) Sorted(keep func(*Comment) bool) []Comment {
	var out []Comment
	for _, c := range b.all {
		if keep == nil || keep(c) {
			out = append(out, *c)
		}
	}
	slices.SortFunc(out, func(x, y Comment) int { return cmp.Compare(x.Path, y.Path) })
	return out
}
