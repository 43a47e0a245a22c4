package comment

// Node is a comment in a built thread, with its replies in display order.
type Node struct {
	Comment
	// Children are the replies shown under this comment, oldest first.
	Children []*Node
	// Level is the nesting level in the built tree: 0 for a top-level node.
	// It equals Depth unless an ancestor was missing (see Orphan); templates
	// should indent by Level.
	Level int
	// Orphan is set on a reply whose parent is not in the thread (held, spam,
	// trashed or deleted) and which is therefore shown at top level. A
	// template may say "in reply to a comment that is not shown".
	Orphan bool
}

// BuildThread turns a post's comments, in display order (sorted by Path, as
// the store returns them), into a forest of top-level nodes with their
// replies. It makes one pass, keeps a map from id to node, and allocates all
// nodes in one slice: O(n) time and memory, so a thread of thousands renders
// in linear time (PRODUCT.md, must have 3).
//
// A reply is linked under its parent only if the parent appears earlier in
// flat; path order guarantees that for every parent present. This also
// means arbitrary, even cyclic, ParentID links cannot form a loop.
//
// Orphans — replies whose parent is absent (typically a parent that is held
// or spam while the reply was approved) — are kept, not dropped: they are
// shown at top level, with Orphan set, in their place in the input order,
// which path order puts where the missing parent would have been. This is
// what WordPress's comment walker does with orphans; dropping them would hide
// an approved comment because of someone else's. So every input comment
// appears exactly once in the output: Count(BuildThread(flat)) == len(flat),
// and Flatten gives back flat's order when flat is in path order.
//
// A comment whose ParentID is its own ID, or whose parent id occurs only
// later in flat, is treated as an orphan. When an id occurs twice, replies
// attach to the first occurrence.
func BuildThread(flat []Comment) []*Node {
	if len(flat) == 0 {
		return nil
	}
	nodes := make([]Node, len(flat))
	byID := make(map[int64]*Node, len(flat))
	var roots []*Node
	for i := range flat {
		n := &nodes[i]
		n.Comment = flat[i]
		if p, ok := byID[n.ParentID]; ok && n.ParentID != 0 {
			n.Level = p.Level + 1
			p.Children = append(p.Children, n)
		} else {
			n.Orphan = n.ParentID != 0
			roots = append(roots, n)
		}
		// Registered after linking, so a node never becomes its own parent.
		if _, dup := byID[n.ID]; !dup {
			byID[n.ID] = n
		}
	}
	return roots
}

// Count returns the number of nodes in the forest, replies included: the
// comment count of the thread when the forest holds approved comments.
func Count(roots []*Node) int {
	n := 0
	walk(roots, func(*Node) { n++ })
	return n
}

// Flatten returns the nodes of the forest depth-first, each followed by its
// replies: the order in which a template that does not recurse prints them,
// indenting by Node.Level.
func Flatten(roots []*Node) []*Node {
	out := make([]*Node, 0, len(roots))
	walk(roots, func(n *Node) { out = append(out, n) })
	return out
}

// walk visits the forest depth-first with an explicit stack, so a very deep
// (malformed) thread cannot overflow the goroutine stack.
func walk(roots []*Node, visit func(*Node)) {
	stack := make([]*Node, 0, len(roots))
	for i := len(roots) - 1; i >= 0; i-- {
		stack = append(stack, roots[i])
	}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		visit(n)
		for i := len(n.Children) - 1; i >= 0; i-- {
			stack = append(stack, n.Children[i])
		}
	}
}
