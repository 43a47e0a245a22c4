package comment

import (
	"slices"
	"strings"
	"testing"
)

func TestSegment(t *testing.T) {
	for _, tc := range []struct {
		id   int64
		want string
	}{
		{1, "0000000001"},
		{35, "000000000z"},
		{36, "0000000010"},
		{1_000_000, "000000lfls"},
		{MaxPathID, "zzzzzzzzzz"},
	} {
		if got := Segment(tc.id); got != tc.want {
			t.Errorf("Segment(%d) = %q, want %q", tc.id, got, tc.want)
		}
	}
	for _, bad := range []int64{0, -1, MaxPathID + 1} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Segment(%d) did not panic", bad)
				}
			}()
			Segment(bad)
		}()
	}
}

func TestChildPathAndParse(t *testing.T) {
	p := ChildPath("", 7)
	p = ChildPath(p, 12)
	p = ChildPath(p, 40)
	if want := "0000000007.000000000c.0000000014"; p != want {
		t.Fatalf("path = %q, want %q", p, want)
	}
	ids, err := ParsePath(p)
	if err != nil || !slices.Equal(ids, []int64{7, 12, 40}) {
		t.Fatalf("ParsePath = %v, %v", ids, err)
	}
	if RootID(p) != 7 || PathDepth(p) != 2 || PathDepth(ChildPath("", 3)) != 0 || PathDepth("") != -1 {
		t.Errorf("RootID/PathDepth wrong for %q", p)
	}
	for _, bad := range []string{"", "7", "0000000007.", ".0000000007", "000000000A", "0000000000", "0000000007..0000000008", "00000000-7"} {
		if _, err := ParsePath(bad); err == nil {
			t.Errorf("ParsePath(%q) succeeded", bad)
		}
	}
	if RootID("junk") != 0 || RootID("") != 0 {
		t.Error("RootID of junk should be 0")
	}
}

// Byte order of paths is display order: parents before children, replies
// depth-first, older siblings first, and numeric order across digit widths.
func TestPathOrderIsDisplayOrder(t *testing.T) {
	b := newThreadBuilder(t, 10)
	a := b.Add(0, Comment{AuthorName: "a"})   // 1
	bb := b.Add(0, Comment{AuthorName: "b"})  // 2
	a1 := b.Add(a, Comment{AuthorName: "a1"}) // 3
	b.Add(bb, Comment{AuthorName: "b1"})      // 4
	b.Add(a1, Comment{AuthorName: "a1x"})     // 5
	b.Add(a, Comment{AuthorName: "a2"})       // 6
	for range 40 {                            // ids 7..46 cross base-36 widths
		b.Add(0, Comment{AuthorName: "filler"})
	}
	b.Add(a1, Comment{AuthorName: "a1y"}) // 47
	var names []string
	for _, c := range b.Sorted(func(c *Comment) bool { return c.AuthorName != "filler" }) {
		names = append(names, c.AuthorName)
	}
	want := "a a1 a1x a1y a2 b b1"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("order = %q, want %q", got, want)
	}
}

func TestAttach(t *testing.T) {
	// Chain 1 → 2 → 3 → 4 → 5 at depths 0..4.
	chain := []*Comment{{ID: 1, Path: ChildPath("", 1)}}
	for i := int64(2); i <= 5; i++ {
		p := chain[len(chain)-1]
		chain = append(chain, &Comment{ID: i, ParentID: p.ID, Depth: p.Depth + 1, Path: ChildPath(p.Path, i)})
	}
	tests := []struct {
		name      string
		parent    *Comment
		maxDepth  int
		wantID    int64
		wantDepth int
	}{
		{"top level", nil, 5, 0, 0},
		{"reply to top", chain[0], 5, 1, 1},
		{"reply at depth 3 goes to 4", chain[3], 5, 4, 4},
		{"reply to deepest becomes sibling", chain[4], 5, 4, 4},
		{"limit lowered: goes up the chain", chain[4], 3, 2, 2},
		{"limit 2", chain[4], 2, 1, 1},
		{"limit 1: flat", chain[2], 1, 0, 0},
		{"limit 0 counts as 1", chain[2], 0, 0, 0},
		{"limit -3 counts as 1", chain[1], -3, 0, 0},
		{"limit 99 counts as 10", chain[4], 99, 5, 5},
		{"reply to top with limit 2", chain[0], 2, 1, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, depth, pp := Attach(tc.parent, tc.maxDepth)
			if id != tc.wantID || depth != tc.wantDepth {
				t.Fatalf("Attach = (%d, %d), want (%d, %d)", id, depth, tc.wantID, tc.wantDepth)
			}
			wantPath := ""
			if id != 0 {
				wantPath = chain[id-1].Path
			}
			if pp != wantPath {
				t.Errorf("parentPath = %q, want %q", pp, wantPath)
			}
			if got := PathDepth(ChildPath(pp, 99)); got != depth {
				t.Errorf("child path depth %d, want %d", got, depth)
			}
		})
	}
}

func TestAttachMalformedPath(t *testing.T) {
	p := &Comment{ID: 9, ParentID: 4, Depth: 4, Path: "garbage"}
	id, depth, pp := Attach(p, 5)
	if id != 4 || depth != 4 || pp != "" {
		t.Errorf("Attach = (%d, %d, %q), want (4, 4, \"\")", id, depth, pp)
	}
	top := &Comment{ID: 9, Depth: 0, Path: "garbage"}
	if id, depth, _ := Attach(top, 1); id != 0 || depth != 0 {
		t.Errorf("Attach top = (%d, %d)", id, depth)
	}
}
