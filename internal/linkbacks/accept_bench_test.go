package linkbacks

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"quire/internal/store"
)

// BenchmarkAcceptBatch is one batch of ten first pingbacks (or one, a
// lone ping's) to one post, each from its own address and source host
// as in a flood, through runCalls: "read" reads the target post in the
// transaction's first round trip, "held" has it from the node's target
// cache (targets.go), so the batch's statements go with the BEGIN. Once
// more than WaitQueue are pending, each batch writes its put-off
// verifications as one event, as a flood's do. ns/op is one batch.
func BenchmarkAcceptBatch(b *testing.B) {
	for _, bc := range []struct {
		name string
		held bool
		size int
	}{{"read", false, 10}, {"held", true, 10}, {"read/one", false, 1}, {"held/one", true, 1}} {
		held := bc.held
		b.Run(bc.name, func(b *testing.B) {
			s, _, slug := batchFixture(b)
			if held {
				holdTargets(b, s)
				primeTargets(b, s, slug)
			}
			lim := store.LinkbackLimits{Window: s.Limits.Window, PerIP: s.Limits.PerIP, PerHost: s.Limits.PerHost}
			tgt, _ := url.Parse("http://blog.invalid/posts/" + slug)
			calls := make([]*acceptCall, bc.size)
			b.ResetTimer()
			for i := range b.N {
				for j := range calls {
					n := i*len(calls) + j
					host := fmt.Sprintf("s%d.invalid", n)
					src, _ := url.Parse("http://" + host + "/post")
					calls[j] = &acceptCall{kind: "pingback", slug: slug, src: src, tgt: tgt, host: host, lim: lim,
						ip: fmt.Sprintf("198.18.%d.%d", n/256%256, n%256), waitQueue: s.Limits.WaitQueue, floodDelay: s.Limits.FloodDelay, done: make(chan struct{})}
				}
				s.runCalls(context.Background(), calls)
				for _, c := range calls {
					if c.err != nil || !c.v.Enqueue {
						b.Fatal(c.v, c.err)
					}
				}
			}
		})
	}
}
