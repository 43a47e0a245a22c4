package comment

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchThread writes n comments with replies up to 10 levels deep: about a
// third top level, the rest replying to a random earlier comment, so every
// depth 0..9 occurs. It returns them in path order, as the store would.
func benchThread(b *testing.B, n int) []Comment {
	tb := newThreadBuilder(b, MaxMaxDepth)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		parent := int64(0)
		if i > 0 && rng.IntN(3) > 0 {
			parent = int64(rng.IntN(i) + 1)
			if rng.IntN(2) == 0 { // favour recent comments: deeper chains
				parent = int64(i - rng.IntN(min(i, 5)))
			}
		}
		tb.Add(parent, Comment{AuthorName: "reader", BodyHTML: "<p>text</p>"})
	}
	return tb.Sorted(nil)
}

func BenchmarkBuildThread(b *testing.B) {
	for _, n := range []int{1_000, 10_000} {
		flat := benchThread(b, n)
		depths := map[int]bool{}
		for _, c := range flat {
			depths[c.Depth] = true
		}
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				roots := BuildThread(flat)
				if len(roots) == 0 {
					b.Fatal("empty thread")
				}
			}
			b.ReportMetric(float64(len(depths)), "levels")
		})
	}
}
