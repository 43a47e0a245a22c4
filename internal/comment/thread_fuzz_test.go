package comment

import (
	"encoding/binary"
	"testing"
)

// FuzzBuildThread feeds arbitrary ids and parent links (self links, cycles,
// duplicates, children before parents). BuildThread must not panic, must
// return every input comment exactly once (orphans go to top level), and
// must link every comment whose parent occurs earlier in the input under the
// first occurrence of that parent.
func FuzzBuildThread(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{1, 0, 2, 1, 3, 2, 4, 1})
	f.Add([]byte{1, 1})
	f.Add([]byte{1, 2, 2, 1, 3, 9})
	f.Add([]byte{5, 0, 5, 0, 6, 5})
	f.Fuzz(func(t *testing.T, data []byte) {
		// Two bytes per comment, id and parent id, kept small so links
		// collide; Depth records the input index to find each node again.
		var flat []Comment
		for i := 0; i+1 < len(data); i += 2 {
			flat = append(flat, Comment{ID: int64(data[i]), ParentID: int64(data[i+1]), Depth: len(flat)})
		}
		if len(data) >= 8 { // one wide, possibly negative id
			flat = append(flat, Comment{ID: int64(binary.LittleEndian.Uint64(data)), ParentID: int64(data[0]), Depth: len(flat)})
		}
		roots := BuildThread(flat)
		nodes := Flatten(roots)
		if Count(roots) != len(flat) || len(nodes) != len(flat) {
			t.Fatalf("%d nodes out, %d in", len(nodes), len(flat))
		}
		byIndex := make([]*Node, len(flat))
		for _, n := range nodes {
			if byIndex[n.Depth] != nil {
				t.Fatalf("input %d appears twice", n.Depth)
			}
			byIndex[n.Depth] = n
		}
		parentOf := map[*Node]*Node{}
		for _, n := range nodes {
			for _, c := range n.Children {
				parentOf[c] = n
				if c.Level != n.Level+1 {
					t.Fatalf("level %d under level %d", c.Level, n.Level)
				}
			}
		}
		first := map[int64]int{} // id → index of its first occurrence
		for i, c := range flat {
			n := byIndex[i]
			pi, present := first[c.ParentID]
			switch {
			case c.ParentID != 0 && present:
				if parentOf[n] != byIndex[pi] || n.Orphan {
					t.Fatalf("input %d (#%d) not under its parent #%d at input %d", i, c.ID, c.ParentID, pi)
				}
			default:
				if parentOf[n] != nil || n.Level != 0 || n.Orphan != (c.ParentID != 0) {
					t.Fatalf("input %d (#%d, parent #%d absent) not a root", i, c.ID, c.ParentID)
				}
			}
			if _, dup := first[c.ID]; !dup {
				first[c.ID] = i
			}
		}
	})
}
